"""Check runs: one row per background job, moved through queued -> running -> done | failed
with compare-and-set updates so a redelivered task cannot run a finished job again."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.utils import timezone

from factcheck.facts.models import CheckRun, CheckRunState


def check_run_start(*, check_run_id: int) -> bool:
    """Mark the run running; False when it is already over (a duplicate delivery)."""
    updated = CheckRun.objects.filter(
        pk=check_run_id, state__in=[CheckRunState.QUEUED, CheckRunState.RUNNING]
    ).update(state=CheckRunState.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1)
    return updated == 1


def check_run_finish(*, check_run_id: int, counts: dict[str, Any]) -> None:
    CheckRun.objects.filter(pk=check_run_id).update(
        state=CheckRunState.DONE, counts=counts, error="", finished_at=timezone.now()
    )


def check_run_fail(*, check_run_id: int, error: str) -> None:
    CheckRun.objects.filter(pk=check_run_id).update(
        state=CheckRunState.FAILED, error=error[:4000], finished_at=timezone.now()
    )
