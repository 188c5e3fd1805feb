"""Jobs are check runs first: one queued re-check per claim, a broker that is down loses
nothing, and the reconciler sends again what was lost and gives back what a dead worker
held. Real PostgreSQL and real Redis servers (one of them started and stopped here)."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from factcheck.celery import app
from factcheck.embedded import _redis_bin
from factcheck.facts.models import CheckRun, ProcessingState, Source
from factcheck.facts.services.check_runs import check_run_start
from factcheck.facts.services.claims import claim_request_recheck
from factcheck.facts.services.jobs import job_send, jobs_reconcile
from tests import factories as f

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Broker:
    """A Redis server of this test's own, to stop and start at will."""

    def __init__(self, tmp: Path) -> None:
        self.port = _free_port()
        self.dir = tmp
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        subprocess.run(
            [
                _redis_bin("redis-server"),
                *("--bind", "127.0.0.1", "--port", str(self.port), "--daemonize", "yes"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.dir)),
            ],
            check=True,
            capture_output=True,
        )
        client = redis.Redis(port=self.port)
        for _ in range(100):
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("test Redis did not start")

    def stop(self) -> None:
        subprocess.run(
            [_redis_bin("redis-cli"), "-p", str(self.port), "shutdown", "nosave"],
            check=False,
            capture_output=True,
        )

    def messages(self) -> int:
        return int(redis.Redis(port=self.port).llen("celery"))


def _fresh_connections() -> None:
    """Celery keeps its broker connections and producers in pools (kombu's, one per URL):
    look them up again after a change of broker, closing none."""
    app._pool = None  # type: ignore[attr-defined]
    app.amqp._producer_pool = None  # type: ignore[attr-defined]


@pytest.fixture
def broker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Broker]:
    server = Broker(tmp_path)
    server.start()

    def point_at(url: str) -> None:
        _fresh_connections()
        monkeypatch.setenv("CELERY_BROKER_URL", url)
        monkeypatch.setattr(app.conf, "broker_url", url)
        monkeypatch.setattr(settings, "CELERY_BROKER_URL", url)

    original = app.conf.broker_url
    point_at(server.url)
    yield server
    server.stop()
    monkeypatch.setattr(app.conf, "broker_url", original)
    _fresh_connections()


def test_requests_to_recheck_a_claim_join_the_one_queued() -> None:
    claim = f.claim()
    first = claim_request_recheck(claim=claim)
    for _ in range(4):
        assert claim_request_recheck(claim=claim).pk == first.pk
    first.refresh_from_db()
    assert first.absorbed == 4
    assert CheckRun.objects.filter(claim=claim, kind="recheck_claim").count() == 1
    # Once it runs, it may have read the evidence already: the next request queues anew.
    assert check_run_start(check_run_id=first.pk)
    second = claim_request_recheck(claim=claim)
    assert second.pk != first.pk
    assert CheckRun.objects.filter(claim=claim, state="queued").count() == 1


def test_a_write_while_the_broker_is_down_succeeds_and_its_job_is_sent_later(
    broker: Broker, editor_client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    broker.stop()
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            "/api/v1/claims/", {"text": "The dam on the river burst on Sunday."}, format="json"
        )
    assert response.status_code == 201, response.content
    run = CheckRun.objects.get(claim_id=response.json()["id"], kind="backfill_claim")
    assert (run.state, run.dispatched_at, run.dispatches) == ("queued", None, 0)

    assert jobs_reconcile()["broker_unreachable"] == 1
    broker.start()
    counts = jobs_reconcile()
    assert counts["runs_sent"] == 1
    run.refresh_from_db()
    assert run.dispatches == 1 and run.dispatched_at is not None
    assert broker.messages() == 1
    # Sent recently: the next pass leaves it alone.
    assert jobs_reconcile()["runs_sent"] == 0


def test_a_message_the_broker_lost_is_sent_again(broker: Broker) -> None:
    source = f.source(state=ProcessingState.PENDING)
    run = CheckRun.objects.create(kind="ingest_source", source=source)
    assert job_send(run.pk)
    redis.Redis(port=broker.port).flushall()  # a Redis restart that kept nothing
    assert jobs_reconcile()["runs_sent"] == 0  # not due yet
    assert jobs_reconcile(resend_after=timedelta(0))["runs_sent"] == 1
    assert broker.messages() == 1


def test_a_run_a_dead_worker_held_is_given_back_and_sent(broker: Broker) -> None:
    claim = f.claim()
    dead = CheckRun.objects.create(kind="recheck_claim", claim=claim)
    assert check_run_start(check_run_id=dead.pk)
    limit = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    CheckRun.objects.filter(pk=dead.pk).update(
        started_at=timezone.now() - limit - timedelta(minutes=2)
    )
    alive = CheckRun.objects.create(kind="recheck_claim", claim=f.claim("Another claim."))
    assert check_run_start(check_run_id=alive.pk)

    counts = jobs_reconcile()
    assert (counts["runs_given_back"], counts["runs_sent"]) == (1, 1)
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert (dead.state, alive.state) == ("queued", "running")
    assert broker.messages() == 1


def test_a_dead_runs_recheck_joins_one_queued_meanwhile(broker: Broker) -> None:
    claim = f.claim()
    dead = CheckRun.objects.create(kind="recheck_claim", claim=claim)
    assert check_run_start(check_run_id=dead.pk)
    CheckRun.objects.filter(pk=dead.pk).update(started_at=timezone.now() - timedelta(hours=1))
    waiting = claim_request_recheck(claim=claim)
    jobs_reconcile()
    dead.refresh_from_db()
    waiting.refresh_from_db()
    assert dead.state == "done" and dead.counts == {"absorbed_into": waiting.pk}
    assert (waiting.state, waiting.absorbed) == ("queued", 1)


def test_a_source_left_pending_without_a_job_gets_one(broker: Broker) -> None:
    orphan = f.source(state=ProcessingState.PENDING)
    fresh = f.source(state=ProcessingState.PENDING, url="https://example.org/fresh")
    Source.objects.filter(pk=orphan.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    assert jobs_reconcile()["sources_queued"] == 1
    assert CheckRun.objects.filter(source=orphan, kind="ingest_source", state="queued").exists()
    assert not CheckRun.objects.filter(source=fresh).exists()


def test_health_touches_nothing_and_readiness_names_the_part_that_is_down(
    client: Any, django_assert_num_queries: Any, broker: Broker
) -> None:
    with django_assert_num_queries(0):
        assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").status_code == 200
    broker.stop()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["checks"]["database"] == "ok"
    assert response.json()["checks"]["broker"].startswith("error")


def test_with_tasks_run_inline_a_job_runs_where_it_is_sent() -> None:
    """`task_always_eager` (how the stream benchmark plays a stream through the services)
    runs a job in place; sending by name used to skip it and leave every run queued."""
    claim = f.claim()
    app.loader.import_default_modules()
    app.conf.task_always_eager = True
    try:
        run = claim_request_recheck(claim=claim)  # sent on commit: not inside this test
        assert job_send(run.pk) is True
    finally:
        app.conf.task_always_eager = False
    run.refresh_from_db()
    assert run.state == "done"


def test_a_run_sent_very_many_times_waits_at_most_the_longest_resend_wait() -> None:
    from factcheck.facts.services.jobs import MAX_RESEND_WAIT, RESEND_AFTER, _resend_due

    now = timezone.now()
    run = CheckRun(dispatched_at=now - MAX_RESEND_WAIT, dispatches=10_000)
    assert _resend_due(run, now, RESEND_AFTER)  # no overflow: the wait is capped
    run.dispatched_at = now - MAX_RESEND_WAIT + timedelta(minutes=1)
    assert not _resend_due(run, now, RESEND_AFTER)
