"""Input PostgreSQL cannot store, input that would exhaust Python, and text that is not text:
each a 400 with a JSON error naming the problem, nothing written. Retried writes: 409."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from factcheck.facts.models import Claim, Source

pytestmark = pytest.mark.django_db


def _post(client: APIClient, path: str, raw: str) -> Any:
    return client.generic("POST", path, raw, content_type="application/json")


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ('{"text": "Troops \\u0000 moved.", "speaker": "Kim"}', "NUL"),
        ('{"text": "Troops moved.", "speaker": "Kim \\u0000"}', "NUL"),
        ('{"text": "Troops \\ud800 moved."}', "lone surrogate"),
        ('{"text": "Troops moved.", "tags": ["\\udfff"]}', "lone surrogate"),
        ('{"text\\u0000": "Troops moved."}', "NUL"),
        ("[" * 950 + "]" * 950, "nested deeper"),
        ('{"text": ' + '{"a": ' * 40 + "1" + "}" * 41, "nested deeper"),
        ('{"text": NaN}', "not JSON"),
    ],
)
def test_unstorable_or_exhausting_bodies_are_refused(
    editor_client: APIClient, raw: str, says: str
) -> None:
    response = _post(editor_client, "/api/v1/claims/", raw)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    assert says in response.json()["detail"]
    assert Claim.objects.count() == 0


@pytest.mark.parametrize("value", [123, 4.5, True, ["a"], {"a": 1}])
def test_text_must_be_a_string(editor_client: APIClient, value: object) -> None:
    response = editor_client.post("/api/v1/claims/", {"text": value}, format="json")
    assert response.status_code == 400
    assert "text" in response.json()["errors"]
    assert Claim.objects.count() == 0


def test_a_nul_in_the_query_string_is_refused(reader_client: APIClient) -> None:
    response = reader_client.get("/api/v1/claims/?search=troops%00")
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


def test_a_claim_posted_again_at_once_by_one_account_is_one_claim(
    editor_client: APIClient, checker_client: APIClient
) -> None:
    body = {"text": "The dam on the river burst on Sunday."}
    first = editor_client.post("/api/v1/claims/", body, format="json")
    assert first.status_code == 201
    again = editor_client.post(
        "/api/v1/claims/", {"text": "  the dam on the  river burst on sunday. "}, format="json"
    )
    assert again.status_code == 409
    assert again.json()["existing"] == {"kind": "claim", "id": first.json()["id"]}
    assert Claim.objects.count() == 1
    forced = editor_client.post("/api/v1/claims/", {**body, "force": True}, format="json")
    assert forced.status_code == 201
    assert "force" not in forced.json()
    # Past the retry window the same wording is a claim to track again (a stream replayed).
    Claim.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    assert editor_client.post("/api/v1/claims/", body, format="json").status_code == 201
    # Another desk tracking the same wording is not a retry.
    assert checker_client.post("/api/v1/claims/", body, format="json").status_code in (201, 403)


def test_a_duplicate_url_answers_409_and_writes_nothing(editor_client: APIClient) -> None:
    body = {"url": "https://news.example.org/a", "text": "Troops moved.", "title": "A"}
    first = editor_client.post("/api/v1/sources/", body, format="json").json()
    again = editor_client.post("/api/v1/sources/", {**body, "text": "Other text."}, format="json")
    assert again.status_code == 409
    assert again.json()["existing"]["id"] == first["id"]
    assert Source.objects.count() == 1
    assert json.loads(again.content)["detail"].startswith(f"Source {first['id']}")


def test_match_reads_a_bounded_text(reader_client: APIClient, settings: Settings) -> None:
    limit = settings.FACTCHECK_MAX_MATCH_CHARS
    response = reader_client.post("/api/v1/match/", {"text": "a" * (limit + 1)}, format="json")
    assert response.status_code == 400
    assert "text" in response.json()["errors"]


def test_a_source_too_long_to_read_fails_at_once_and_is_not_retried(
    settings: Settings,
) -> None:
    from factcheck.facts.models import CheckRun, ProcessingState
    from factcheck.facts.services.sweeps import sweep_failed_sources
    from factcheck.facts.tasks import source_ingest

    settings.FACTCHECK_MAX_SOURCE_SENTENCES = 10
    text = " ".join(f"Sentence number {i} is here." for i in range(11))
    source = Source.objects.create(text=text, state=ProcessingState.PENDING)
    run = CheckRun.objects.create(kind="ingest_source", source=source)
    source_ingest.run(run.pk)
    source.refresh_from_db()
    run.refresh_from_db()
    assert (source.state, source.retryable, run.state) == ("failed", False, "failed")
    assert "11 sentences; at most 10" in source.error
    assert sweep_failed_sources() == {"sources_retried": 0}
