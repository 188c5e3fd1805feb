"""The engine stands alone: importing it pulls in no Django, Celery or service code."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import factcheck.matching

ROOT = Path(__file__).resolve().parents[2]


def test_the_engine_imports_nothing_from_django_celery_or_the_services() -> None:
    modules = [
        f"factcheck.matching.{m.name}" for m in pkgutil.iter_modules(factcheck.matching.__path__)
    ]
    script = (
        "import sys, importlib\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'celery', "
        "'rest_framework', 'kombu') or m.startswith('factcheck.facts')\n"
        "             or m == 'factcheck.celery')\n"
        "print(','.join(bad))\n"
    )
    # A fresh interpreter; `factcheck/__init__` is bypassed so only the engine is measured.
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, types; pkg = types.ModuleType('factcheck'); "
            f"pkg.__path__ = [{str(ROOT / 'factcheck')!r}]; sys.modules['factcheck'] = pkg\n"
            + script,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert modules, "no engine modules found"
    assert result.stdout.strip() == ""
