"""The matching engine: text in, evidence candidates out.

Plain Python over frozen dataclasses. It imports nothing from Django, Celery or
`factcheck.facts` (a test enforces this): the service layer stores what it returns.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

# Modules that train or score the engine but take no part in a reading.
_NOT_READING = frozenset(
    {"train.py", "train_features.py", "train_encoder.py", "devsets.py", "metrics.py", "fnc.py"}
)


def _engine_version() -> str:
    """A hash of everything that decides a reading: the engine's code, its cue tables and
    its weights. Any change to them makes a new version, so the beat sweep re-reads sources
    read by an older one; the version can never be left behind by hand."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    files = [p for p in here.glob("*.py") if p.name not in _NOT_READING]
    files += [p for p in (here / "data").iterdir() if p.is_file()]
    for path in sorted(files, key=lambda p: p.name):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return "2-" + digest.hexdigest()[:16]


ENGINE_VERSION = _engine_version()
