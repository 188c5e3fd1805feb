"""The embedded servers the test run itself uses (skipped when URLs point elsewhere)."""

from __future__ import annotations

import os
from pathlib import Path

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


def test_a_server_whose_process_died_is_started_again(tmp_path: Path) -> None:
    import subprocess
    import sys

    start_and_kill = (
        "import os, signal, time\n"
        "from factcheck import embedded as e\n"
        "e.ensure_postgres(); e.ensure_redis()\n"
        "pg_pid = int((e.pg_dir() / 'postmaster.pid').read_text().split()[0])\n"
        "redis_pid = int((e.redis_dir() / 'redis.pid').read_text())\n"
        "os.kill(pg_pid, signal.SIGKILL); os.kill(redis_pid, signal.SIGKILL)\n"
        "time.sleep(0.5)\n"
        "print(e.postgres_is_running(), e.redis_is_running())\n"
    )
    # A later command (another process, as after a crash) finds them dead and starts them.
    restart = (
        "from factcheck import embedded as e\n"
        "url, broker = e.ensure_postgres(), e.ensure_redis()\n"
        "import psycopg\n"
        "print(psycopg.connect(url).execute('select 1').fetchone()[0], e.redis_is_running())\n"
        "e.stop()\n"
        "print(e.postgres_is_running(), e.redis_is_running())\n"
    )
    env = {**os.environ, "FACTCHECK_DATA_DIR": str(tmp_path / "d")}
    outputs = []
    for script in (start_and_kill, restart):
        result = subprocess.run(
            [sys.executable, "-c", script],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        outputs.append(result.stdout.split())
    assert outputs == [["False", "False"], ["1", "True", "False", "False"]]
