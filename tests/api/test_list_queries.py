"""Every list endpoint runs the same number of SQL queries whatever the page size."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from factcheck.facts.models import CheckRun
from factcheck.facts.services.evidence import evidence_review
from factcheck.facts.services.verdicts import verdict_create
from tests import factories as f

pytestmark = pytest.mark.django_db


def grow(n: int, checker: User) -> int:
    """Add n of everything; return the id of a claim that gained n evidence."""
    hub = f.claim("hub claim", speaker=f.org(f"Root {n}"))
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
        verdict_create(claim=claim, rating="true", summary="ok", author=checker)
        CheckRun.objects.create(
            kind="recheck_claim", claim=claim, state="done", finished_at=timezone.now()
        )
    return hub.pk


ENDPOINTS: list[tuple[str, Callable[[int], str]]] = [
    ("outlets", lambda hub: "/api/v1/outlets/"),
    ("speakers", lambda hub: "/api/v1/speakers/"),
    ("sources", lambda hub: "/api/v1/sources/"),
    ("claims", lambda hub: "/api/v1/claims/"),
    ("evidence", lambda hub: "/api/v1/evidence/"),
    ("verdicts", lambda hub: "/api/v1/verdicts/"),
    ("check-runs", lambda hub: "/api/v1/check-runs/"),
    ("claim evidence", lambda hub: f"/api/v1/claims/{hub}/evidence/"),
    ("claim history", lambda hub: f"/api/v1/claims/{hub}/history/"),
]


@pytest.mark.parametrize(("name", "path"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_the_query_count_does_not_grow_with_the_page(
    name: str, path: Callable[[int], str], reader_client: APIClient, fact_checker: User
) -> None:
    def queries_for(hub: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = reader_client.get(path(hub) + "?page_size=200")
        assert response.status_code == 200
        return len(captured)

    small = queries_for(grow(2, fact_checker))
    large = queries_for(grow(12, fact_checker))
    assert small == large, f"{name}: {small} queries for a small page, {large} for a large one"


@pytest.mark.parametrize(
    ("name", "path", "queries"),
    [
        ("claims", "/api/v1/claims/", 6),
        ("evidence", "/api/v1/evidence/", 6),
        ("claim evidence", "/api/v1/claims/{hub}/evidence/", 7),
        ("review queue", "/api/v1/review-queue/", 6),
    ],
)
def test_the_busy_lists_run_a_fixed_number_of_queries(
    name: str, path: str, queries: int, reader_client: APIClient, fact_checker: User
) -> None:
    """Pinned, copies included: the request's savepoint and its release, the token, the
    reader's role, a count and a page (and the claim itself, for a claim's evidence)."""
    hub = grow(5, fact_checker)
    with CaptureQueriesContext(connection) as captured:
        response = reader_client.get(path.format(hub=hub) + "?page_size=200")
    assert response.status_code == 200
    assert len(response.json()["results"]) > 0
    assert len(captured) == queries, [q["sql"][:120] for q in captured.captured_queries]
