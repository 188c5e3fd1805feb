"""The OpenAPI schema validates, and the live API keeps to it under generated input."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from io import StringIO
from typing import Any

import pytest
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.config import SchemathesisConfig

from factcheck.wsgi import application
from tests import factories as f


def test_the_schema_validates_without_warnings(db: None) -> None:
    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    assert "/api/v1/claims/{id}/recheck/" in out.getvalue()


# Schema-valid input may still be refused by the state of the data: a 400 when it names a
# record that does not exist (a claim id in a new verdict's body: no schema can say which ids
# exist), 409/412/428 when the record is not in a state the action applies to or was changed
# meanwhile. Schema-violating input may also be refused for its size before it is parsed:
# a 413 for a body over MAX_REQUEST_BYTES. Every other check runs as schemathesis ships it.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": list(
                    ("2xx", "3xx", "400", "401", "403", "404", "409", "412", "428", "429")
                )
            },
            "negative_data_rejection": {
                "expected-statuses": "400 401 403 404 405 406 409 413 415 422 428 429 5xx".split()
            },
        }
    }
)


@pytest.fixture
def api_schema(db: None, make_user: Callable[..., Any]) -> Iterator[Any]:
    # Like Django's test client: keep the test's connection (and transaction) across requests.
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    # Some rows so that generated ids sometimes hit something.
    claim = f.claim(speaker=f.org("US government"))
    f.evidence(claim, f.source(), "supports", f.org("NATO"))
    yield schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


ROLES = ["reader", "editor", "fact_checker", "admin"]


@pytest.fixture
def role_tokens(make_user: Callable[..., Any]) -> dict[str, str]:
    from rest_framework.authtoken.models import Token

    return {role: Token.objects.create(user=make_user(f"fuzz-{role}", role)).key for role in ROLES}


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("SCHEMATHESIS_EXAMPLES", "50")),
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_input_gives_a_server_error_or_breaks_the_schema(
    case: Case[Any], role_tokens: dict[str, str]
) -> None:
    """Every operation, with each role's token, every check schemathesis has: no 5xx, no
    answer outside the schema (status, content type, headers, body), bad input refused,
    authentication enforced where the schema requires it."""
    for token in role_tokens.values():
        case.call_and_validate(headers={"Authorization": f"Token {token}"})
