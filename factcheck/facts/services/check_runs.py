"""Check runs: one row per background job, moved through queued -> running -> done | failed
with compare-and-set updates so a redelivered task cannot run a job twice at once or a
finished job again."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Q
from django.utils import timezone

from factcheck.facts.models import CheckRun, CheckRunState


def check_run_start(*, check_run_id: int, delivery: str = "") -> bool:
    """Move the run from queued to running; False when another delivery holds it or it is
    over (a duplicate message). `delivery` is the message's id: the same message delivered
    again (its holder died) takes a running run over. A run given back by the reconciler or
    a retry is queued again first (services.jobs)."""
    held = Q(state=CheckRunState.QUEUED)
    if delivery:
        held |= Q(state=CheckRunState.RUNNING, held_by=delivery)
    updated = CheckRun.objects.filter(held, pk=check_run_id).update(
        state=CheckRunState.RUNNING,
        started_at=timezone.now(),
        attempts=F("attempts") + 1,
        held_by=delivery,
    )
    return updated == 1


def check_run_finish(*, check_run_id: int, counts: dict[str, Any]) -> None:
    CheckRun.objects.filter(pk=check_run_id).update(
        state=CheckRunState.DONE, counts=counts, error="", finished_at=timezone.now()
    )


def check_run_fail(*, check_run_id: int, error: str) -> None:
    CheckRun.objects.filter(pk=check_run_id).update(
        state=CheckRunState.FAILED, error=error[:4000], finished_at=timezone.now()
    )
