"""The OpenAPI schema validates, and the live API keeps to it under generated input."""

from __future__ import annotations

import os
from io import StringIO

import pytest
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from factcheck.wsgi import application
from tests import factories as f


def test_the_schema_validates_without_warnings(db) -> None:
    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    assert "/api/v1/claims/{id}/recheck/" in out.getvalue()


@pytest.fixture
def api_schema(db, make_user):
    # Like Django's test client: keep the test's connection (and transaction) across requests.
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    # Some rows so that generated ids sometimes hit something.
    claim = f.claim(speaker=f.org("US government"))
    f.evidence(claim, f.source(), "supports", f.org("NATO"))
    yield schemathesis.openapi.from_wsgi("/api/schema/", application)
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def admin_token(make_user) -> str:
    from rest_framework.authtoken.models import Token

    user = make_user("fuzz-admin", "admin")
    return Token.objects.create(user=user).key


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("SCHEMATHESIS_EXAMPLES", "20")),
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_input_gives_a_server_error_or_breaks_the_schema(case, admin_token) -> None:
    case.headers = {**(case.headers or {}), "Authorization": f"Token {admin_token}"}
    case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])
