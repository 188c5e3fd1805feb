"""Celery tasks: ids in, one service call, the run recorded as a CheckRun.

Retry policy: every task is `acks_late` with `reject_on_worker_lost` (a killed worker's task
is delivered again) and retries with exponential backoff only on transient errors (a lost
database connection or broker, a page that timed out or answered 5xx); after the last retry
the run fails with the error. A run starts only from `queued`, so a second delivery is
harmless; whatever the broker loses, the reconciler (services.jobs) sends again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction

from factcheck.facts.models import CheckRun, Claim, StatusTrigger
from factcheck.facts.services.check_runs import check_run_fail, check_run_finish, check_run_start
from factcheck.facts.services.claims import claim_recompute_status, claims_queue_embedding
from factcheck.facts.services.corrections import source_refetch as refetch_service
from factcheck.facts.services.corrections import sources_queue_due_refetch
from factcheck.facts.services.feeds import feed_poll as feed_poll_service
from factcheck.facts.services.feeds import feeds_queue_due
from factcheck.facts.services.fetch import TransientFetchError
from factcheck.facts.services.jobs import broker_errors, job_requeue, jobs_reconcile
from factcheck.facts.services.matching import claims_embed_pending
from factcheck.facts.services.screening import claim_backfill as backfill
from factcheck.facts.services.sources import source_ingest as source_ingest_service
from factcheck.facts.services.sweeps import (
    sweep_engine_version,
    sweep_failed_sources,
    sweep_unembedded_claims,
)
from factcheck.facts.services.sweeps import sweep_stale_claims as sweep_service
from factcheck.facts.services.webhooks import webhook_deliver as webhook_deliver_service
from factcheck.facts.services.webhooks import webhooks_due, webhooks_send

logger = logging.getLogger(__name__)

EMBED_PER_RUN = 5000  # claims per embedding run (about 30 s here), well inside the time limit

TRANSIENT: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    TransientFetchError,
    *broker_errors(),
)
TASK_OPTIONS: dict[str, Any] = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT,
    "retry_backoff": 2,
    "retry_backoff_max": 120,
    "retry_jitter": True,
    "max_retries": 5,
}


def _run(task: Any, check_run_id: int, work: Callable[[CheckRun], dict[str, Any]]) -> None:
    if not check_run_start(check_run_id=check_run_id, delivery=task.request.id or ""):
        logger.info("check run %s is over already; skipping", check_run_id)
        return
    run = CheckRun.objects.get(pk=check_run_id)
    try:
        counts = work(run)
    except TRANSIENT as exc:
        if task.request.retries >= task.max_retries:
            check_run_fail(check_run_id=check_run_id, error=f"{type(exc).__name__}: {exc}")
        else:
            job_requeue(check_run_id=check_run_id)
        raise  # Celery retries it: the retry finds the run queued again and starts it.
    except Exception as exc:
        check_run_fail(check_run_id=check_run_id, error=f"{type(exc).__name__}: {exc}")
        logger.exception("check run %s failed", check_run_id)
        return
    check_run_finish(check_run_id=check_run_id, counts=counts)


@shared_task(**TASK_OPTIONS)
def claim_recheck(self: Any, check_run_id: int) -> None:
    """Recompute one claim's status."""

    def work(run: CheckRun) -> dict[str, Any]:
        if run.claim_id is None:
            raise ValueError("check run has no claim")
        claim = claim_recompute_status(
            claim_id=run.claim_id,
            trigger=run.trigger or StatusTrigger.RECHECK,
            trigger_source=run.source,
        )
        return {"status": claim.status}

    _run(self, check_run_id, work)


@shared_task(**TASK_OPTIONS)
def source_ingest(self: Any, check_run_id: int) -> None:
    """Ingest one stored source."""

    def work(run: CheckRun) -> dict[str, Any]:
        if run.source_id is None:
            raise ValueError("check run has no source")
        return source_ingest_service(source_id=run.source_id)

    _run(self, check_run_id, work)


@shared_task(**TASK_OPTIONS)
def claim_backfill(self: Any, check_run_id: int) -> None:
    """Screen a new or edited claim against the passages already stored."""

    def work(run: CheckRun) -> dict[str, Any]:
        if run.claim_id is None:
            raise ValueError("check run has no claim")
        return backfill(claim=Claim.objects.get(pk=run.claim_id))

    _run(self, check_run_id, work)


@shared_task(**TASK_OPTIONS)
def claims_embed(self: Any, check_run_id: int) -> None:
    """Embed claims stored without a vector, a bounded number per run; queue the next run
    while some remain."""

    def work(run: CheckRun) -> dict[str, Any]:
        counts = claims_embed_pending(limit=EMBED_PER_RUN)
        if counts["remaining"]:
            with transaction.atomic():
                counts["next_run"] = claims_queue_embedding().pk
        return counts

    _run(self, check_run_id, work)


@shared_task(**TASK_OPTIONS)
def source_refetch(self: Any, check_run_id: int) -> None:
    """Fetch a page again; a changed text becomes a new version and is read again."""

    def work(run: CheckRun) -> dict[str, Any]:
        if run.source_id is None:
            raise ValueError("check run has no source")
        return refetch_service(source_id=run.source_id)

    _run(self, check_run_id, work)


@shared_task(**TASK_OPTIONS)
def refetch_due_sources(self: Any) -> None:
    """Beat: queue a re-fetch of each page whose time has come."""
    sources_queue_due_refetch()


@shared_task(**TASK_OPTIONS)
def sweep_stale_claims(self: Any) -> None:
    """Beat: re-check claims not checked for FACTCHECK_RECHECK_AFTER, a batch at a time."""
    sweep_service()


@shared_task(**TASK_OPTIONS)
def sweep_sources(self: Any) -> None:
    """Beat: retry failed sources with backoff; re-read sources an older engine screened."""
    with transaction.atomic():
        counts = {
            **sweep_failed_sources(),
            **sweep_engine_version(),
            **sweep_unembedded_claims(),
        }
    logger.info("source sweep: %s", counts)


@shared_task(**TASK_OPTIONS)
def reconcile_jobs(self: Any) -> None:
    """Beat, every minute: send lost runs again, give back runs of dead workers, queue
    ingests for orphaned sources."""
    jobs_reconcile()


@shared_task(**TASK_OPTIONS)
def feed_poll(self: Any, check_run_id: int) -> None:
    """Poll one feed; its new entries become sources."""

    def work(run: CheckRun) -> dict[str, Any]:
        if run.feed_id is None:
            raise ValueError("check run has no feed")
        return feed_poll_service(feed_id=run.feed_id)

    _run(self, check_run_id, work)


@shared_task(**TASK_OPTIONS)
def poll_due_feeds(self: Any) -> None:
    """Beat, every minute: queue a poll of each feed whose time has come."""
    feeds_queue_due()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def webhook_deliver(delivery_id: int) -> str:
    """One attempt at a webhook delivery (its own retries are scheduled on the row, not by
    Celery: a receiver that is down holds no worker)."""
    return webhook_deliver_service(delivery_id=delivery_id)


@shared_task(**TASK_OPTIONS)
def deliver_due_webhooks(self: Any) -> None:
    """Beat: send each webhook delivery whose next attempt has come to a worker."""
    webhooks_send(webhooks_due())
