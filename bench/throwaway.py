"""A throwaway database for a benchmark: created on the configured server (DATABASE_URL, or
the embedded PostgreSQL the project starts itself) and dropped when the run ends.

Import this first: it points Django at the throwaway database before anything connects.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

from factcheck import embedded  # noqa: E402

embedded.configure_environment()
_SERVER = os.environ["DATABASE_URL"].rsplit("/", 1)[0]


def _admin_sql(sql: str) -> None:
    import psycopg

    with psycopg.connect(_SERVER + "/postgres", autocommit=True) as conn:
        conn.execute(sql)


@contextmanager
def throwaway_database(name: str, *, keep: bool = False) -> Iterator[None]:
    """Create database `name` (dropping any left from an earlier run), point Django at it,
    and drop it afterwards. With `keep`, a database left by an earlier run is used as it is
    and kept afterwards (for repeated runs of a benchmark whose loading is slow)."""
    import psycopg

    os.environ["DATABASE_URL"] = f"{_SERVER}/{name}"
    if keep:
        try:
            psycopg.connect(os.environ["DATABASE_URL"]).close()
        except psycopg.OperationalError:
            _admin_sql(f"CREATE DATABASE {name}")
    else:
        _admin_sql(f"DROP DATABASE IF EXISTS {name}")
        _admin_sql(f"CREATE DATABASE {name}")
    try:
        yield
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            _admin_sql(f"DROP DATABASE IF EXISTS {name}")
