"""A worker process killed mid-task: the task runs again, nothing is lost or doubled."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import psutil
import pytest
from rest_framework.test import APIClient

from factcheck.facts.models import CheckRun, Evidence, Source
from factcheck.facts.services.claims import claim_create
from tests.integration.conftest import start_worker, stop_worker, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SENTENCE = (
    "North Korea has deployed about 10,000 troops to Russia, the Pentagon said on "
    "Monday, and several thousand of them are moving toward the Kursk region. "
)


def _post_long_source(client: APIClient, title: str) -> int:
    """Post a source long enough (hundreds of sentences to embed) to be caught while its
    ingestion runs; return its check run's id once the worker has started it."""
    response = client.post(
        "/api/v1/sources/",
        {
            "url": f"https://news.example.org/{title.lower().replace(' ', '-')}",
            "title": title,
            "text": "".join(f"{title} {i}. {SENTENCE}" for i in range(250)),
            "outlet": "Example Wire",
        },
        format="json",
    )
    assert response.status_code == 201
    run_id = int(response.json()["check_run"])
    wait_for(
        lambda: CheckRun.objects.filter(pk=run_id, state="running").exists(),
        timeout=60,
        interval=0.05,
    )
    return run_id


def test_killing_the_pool_process_mid_ingest_loses_and_doubles_nothing(
    prefork_worker: subprocess.Popen[bytes], editor_client: APIClient
) -> None:
    claim = claim_create(text="North Korea has deployed about 10,000 troops to Russia.")
    run_id = _post_long_source(editor_client, "Long report")
    children = psutil.Process(prefork_worker.pid).children()
    assert children, "the prefork worker has no pool process"
    for child in children:
        os.kill(child.pid, signal.SIGKILL)
    started = time.monotonic()
    run = wait_for(
        lambda: CheckRun.objects.filter(pk=run_id, state__in=["done", "failed"]).first(),
        timeout=120,
    )
    assert run.state == "done", run.error
    assert run.attempts == 2
    assert time.monotonic() - started < 120
    assert Source.objects.filter(title="Long report").count() == 1
    assert Source.objects.get(title="Long report").state == "processed"
    evidence = Evidence.objects.filter(claim=claim)
    assert evidence.count() == 1
    assert evidence.get().stance == "supports"


def test_killing_the_whole_worker_mid_ingest_loses_and_doubles_nothing(
    transactional_db: None, tmp_path: Path, editor_client: APIClient
) -> None:
    """The worker (main process and pool) dies at once: the unacknowledged message stays
    in Redis and the next worker takes it up once the visibility timeout has passed."""
    fast = {"CELERY_VISIBILITY_TIMEOUT": "5", "CELERY_RESTORE_INTERVAL": "2"}
    first = start_worker(tmp_path, "--pool=prefork", "--concurrency=1", env=fast)
    try:
        claim = claim_create(text="North Korea has deployed about 10,000 troops to Russia.")
        run_id = _post_long_source(editor_client, "Long briefing")
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            stop_worker(first)
    assert CheckRun.objects.get(pk=run_id).state == "running"
    second = start_worker(tmp_path, "--pool=prefork", "--concurrency=1", env=fast, purge=False)
    try:
        run = wait_for(
            lambda: CheckRun.objects.filter(pk=run_id, state__in=["done", "failed"]).first(),
            timeout=90,
            interval=0.5,
        )
    finally:
        stop_worker(second)
    assert run.state == "done", run.error
    assert run.attempts == 2
    assert Source.objects.filter(title="Long briefing").count() == 1
    assert Source.objects.get(title="Long briefing").state == "processed"
    assert list(Evidence.objects.filter(claim=claim).values_list("stance", flat=True)) == [
        "supports"
    ]
