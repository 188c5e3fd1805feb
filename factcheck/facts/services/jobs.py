"""Jobs: a check run is the job; a broker message only wakes a worker for it.

- `job_queue` sends a run's message once the transaction that created the run commits. If
  the broker cannot be reached the request still succeeds: the run stays `queued`, never
  sent, and the reconciler sends it when the broker is back.
- `jobs_reconcile` (beat, every minute) makes sure every accepted job finishes whatever
  died: it sends again a queued run whose message seems lost (never sent, or sent long
  ago: the broker may have lost it in a restart), gives back a run `running` past the
  task's hard time limit (the worker that held it is gone: no task outlives that limit),
  and queues an ingest for a source left `pending` or `processing` with no live run.
- A worker starts a run only by moving it from `queued` to `running` (compare and set), so
  a message sent twice runs the job once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from factcheck.facts.models import (
    CheckRun,
    CheckRunKind,
    CheckRunState,
    ProcessingState,
    Source,
    StatusTrigger,
)

logger = logging.getLogger(__name__)

TASKS: dict[str, str] = {
    CheckRunKind.INGEST_SOURCE: "factcheck.facts.tasks.source_ingest",
    CheckRunKind.RECHECK_CLAIM: "factcheck.facts.tasks.claim_recheck",
    CheckRunKind.BACKFILL_CLAIM: "factcheck.facts.tasks.claim_backfill",
    CheckRunKind.POLL_FEED: "factcheck.facts.tasks.feed_poll",
    CheckRunKind.EMBED_CLAIMS: "factcheck.facts.tasks.claims_embed",
    CheckRunKind.REFETCH_SOURCE: "factcheck.facts.tasks.source_refetch",
}
# A queued run whose message went out this long ago and that has not started is sent again,
# then after twice as long, and so on (at most MAX_RESEND_WAIT): a long backlog is not
# flooded with copies, and a message lost with the broker is replaced within minutes.
RESEND_AFTER = timedelta(minutes=3)
MAX_RESEND_WAIT = timedelta(hours=1)
RUNNING_GRACE = timedelta(seconds=60)  # past the hard time limit before a run is given back
SOURCE_GRACE = timedelta(minutes=2)  # a pending source with no run, before one is queued
RECONCILE_BATCH = 500


def broker_errors() -> tuple[type[BaseException], ...]:
    """The errors that mean "the broker is not there", whatever the transport."""
    from kombu.exceptions import OperationalError as KombuOperationalError

    errors: list[type[BaseException]] = [KombuOperationalError, ConnectionError, TimeoutError]
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        errors += [RedisConnectionError, RedisTimeoutError]
    except ImportError:  # pragma: no cover - redis is a requirement
        pass
    return tuple(errors)


def job_create(
    *,
    kind: str,
    source: Source | None = None,
    trigger: str = StatusTrigger.SOURCE,
    requested_by: User | None = None,
    dispatch: bool = True,
) -> CheckRun:
    """Record a job as a check run and send it once the transaction commits
    (`dispatch=False`: the caller runs it itself, as `manage.py ingest` does)."""
    run = CheckRun.objects.create(
        kind=kind, source=source, trigger=trigger, requested_by=requested_by
    )
    return job_queue(run) if dispatch else run


def job_queue(run: CheckRun) -> CheckRun:
    """Send the run's message once the current transaction commits."""
    transaction.on_commit(partial(job_send, run.pk))
    return run


def job_send(check_run_id: int) -> bool:
    """Send one run's message now; False (and the run left for the reconciler) when the
    broker cannot be reached."""
    from factcheck.celery import app

    run = CheckRun.objects.filter(pk=check_run_id).values("kind", "state").first()
    if run is None or run["state"] != CheckRunState.QUEUED or run["kind"] not in TASKS:
        return False
    try:
        # By name: the services never import the tasks (tasks import the services). A
        # signature runs in place when `task_always_eager` is set (the benchmarks that play a
        # stream through the services); `send_task` would ignore that setting.
        app.signature(TASKS[run["kind"]], args=(check_run_id,)).apply_async(
            retry=True,
            retry_policy={"max_retries": 1, "interval_start": 0.2, "interval_step": 0.2},
        )
    except broker_errors() as exc:
        logger.warning(
            "broker unreachable; check run %s stays queued for the reconciler (%s: %s)",
            check_run_id,
            type(exc).__name__,
            exc,
        )
        return False
    CheckRun.objects.filter(pk=check_run_id).update(
        dispatched_at=timezone.now(), dispatches=F("dispatches") + 1
    )
    return True


def job_requeue(*, check_run_id: int) -> None:
    """Give a run back to the queue (a transient failure before Celery's retry, a worker
    that died). A re-check or backfill that meets another queued one for its claim (an
    embedding run, another queued embedding run) joins it and ends here."""
    run = CheckRun.objects.get(pk=check_run_id)
    try:
        with transaction.atomic():
            CheckRun.objects.filter(pk=check_run_id).update(
                state=CheckRunState.QUEUED, dispatched_at=timezone.now()
            )
    except IntegrityError:
        other = CheckRun.objects.filter(
            kind=run.kind, claim=run.claim, state=CheckRunState.QUEUED
        ).first()
        CheckRun.objects.filter(pk=check_run_id).update(
            state=CheckRunState.DONE,
            counts={"absorbed_into": other.pk if other else None},
            finished_at=timezone.now(),
        )
        if other is not None:
            CheckRun.objects.filter(pk=other.pk).update(absorbed=F("absorbed") + 1 + run.absorbed)


def _resend_due(run: CheckRun, now: datetime, resend_after: timedelta) -> bool:
    if run.dispatched_at is None:
        return True
    wait = min(resend_after * (1 << min(max(run.dispatches - 1, 0), 30)), MAX_RESEND_WAIT)
    return run.dispatched_at <= now - wait


def jobs_reconcile(
    *, limit: int = RECONCILE_BATCH, resend_after: timedelta = RESEND_AFTER
) -> dict[str, int]:
    """One pass of the reconciler; counts of what it did."""
    now = timezone.now()
    dead_after = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT) + RUNNING_GRACE
    given_back = 0
    for run_id in CheckRun.objects.filter(
        state=CheckRunState.RUNNING, kind__in=list(TASKS), started_at__lt=now - dead_after
    ).values_list("pk", flat=True)[:limit]:
        job_requeue(check_run_id=run_id)
        CheckRun.objects.filter(pk=run_id, state=CheckRunState.QUEUED).update(dispatched_at=None)
        given_back += 1

    queued = CheckRun.objects.filter(
        Q(dispatched_at__isnull=True) | Q(dispatched_at__lte=now - resend_after),
        state=CheckRunState.QUEUED,
        kind__in=list(TASKS),
    ).order_by("created_at")[: limit * 4]
    sent = unreachable = 0
    for run in queued:
        if sent + unreachable >= limit or not _resend_due(run, now, resend_after):
            continue
        if job_send(run.pk):
            sent += 1
        else:
            unreachable += 1
            break  # the broker is down: the next pass tries again

    orphans = (
        Source.objects.filter(
            state__in=[ProcessingState.PENDING, ProcessingState.PROCESSING],
            updated_at__lt=now - SOURCE_GRACE,
        )
        .exclude(
            check_runs__kind=CheckRunKind.INGEST_SOURCE,
            check_runs__state__in=[CheckRunState.QUEUED, CheckRunState.RUNNING],
        )
        .order_by("updated_at")[:limit]
    )
    adopted = 0
    for source in orphans:
        with transaction.atomic():
            job_create(kind=CheckRunKind.INGEST_SOURCE, source=source)
        adopted += 1
    counts = {
        "runs_given_back": given_back,
        "runs_sent": sent,
        "broker_unreachable": unreachable,
        "sources_queued": adopted,
    }
    if any(counts.values()):
        logger.info("reconciler: %s", counts)
    return counts
