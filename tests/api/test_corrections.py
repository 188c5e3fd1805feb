"""Corrections and retractions: a source's text changes after it was read, or its
publisher withdraws it; its evidence, its claims and their verdicts follow."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from factcheck.facts.models import (
    CheckRun,
    CheckRunKind,
    Claim,
    ClaimStatus,
    Event,
    Evidence,
    EvidenceMethod,
    Source,
    SourceStanding,
    SourceVersion,
    Verdict,
    VerdictFlag,
)
from factcheck.facts.services.corrections import source_refetch, sources_queue_due_refetch
from factcheck.facts.services.sources import refetch_wait, source_ingest
from factcheck.facts.services.sweeps import sweep_engine_version
from factcheck.facts.services.verdicts import verdict_create
from factcheck.facts.tasks import claim_recheck
from tests import factories as f

pytestmark = pytest.mark.django_db

NATO = "NATO said the North Korean troops had been deployed to the Kursk region."
TEXT = f"Officials met in Brussels on Monday. {NATO} Talks continue on Tuesday."


Corroborated = tuple[Claim, Source, Evidence, Verdict]


def run_rechecks() -> None:
    for run in CheckRun.objects.filter(kind=CheckRunKind.RECHECK_CLAIM, state="queued"):
        claim_recheck.run(run.pk)


@pytest.fixture
def corroborated() -> Corroborated:
    """A claim its claimant and NATO (in the source) support, with a verdict on it."""
    claim = f.claim("North Korean troops are in the Kursk region.", speaker=f.org("US government"))
    source = f.source(TEXT, outlet=f.outlet("Example Wire"))
    evidence = f.evidence(
        claim, source, "supports", f.org("NATO"), method=EvidenceMethod.MANUAL, quote=NATO
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.CORROBORATED
    checker = User.objects.create(username="checker")
    verdict = verdict_create(claim=claim, rating="true", summary="Two origins.", author=checker)
    return claim, source, evidence, verdict


def test_a_corrected_text_withdraws_what_it_removed_and_flags_the_verdict(
    editor_client: APIClient,
    reader_client: APIClient,
    corroborated: Corroborated,
) -> None:
    claim, source, evidence, verdict = corroborated
    corrected = "Officials met in Brussels on Monday. Talks continue on Tuesday."
    response = editor_client.post(
        f"/api/v1/sources/{source.pk}/correct/",
        {"text": corrected, "note": "The NATO statement was misattributed."},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["changed"], body["evidence_withdrawn"], body["verdicts_flagged"]) == (True, 1, 1)
    assert body["source"]["standing"] == "corrected"
    assert CheckRun.objects.get(pk=body["check_run"]).kind == CheckRunKind.INGEST_SOURCE

    evidence.refresh_from_db()
    assert evidence.withdrawn_at is not None and "misattributed" in evidence.withdrawn_reason
    versions = reader_client.get(f"/api/v1/sources/{source.pk}/versions/").json()["results"]
    assert [(v["text"], v["reason"]) for v in versions] == [(TEXT, "editor")]
    assert reader_client.get(f"/api/v1/sources/{source.pk}/").json()["text"] == corrected

    # The claim is re-checked without the withdrawn evidence: its claimant alone.
    run_rechecks()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.UNVERIFIED
    # The verdict is to be looked at again, with the reason, in the API and the stream.
    flagged = reader_client.get("/api/v1/verdicts/?needs_review=true").json()["results"]
    assert [v["id"] for v in flagged] == [verdict.pk]
    (flag,) = reader_client.get("/api/v1/verdict-flags/?open=true").json()["results"]
    assert (flag["verdict"], flag["source"]) == (verdict.pk, source.pk)
    assert "was corrected: The NATO statement was misattributed." in flag["reason"]
    event = Event.objects.get(type="source.corrected")
    assert (event.data["verdicts_flagged"], event.data["evidence_withdrawn"]) == ([verdict.pk], 1)
    assert reader_client.get("/api/v1/stats/").json()["verdicts_to_look_at_again"] == 1
    queue = reader_client.get("/api/v1/review-queue/verdicts/").json()["results"]
    assert [(q["verdict"], q["open"]) for q in queue] == [(verdict.pk, True)]

    # The next verdict answers the flag.
    verdict_create(
        claim=claim, rating="unproven", summary="NATO never said it.", author=verdict.author
    )
    assert reader_client.get("/api/v1/verdicts/?needs_review=true").json()["count"] == 0
    assert VerdictFlag.objects.get().cleared_at is not None


def test_evidence_still_in_the_corrected_text_points_into_it(
    editor_client: APIClient, corroborated: Corroborated
) -> None:
    _, source, evidence, _ = corroborated
    corrected = f"Correction appended below. {NATO} Talks continue on Tuesday."
    body = editor_client.post(
        f"/api/v1/sources/{source.pk}/correct/",
        {"text": corrected, "note": "Opening sentence changed."},
        format="json",
    ).json()
    assert body["evidence_withdrawn"] == 0
    evidence.refresh_from_db()
    assert evidence.withdrawn_at is None
    assert corrected[evidence.quote_start : evidence.quote_end] == NATO


def test_a_correction_without_text_rechecks_and_flags_but_keeps_the_text(
    editor_client: APIClient, corroborated: Corroborated
) -> None:
    _, source, _, verdict = corroborated
    body = editor_client.post(
        f"/api/v1/sources/{source.pk}/correct/", {"note": "Headline fixed."}, format="json"
    ).json()
    assert (body["changed"], body["evidence_withdrawn"], body["verdicts_flagged"]) == (False, 0, 1)
    source.refresh_from_db()
    assert (source.text, source.standing) == (TEXT, SourceStanding.CORRECTED)
    assert not SourceVersion.objects.exists()
    assert CheckRun.objects.filter(kind=CheckRunKind.RECHECK_CLAIM, claim=verdict.claim).exists()


def test_a_retracted_source_counts_for_nothing_and_is_never_read_again(
    editor_client: APIClient, corroborated: Corroborated
) -> None:
    claim, source, _, verdict = corroborated
    automatic = f.evidence(f.claim("Another claim about Kursk."), source, "supports")
    response = editor_client.post(
        f"/api/v1/sources/{source.pk}/retract/",
        {"note": "Withdrawn by Example Wire."},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["evidence_withdrawn"] == 2
    assert response.json()["source"]["standing"] == "retracted"
    run_rechecks()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.UNVERIFIED
    assert Event.objects.filter(type="source.retracted", source=source).count() == 1
    assert VerdictFlag.objects.filter(verdict=verdict, cleared_at=None).exists()

    # Read again (a retry, a new engine): nothing comes back.
    assert source_ingest(source_id=source.pk)["retracted"] is True
    automatic.refresh_from_db()
    assert automatic.withdrawn_at is not None
    automatic.__class__.objects.filter(pk=automatic.pk).update(engine_version="old")
    assert sweep_engine_version() == {"sources_rescreened": 0}

    again = editor_client.post(
        f"/api/v1/sources/{source.pk}/retract/", {"note": "again"}, format="json"
    )
    assert again.status_code == 409
    fix = editor_client.post(
        f"/api/v1/sources/{source.pk}/correct/", {"note": "x", "text": "New text."}, format="json"
    )
    assert fix.status_code == 409 and "retracted" in fix.json()["detail"]


def test_bad_corrections_are_refused_and_change_nothing(
    editor_client: APIClient,
    reader_client: APIClient,
    corroborated: Corroborated,
) -> None:
    _, source, _, _ = corroborated
    url = f"/api/v1/sources/{source.pk}/correct/"
    assert reader_client.post(url, {"note": "x"}, format="json").status_code == 403
    for bad in ({}, {"note": ""}, {"note": "   "}, {"note": 5}, {"note": "x", "text": 7}):
        assert editor_client.post(url, bad, format="json").status_code == 400, bad
    pending = f.source("Not read yet.", state="pending")
    late = editor_client.post(
        f"/api/v1/sources/{pending.pk}/correct/", {"note": "x", "text": "y"}, format="json"
    )
    assert late.status_code == 409
    held = f.source("Another article entirely.")
    same = editor_client.post(
        url, {"note": "x", "text": "Another article entirely."}, format="json"
    )
    assert same.status_code == 409 and same.json()["existing"] == {"kind": "source", "id": held.pk}
    source.refresh_from_db()
    assert (source.text, source.standing) == (TEXT, SourceStanding.CURRENT)
    assert not SourceVersion.objects.exists() and not VerdictFlag.objects.exists()


def test_pages_are_fetched_again_less_often_as_they_age(settings: Settings) -> None:
    assert refetch_wait(timedelta(minutes=5)) == timedelta(hours=1)
    assert refetch_wait(timedelta(days=1)) == timedelta(hours=12)
    assert refetch_wait(timedelta(days=20)) == timedelta(days=7)
    assert refetch_wait(timedelta(days=31)) is None
    settings.FACTCHECK_REFETCH_DAYS = 0
    assert refetch_wait(timedelta(minutes=5)) is None


PAGE: dict[str, Any] = {"etag": '"v1"', "body": b""}
SEEN: list[str] = []


def page(paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<html><head><title>Troops in Kursk</title></head><body><article><h1>Troops in Kursk"
        f"</h1>{body}</article></body></html>"
    ).encode()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        SEEN.append(self.headers.get("If-None-Match", ""))
        if self.headers.get("If-None-Match") == PAGE["etag"]:
            self.send_response(304)
            self.send_header("ETag", str(PAGE["etag"]))
            self.end_headers()
            return
        body: bytes = PAGE["body"]
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", str(PAGE["etag"]))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site(settings: Settings) -> Iterator[str]:
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = True
    SEEN.clear()
    PAGE["etag"] = '"v1"'
    PAGE["body"] = page(
        [
            "North Korea has sent about 10,000 troops to Russia, the Pentagon said on Monday.",
            "Several thousand of them are moving toward the Kursk region, officials added.",
        ]
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_page_that_changed_becomes_a_new_version_and_is_read_again(site: str) -> None:
    source = Source.objects.create(url=f"{site}/story", state="pending")
    source_ingest(source_id=source.pk)
    source.refresh_from_db()
    assert source.etag == '"v1"'
    assert source.next_refetch_at is not None
    assert timedelta(minutes=59) < source.next_refetch_at - timezone.now() <= timedelta(hours=1)

    # Nothing changed: the server says so (304) and only the next time moves.
    assert source_refetch(source_id=source.pk) == {"changed": False, "not_modified": True}
    assert SEEN[-1] == '"v1"'
    assert not SourceVersion.objects.exists()

    PAGE["etag"] = '"v2"'
    PAGE["body"] = page(
        ["North Korea has sent about 12,000 troops to Russia, the Pentagon said on Monday."]
    )
    report = source_refetch(source_id=source.pk)
    assert report["changed"] is True
    source.refresh_from_db()
    assert "12,000" in source.text and source.standing == SourceStanding.CORRECTED
    assert source.etag == '"v2"' and source.last_refetched_at is not None
    (version,) = SourceVersion.objects.filter(source=source)
    assert "10,000" in version.text and version.reason == "refetch"
    assert CheckRun.objects.get(pk=report["check_run"]).kind == CheckRunKind.INGEST_SOURCE


def test_beat_queues_the_pages_whose_time_has_come_once(site: str) -> None:
    from factcheck.facts.tasks import source_refetch as refetch_task

    source = Source.objects.create(url=f"{site}/story", state="pending")
    source_ingest(source_id=source.pk)
    assert sources_queue_due_refetch() == 0  # not due for an hour
    Source.objects.filter(pk=source.pk).update(next_refetch_at=timezone.now())
    assert sources_queue_due_refetch() == 1
    assert sources_queue_due_refetch() == 0  # one queued already
    run = CheckRun.objects.get(kind=CheckRunKind.REFETCH_SOURCE)
    refetch_task.run(run.pk)
    run.refresh_from_db()
    assert (run.state, run.counts) == ("done", {"changed": False, "not_modified": True})
    source.refresh_from_db()
    assert source.next_refetch_at and source.next_refetch_at > timezone.now()


def test_a_page_that_changed_on_its_own_flags_only_verdicts_whose_evidence_went(
    site: str,
) -> None:
    source = Source.objects.create(url=f"{site}/story", state="pending")
    source_ingest(source_id=source.pk)
    source.refresh_from_db()
    first, second = (
        "North Korea has sent about 10,000 troops to Russia, the Pentagon said on Monday.",
        "Several thousand of them are moving toward the Kursk region, officials added.",
    )
    author = User.objects.create(username="checker")
    verdicts = {}
    for quote in (first, second):
        claim = f.claim(quote)
        f.evidence(claim, source, "supports", method=EvidenceMethod.MANUAL, quote=quote)
        verdicts[quote] = verdict_create(claim=claim, rating="true", summary="s", author=author)
    PAGE["etag"] = '"v2"'
    PAGE["body"] = page([first.replace("10,000", "12,000"), second])
    report = source_refetch(source_id=source.pk)
    assert (report["evidence_withdrawn"], report["claims_rechecked"]) == (1, 2)
    assert list(VerdictFlag.objects.values_list("verdict_id", flat=True)) == [verdicts[first].pk]
