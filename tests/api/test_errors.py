"""Bad input: 400 (or 413) with a clear message and field errors, never a 500."""

from __future__ import annotations

import pytest
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_malformed_json_is_a_400(editor_client: APIClient) -> None:
    response = editor_client.post(
        "/api/v1/claims/", data='{"text": ', content_type="application/json"
    )
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_wrong_types_are_field_errors(editor_client: APIClient) -> None:
    response = editor_client.post(
        "/api/v1/claims/", {"text": ["a"], "as_of": 5, "tags": "notalist"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) >= {"text", "as_of", "tags"}


def test_out_of_range_numbers_are_field_errors(editor_client: APIClient) -> None:
    claim, source = f.claim(), f.source()
    response = editor_client.post(
        "/api/v1/evidence/",
        {"claim": claim.pk, "source": source.pk, "stance": "supports", "confidence": 1.5},
        format="json",
    )
    assert response.status_code == 400
    assert "confidence" in response.json()["errors"]


def test_dangling_and_huge_ids_are_field_errors(editor_client: APIClient) -> None:
    response = editor_client.post(
        "/api/v1/evidence/", {"claim": 2**70, "source": 99999, "stance": "supports"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"claim", "source"}


def test_a_huge_id_in_the_path_is_a_404(reader_client: APIClient) -> None:
    assert reader_client.get(f"/api/v1/claims/{2**70}/").status_code == 404
    assert reader_client.get("/api/v1/claims/abc/").status_code == 404


def test_an_oversized_body_is_a_413(editor_client: APIClient, settings: Settings) -> None:
    settings.MAX_REQUEST_BYTES = 2000
    response = editor_client.post("/api/v1/claims/", {"text": "x" * 5000}, format="json")
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]


def test_a_bad_filter_value_is_a_400(reader_client: APIClient) -> None:
    response = reader_client.get("/api/v1/claims/?status=maybe")
    assert response.status_code == 400
    assert "status" in response.json()["errors"]


def test_a_loop_in_the_organisation_chain_is_refused(editor_client: APIClient) -> None:
    top = f.org("Top")
    low = f.org("Low", top)
    response = editor_client.patch(
        f"/api/v1/speakers/{top.pk}/", {"organization": low.pk}, format="json"
    )
    assert response.status_code == 400
    assert "organization" in response.json()["errors"]


def test_offsets_postgres_cannot_store_are_converted_or_refused(
    reader_client: APIClient, editor_client: APIClient
) -> None:
    # PostgreSQL refuses offsets beyond 15:59; filters and bodies convert to UTC first.
    ok = reader_client.get("/api/v1/sources/?published_after=0293-09-16T11:44:56%2B19:05")
    assert ok.status_code == 200
    overflow = reader_client.get("/api/v1/sources/?published_after=0001-01-01T00:44:56%2B19:05")
    assert overflow.status_code == 400
    assert "published_after" in overflow.json()["errors"]
    created = editor_client.post(
        "/api/v1/sources/",
        {"text": "Some text.", "published_at": "2024-10-30T12:00:00+19:05"},
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["published_at"] == "2024-10-29T16:55:00Z"
