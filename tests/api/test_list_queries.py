"""Every list endpoint runs a pinned number of SQL queries, the same whatever the page size
and whatever the rows hold (copies, reviews, verdicts, flags)."""

from __future__ import annotations

from typing import NamedTuple

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from factcheck.facts.models import (
    CheckRun,
    Event,
    ExternalReview,
    Feed,
    FeedEntry,
    SourceVersion,
    VerdictFlag,
    WebhookDelivery,
    WebhookSubscription,
)
from factcheck.facts.services.evidence import evidence_review
from factcheck.facts.services.verdicts import verdict_create
from tests import factories as f

pytestmark = pytest.mark.django_db


class Hubs(NamedTuple):
    """Records that gain n rows of each related list, for the lists under a record."""

    claim: int
    source: int
    feed: int
    webhook: int


def grow(n: int, checker: User, owner: User) -> Hubs:
    """Add n of everything, republished copies, reviews, verdicts, flags, feed entries,
    webhook deliveries and other publishers' fact-checks included."""
    hub = f.claim(f"hub claim {n}", speaker=f.org(f"Root {n}"))
    hub_source = f.source(f"hub source {n}")
    feed = Feed.objects.create(url=f"https://feeds.example/{n}")
    hook = WebhookSubscription.objects.create(
        owner=owner, url=f"https://hooks.example/{n}", secret="s"
    )
    for i in range(n):
        outlet = f.outlet(owner_group="Group")
        org = f.org(f"Org {n}-{i}")
        source = f.source(outlet=outlet, syndicated_from=f.outlet())
        # A republished copy of it, as the copy detector links one: its evidence names the
        # original's outlets.
        copy = f.source(outlet=f.outlet(), copy_of=source)
        f.evidence(hub, copy, "supports")
        claim = f.claim(f"claim {n}-{i}", speaker=f.speaker(organization=org), first_source=source)
        evidence = f.evidence(claim, source, "supports", f.speaker(organization=org))
        evidence_review(evidence=evidence, reviewer=checker, stance="discusses")
        f.evidence(hub, source, "supports", f.speaker(organization=org))
        verdict = verdict_create(claim=claim, rating="true", summary="ok", author=checker)
        VerdictFlag.objects.create(verdict=verdict, claim=claim, source=source, reason="changed")
        CheckRun.objects.create(
            kind="recheck_claim", claim=claim, state="done", finished_at=timezone.now()
        )
        ExternalReview.objects.create(
            claim=hub, key=f"{n}-{i}", claim_reviewed="hub claim", rating_text="False"
        )
        SourceVersion.objects.create(source=hub_source, text=f"version {i}", reason="editor")
        FeedEntry.objects.create(feed=feed, entry_id=f"{n}-{i}", source=source)
        event = Event.objects.create(transaction_id=n * 1000 + i, type="claim.created", claim=claim)
        WebhookDelivery.objects.create(subscription=hook, event=event)
    return Hubs(hub.pk, hub_source.pk, feed.pk, hook.pk)


ENDPOINTS: list[tuple[str, str, int]] = [
    # name, path, queries: the request's savepoint and its release, the token, the reader's
    # role, a count and a page, and what a list under one record reads of that record.
    ("outlets", "/api/v1/outlets/", 6),
    ("speakers", "/api/v1/speakers/", 6),
    ("sources", "/api/v1/sources/", 6),
    ("claims", "/api/v1/claims/", 6),
    ("evidence", "/api/v1/evidence/", 6),
    ("review queue", "/api/v1/review-queue/", 6),
    ("verdicts to look at again", "/api/v1/review-queue/verdicts/", 6),
    ("verdicts", "/api/v1/verdicts/", 6),
    ("verdict flags", "/api/v1/verdict-flags/", 6),
    ("feeds", "/api/v1/feeds/", 6),
    ("webhooks", "/api/v1/webhooks/", 6),
    ("webhook deliveries", "/api/v1/webhook-deliveries/", 6),
    ("check runs", "/api/v1/check-runs/", 6),
    ("changes", "/api/v1/changes/", 5),  # pages by cursor: no count
    ("claim evidence", "/api/v1/claims/{claim}/evidence/", 7),
    ("claim history", "/api/v1/claims/{claim}/history/", 7),
    ("claim fact-checks", "/api/v1/claims/{claim}/external-reviews/", 7),
    ("source versions", "/api/v1/sources/{source}/versions/", 7),
    ("feed entries", "/api/v1/feeds/{feed}/entries/", 7),
    ("webhook's deliveries", "/api/v1/webhooks/{webhook}/deliveries/", 7),
]
IDS = [e[0] for e in ENDPOINTS]


def _queries(client: APIClient, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url + "?page_size=200")
    assert response.status_code == 200, response.content
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body  # a claim's history: a list
    assert rows, f"{url}: an empty list counts nothing"
    return len(captured), [q["sql"][:120] for q in captured.captured_queries]


@pytest.mark.parametrize(("name", "path", "queries"), ENDPOINTS, ids=IDS)
def test_the_query_count_does_not_grow_with_the_page(
    name: str,
    path: str,
    queries: int,
    reader_client: APIClient,
    reader: User,
    fact_checker: User,
) -> None:
    small, _ = _queries(reader_client, path.format(**grow(2, fact_checker, reader)._asdict()))
    large, _ = _queries(reader_client, path.format(**grow(12, fact_checker, reader)._asdict()))
    assert small == large, f"{name}: {small} queries for a small page, {large} for a large one"


@pytest.mark.parametrize(("name", "path", "queries"), ENDPOINTS, ids=IDS)
def test_every_list_runs_a_pinned_number_of_queries(
    name: str,
    path: str,
    queries: int,
    reader_client: APIClient,
    reader: User,
    fact_checker: User,
) -> None:
    hubs = grow(5, fact_checker, reader)
    count, sql = _queries(reader_client, path.format(**hubs._asdict()))
    assert count == queries, sql
