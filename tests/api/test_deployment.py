"""Throttles that hold across processes and proxies, a rate-limited admin sign-in, and a
production configuration that `check --deploy` passes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_admin_sign_in_is_rate_limited_per_address(settings: Settings) -> None:
    settings.ADMIN_LOGIN_RATE = "3/minute"
    client = Client(REMOTE_ADDR="203.0.113.7")
    codes = [
        client.post("/admin/login/", {"username": "x", "password": f"guess{n}"}).status_code
        for n in range(5)
    ]
    assert codes == [200, 200, 200, 429, 429]
    # A forged X-Forwarded-For does not make a new client (no trusted proxy configured).
    forged = client.post(
        "/admin/login/", {"username": "x", "password": "y"}, HTTP_X_FORWARDED_FOR="198.51.100.1"
    )
    assert forged.status_code == 429
    assert Client(REMOTE_ADDR="203.0.113.8").get("/admin/login/").status_code == 200


def _settings_of(env: dict[str, str], *expressions: str) -> list[str]:
    code = "import django; django.setup(); from django.conf import settings as s; " + "; ".join(
        f"print({e})" for e in expressions
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "factcheck.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.split("\n")[: len(expressions)]


def test_a_rate_set_off_removes_its_throttle_and_proxies_are_not_trusted_by_default() -> None:
    classes, proxies = _settings_of(
        {"FACTCHECK_THROTTLE_ANON": "off"},
        "s.REST_FRAMEWORK['DEFAULT_THROTTLE_CLASSES']",
        "s.REST_FRAMEWORK['NUM_PROXIES']",
    )
    assert "AnonRateThrottle" not in classes and "UserRateThrottle" in classes
    assert proxies == "0"


def test_throttle_counts_live_in_the_brokers_redis_by_default() -> None:
    env = {k: v for k, v in os.environ.items() if k != "CACHE_URL"}
    env["CELERY_BROKER_URL"] = "redis://127.0.0.1:6399/0"
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CACHES['default']['LOCATION'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "factcheck.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "redis://127.0.0.1:6399/1"


def test_check_deploy_is_clean_with_production_settings() -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "k" * 64 + "-production-secret-with-variety-123456789",
        "DJANGO_ALLOWED_HOSTS": "factcheck.example.org",
        "DJANGO_SECURE_COOKIES": "true",
        "DJANGO_HSTS_SECONDS": "31536000",
        "DJANGO_HSTS_INCLUDE_SUBDOMAINS": "true",
        "DJANGO_HSTS_PRELOAD": "true",
        "DJANGO_SSL_REDIRECT": "true",
        "DJANGO_PROXY_SSL_HEADER": "true",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
