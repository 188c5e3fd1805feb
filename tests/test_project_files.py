"""Files read by tools we cannot run here (Docker) or by people (.env.example)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_docker_compose_defines_the_full_stack_with_health_checks() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"db", "redis", "web", "worker", "beat"} <= set(services)
    assert services["db"]["image"].startswith("pgvector/pgvector:pg16")
    for name in ("db", "redis", "web", "worker"):
        assert "healthcheck" in services[name], name
    for name in ("web", "worker", "beat"):
        assert services[name]["env_file"] == ".env"
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgres://")
    assert services["worker"]["command"][:4] == ["celery", "-A", "factcheck", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "factcheck", "beat"]


def test_env_example_lists_every_variable_the_settings_read() -> None:
    settings_text = (ROOT / "factcheck" / "settings.py").read_text()
    read = set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', settings_text))
    read |= set(re.findall(r'os\.environ\.get\("([A-Z_]+)"', settings_text))
    listed = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read, "no variables found: the pattern above is out of date"
    internal = {"FACTCHECK_EMBEDDED_DATABASE"}  # set by factcheck.embedded, not by people
    assert read - listed - internal == set()
