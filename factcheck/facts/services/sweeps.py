"""Periodic sweeps run by Celery beat."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils import timezone

from factcheck.facts.models import (
    CheckRun,
    CheckRunKind,
    CheckRunState,
    Claim,
    Evidence,
    EvidenceMethod,
    ProcessingState,
    Source,
    SourceStanding,
    StatusTrigger,
)
from factcheck.facts.selectors import claim_ids_stale
from factcheck.facts.services.check_runs import check_run_fail, check_run_finish
from factcheck.facts.services.claims import claim_recompute_status, claims_queue_embedding
from factcheck.facts.services.sources import source_queue_ingest, source_retry
from factcheck.matching import ENGINE_VERSION


def sweep_stale_claims(*, limit: int | None = None) -> CheckRun:
    """Recompute the claims checked longest ago (older than FACTCHECK_RECHECK_AFTER), at most
    FACTCHECK_SWEEP_BATCH per sweep; the next sweep takes the next batch."""
    run = CheckRun.objects.create(
        kind=CheckRunKind.SWEEP,
        trigger=StatusTrigger.SWEEP,
        state=CheckRunState.RUNNING,
        started_at=timezone.now(),
        attempts=1,
    )
    before = timezone.now() - settings.FACTCHECK_RECHECK_AFTER
    claim_ids = claim_ids_stale(before=before, limit=limit or settings.FACTCHECK_SWEEP_BATCH)
    previous = dict(Claim.objects.filter(pk__in=claim_ids).values_list("pk", "status"))
    changed = 0
    try:
        for claim_id in claim_ids:
            claim = claim_recompute_status(claim_id=claim_id, trigger=StatusTrigger.SWEEP)
            changed += claim.status != previous.get(claim_id)
    except Exception as exc:
        check_run_fail(check_run_id=run.pk, error=f"{type(exc).__name__}: {exc}")
        raise
    check_run_finish(
        check_run_id=run.pk,
        counts={"claims_rechecked": len(claim_ids), "statuses_changed": changed},
    )
    run.refresh_from_db()
    return run


RETRY_LIMIT = 6


def _backoff(attempts: int) -> timedelta:
    """2, 4, 8 ... minutes after the last attempt, at most a day."""
    return min(timedelta(minutes=2**attempts), timedelta(days=1))


def sweep_failed_sources(*, limit: int = 100) -> dict[str, int]:
    """Queue failed sources again with exponential backoff, at most RETRY_LIMIT attempts;
    not those that failed by their own input (too long to read)."""
    now = timezone.now()
    candidates = (
        Source.objects.filter(state=ProcessingState.FAILED, retryable=True)
        .annotate(
            attempts=Count("check_runs", filter=Q(check_runs__kind=CheckRunKind.INGEST_SOURCE)),
            last_try=Max(
                "check_runs__finished_at", filter=Q(check_runs__kind=CheckRunKind.INGEST_SOURCE)
            ),
        )
        .filter(attempts__lt=RETRY_LIMIT)
        .order_by("last_try")[: limit * 4]
    )
    queued = 0
    for source in candidates:
        if source.last_try is not None and source.last_try > now - _backoff(source.attempts):
            continue
        source_retry(source=source)
        queued += 1
        if queued >= limit:
            break
    return {"sources_retried": queued}


def sweep_engine_version(*, limit: int = 50) -> dict[str, int]:
    """After the engine changes, read again (a batch per sweep) the sources whose automatic
    evidence an older engine wrote. Reviewed evidence stays as it is."""
    stale = (
        Evidence.objects.filter(method=EvidenceMethod.AUTOMATIC)
        .exclude(engine_version=ENGINE_VERSION)
        .exclude(source__standing=SourceStanding.RETRACTED)  # never read again
        .values_list("source_id", flat=True)
        .distinct()[:limit]
    )
    queued = 0
    for source in Source.objects.filter(pk__in=list(stale), state=ProcessingState.PROCESSED):
        source_queue_ingest(source=source)
        queued += 1
    return {"sources_rescreened": queued}


def sweep_unembedded_claims() -> dict[str, int]:
    """Queue the embedding of claims stored without a vector when no run is on it (one whose
    job failed, or an import whose message was lost)."""
    if not Claim.objects.filter(embedding__isnull=True).exists():
        return {"embedding_queued": 0}
    busy = CheckRun.objects.filter(
        kind=CheckRunKind.EMBED_CLAIMS, state__in=[CheckRunState.QUEUED, CheckRunState.RUNNING]
    ).exists()
    if not busy:
        claims_queue_embedding()
    return {"embedding_queued": int(not busy)}
