"""A real Celery worker process against the test database and the test broker."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection

from factcheck.celery import app

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "postgres")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    host = quote(db["HOST"] or "localhost", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{db['NAME']}"


def start_worker(
    tmp_path: Path, *pool_args: str, env: dict[str, str] | None = None, purge: bool = True
) -> subprocess.Popen[bytes]:
    if purge:
        app.control.purge()
    env = {**os.environ, "DATABASE_URL": _database_url(), **(env or {})}
    # Its own name, so that the wait below is for this worker, not another one already up.
    name = f"test-{os.getpid()}-{time.monotonic_ns()}@{socket.gethostname()}"
    log = open(tmp_path / "worker.log", "ab")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "factcheck",
            "worker",
            *pool_args,
            "--loglevel=INFO",
            "-n",
            name,
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if app.control.ping(destination=[name], timeout=0.5):
            return process
        if process.poll() is not None:
            raise RuntimeError((tmp_path / "worker.log").read_text())
    process.kill()
    raise RuntimeError("the worker did not answer within 60 s")


def stop_worker(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def worker(transactional_db: None, tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    process = start_worker(tmp_path, "--pool=solo")
    yield process
    stop_worker(process)


@pytest.fixture
def prefork_worker(transactional_db: None, tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    process = start_worker(tmp_path, "--pool=prefork", "--concurrency=1")
    yield process
    stop_worker(process)


def wait_for(predicate: Callable[[], Any], timeout: float = 30.0, interval: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"not true within {timeout} s")


@pytest.fixture
def fetching_worker(transactional_db: None, tmp_path: Path) -> Iterator[object]:
    """A worker that may reach the test's own servers on loopback (pages, feeds, webhook
    receivers)."""
    process = start_worker(
        tmp_path,
        "--pool=solo",
        "--queues=celery,webhooks",
        env={"FACTCHECK_FETCH_ALLOW_PRIVATE": "1"},
    )
    yield process
    stop_worker(process)
