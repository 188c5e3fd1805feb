"""The embedded servers the test run itself uses (skipped when URLs point elsewhere)."""

from __future__ import annotations

import os

import psycopg
import pytest

from factcheck import embedded

pytestmark = pytest.mark.skipif(
    os.environ.get("FACTCHECK_EMBEDDED_DATABASE") != "1",
    reason="DATABASE_URL points at an external server",
)


def test_starting_again_reuses_the_running_servers() -> None:
    assert embedded.postgres_is_running()
    pid_before = (embedded.pg_dir() / "postmaster.pid").read_text().splitlines()[0]
    assert embedded.ensure_postgres() == embedded.database_url()
    assert embedded.ensure_redis() == embedded.broker_url()
    pid_after = (embedded.pg_dir() / "postmaster.pid").read_text().splitlines()[0]
    assert pid_before == pid_after


def test_the_embedded_postgres_has_pgvector() -> None:
    with psycopg.connect(embedded.database_url()) as conn:
        version = conn.execute(
            "SELECT default_version FROM pg_available_extensions WHERE name = 'vector'"
        ).fetchone()
    assert version is not None


def test_redis_listens_on_loopback_away_from_the_system_ports() -> None:
    port = embedded.redis_port()
    assert port not in (6379, 5432)
    assert embedded.broker_url().startswith("redis://127.0.0.1:")
