"""The engine version is derived from what decides a reading, so it cannot go stale."""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path

import pytest

from factcheck import matching


def test_the_version_is_a_hash_of_the_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "matching"
    shutil.copytree(
        Path(matching.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__")
    )
    first = _version_of(copy, monkeypatch)
    assert first == matching.ENGINE_VERSION
    cues = copy / "data" / "cues.json"
    cues.write_text(cues.read_text().replace('"denied"', '"refused"', 1))
    assert _version_of(copy, monkeypatch) != first
    (copy / "data" / "cues.json").write_bytes(
        (Path(matching.__file__).parent / "data" / "cues.json").read_bytes()
    )
    (copy / "stance.py").write_text((copy / "stance.py").read_text() + "\n# changed\n")
    assert _version_of(copy, monkeypatch) != first
    (copy / "stance.py").write_bytes((Path(matching.__file__).parent / "stance.py").read_bytes())
    (copy / "train.py").write_text("# training code takes no part in a reading\n")
    assert _version_of(copy, monkeypatch) == first


def _version_of(folder: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    spec = importlib.util.spec_from_file_location("matching_copy", folder / "__init__.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.ENGINE_VERSION)
