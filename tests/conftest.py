"""Test set-up: real PostgreSQL (pgvector) and real Redis, the embedded ones unless
DATABASE_URL / CELERY_BROKER_URL point elsewhere. Tests use Redis database 15 as broker so a
running `make run` never sees their messages."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from rest_framework.test import APIClient

from factcheck import embedded

TEST_BROKER_DB = 15


def _test_broker_url(url: str) -> str:
    if url.startswith("redis://"):
        base = url.rsplit("/", 1)[0] if url.count("/") > 2 else url
        return f"{base}/{TEST_BROKER_DB}"
    return url


_STARTED_HERE: dict[str, bool] = {}


def pytest_configure(config: pytest.Config) -> None:
    # Throttle counts in this process's memory: the tests never touch a running service's.
    os.environ.setdefault("CACHE_URL", "locmem")
    if not os.environ.get("DATABASE_URL"):
        _STARTED_HERE["postgres"] = not embedded.postgres_is_running()
    if not os.environ.get("CELERY_BROKER_URL"):
        _STARTED_HERE["redis"] = not embedded.redis_is_running()
    embedded.configure_environment()
    from django.conf import settings

    from factcheck.celery import app

    broker = _test_broker_url(os.environ["CELERY_BROKER_URL"])
    # Celery prefers the CELERY_BROKER_URL variable to its configuration.
    os.environ["CELERY_BROKER_URL"] = broker
    settings.CELERY_BROKER_URL = broker
    app.conf.update(broker_url=broker)
    # Throttling is tested on its own; elsewhere it would make results depend on test order.
    settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = []


def pytest_unconfigure(config: pytest.Config) -> None:
    """Servers this run started are stopped again; ones that were running stay up."""
    if any(_STARTED_HERE.values()):
        embedded.stop(
            postgres=_STARTED_HERE.get("postgres", False), redis=_STARTED_HERE.get("redis", False)
        )


@pytest.fixture(autouse=True)
def _no_throttle_state() -> Iterator[None]:
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    def make(username: str, role: str | None) -> Any:
        user = get_user_model().objects.create(username=username)
        if role is not None:
            # get_or_create: transactional tests flush the groups the migration made.
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        return user

    return make


def _client_for(user: Any | None) -> APIClient:
    client = APIClient()
    if user is not None:
        from rest_framework.authtoken.models import Token

        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def reader(make_user: Callable[..., Any]) -> Any:
    return make_user("reader", "reader")


@pytest.fixture
def editor(make_user: Callable[..., Any]) -> Any:
    return make_user("editor", "editor")


@pytest.fixture
def fact_checker(make_user: Callable[..., Any]) -> Any:
    return make_user("checker", "fact_checker")


@pytest.fixture
def outsider(make_user: Callable[..., Any]) -> Any:
    return make_user("outsider", None)


@pytest.fixture
def anon_client() -> APIClient:
    return APIClient()


@pytest.fixture
def reader_client(reader: Any) -> APIClient:
    return _client_for(reader)


@pytest.fixture
def editor_client(editor: Any) -> APIClient:
    return _client_for(editor)


@pytest.fixture
def checker_client(fact_checker: Any) -> APIClient:
    return _client_for(fact_checker)


@pytest.fixture
def outsider_client(outsider: Any) -> APIClient:
    return _client_for(outsider)
