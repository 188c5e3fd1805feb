"""Periodic sweeps run by Celery beat."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from factcheck.facts.models import CheckRun, CheckRunKind, CheckRunState, Claim, StatusTrigger
from factcheck.facts.selectors import claim_ids_stale
from factcheck.facts.services.check_runs import check_run_fail, check_run_finish
from factcheck.facts.services.claims import claim_recompute_status


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
