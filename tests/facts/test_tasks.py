"""Task bodies run in-process here; tests/integration runs them in a real worker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.fixtures import Settings

from factcheck.facts.models import CheckRun, Claim, ProcessingState, Source
from factcheck.facts.services.check_runs import check_run_start
from factcheck.facts.services.sweeps import sweep_stale_claims
from factcheck.facts.tasks import claim_recheck, source_ingest
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_run_starts_once_and_a_finished_run_never_again() -> None:
    running = CheckRun.objects.create(kind="recheck_claim", claim=f.claim())
    assert check_run_start(check_run_id=running.pk)
    assert not check_run_start(check_run_id=running.pk)  # a second delivery meanwhile
    claim_recheck.run(running.pk)  # ... is skipped
    running.refresh_from_db()
    assert (running.state, running.attempts) == ("running", 1)

    run = CheckRun.objects.create(kind="recheck_claim", claim=f.claim())
    claim_recheck.run(run.pk)
    run.refresh_from_db()
    assert run.state == "done"
    assert not check_run_start(check_run_id=run.pk)


def test_claim_recheck_twice_ends_in_the_same_state() -> None:
    claim = f.claim(speaker=f.org("US government"))
    f.evidence(claim, f.source(), "supports", f.org("NATO"))
    Claim.objects.filter(pk=claim.pk).update(status="unverified")
    run = CheckRun.objects.create(kind="recheck_claim", claim=claim, trigger="recheck")
    claim_recheck.run(run.pk)
    first = Claim.objects.get(pk=claim.pk)
    claim_recheck.run(run.pk)
    second = Claim.objects.get(pk=claim.pk)
    run.refresh_from_db()
    assert (first.status, second.status) == ("corroborated", "corroborated")
    assert first.last_checked_at == second.last_checked_at
    assert (run.state, run.counts, run.attempts) == ("done", {"status": "corroborated"}, 1)


def test_source_ingest_marks_the_source_processed() -> None:
    source = f.source(state=ProcessingState.PENDING)
    run = CheckRun.objects.create(kind="ingest_source", source=source)
    source_ingest.run(run.pk)
    source.refresh_from_db()
    run.refresh_from_db()
    assert source.state == "processed"
    assert run.state == "done"
    assert run.counts["characters"] == len(source.text)


def test_a_source_that_cannot_be_processed_fails_with_its_error() -> None:
    source = Source.objects.create(text="  ")
    run = CheckRun.objects.create(kind="ingest_source", source=source)
    source_ingest.run(run.pk)
    source.refresh_from_db()
    run.refresh_from_db()
    error = "ValueError: the source has neither text nor a URL"
    assert (source.state, source.error) == ("failed", error)
    assert (run.state, run.error) == ("failed", error)


def test_the_sweep_rechecks_the_stalest_claims_first(settings: Settings) -> None:
    settings.FACTCHECK_SWEEP_BATCH = 2
    old, older, fresh = f.claim("old"), f.claim("older"), f.claim("fresh")
    now = timezone.now()
    Claim.objects.filter(pk=old.pk).update(last_checked_at=now - timedelta(days=2))
    Claim.objects.filter(pk=older.pk).update(last_checked_at=now - timedelta(days=3))
    run = sweep_stale_claims()
    assert (run.state, run.counts["claims_rechecked"]) == ("done", 2)
    checked = {pk: when or now for pk, when in Claim.objects.values_list("pk", "last_checked_at")}
    assert checked[old.pk] > now and checked[older.pk] > now
    assert checked[fresh.pk] < now


def test_failed_sources_are_retried_with_backoff_up_to_a_limit() -> None:
    from factcheck.facts.services.sweeps import RETRY_LIMIT, sweep_failed_sources

    now = timezone.now()
    fresh = f.source(state=ProcessingState.FAILED, error="timeout")
    CheckRun.objects.create(
        kind="ingest_source", source=fresh, state="failed", finished_at=now - timedelta(minutes=1)
    )
    due = f.source(state=ProcessingState.FAILED, error="timeout")
    CheckRun.objects.create(
        kind="ingest_source", source=due, state="failed", finished_at=now - timedelta(minutes=5)
    )
    spent = f.source(state=ProcessingState.FAILED, error="404")
    for _ in range(RETRY_LIMIT):
        CheckRun.objects.create(
            kind="ingest_source", source=spent, state="failed", finished_at=now - timedelta(days=2)
        )
    assert sweep_failed_sources() == {"sources_retried": 1}
    assert CheckRun.objects.filter(source=due, state="queued").count() == 1
    assert not CheckRun.objects.filter(source__in=[fresh, spent], state="queued").exists()


def test_sources_an_older_engine_screened_are_read_again() -> None:
    from factcheck.facts.services.sweeps import sweep_engine_version

    claim = f.claim()
    old = f.source()
    f.evidence(claim, old, "supports", engine_version="0.0")
    current = f.source()
    from factcheck.matching import ENGINE_VERSION

    f.evidence(claim, current, "supports", f.speaker(), engine_version=ENGINE_VERSION)
    assert sweep_engine_version() == {"sources_rescreened": 1}
    assert CheckRun.objects.filter(source=old, kind="ingest_source", state="queued").exists()
