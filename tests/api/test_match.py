"""POST /api/v1/match/: the claims a text speaks to, nothing stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from rest_framework.test import APIClient

from factcheck.facts.models import Claim, Evidence, Source
from factcheck.facts.services.claims import claim_create

pytestmark = pytest.mark.django_db

SEED = (Path(__file__).resolve().parents[2] / "seeds" / "000_40f7a8c0a409f1f5.txt").read_text()


@pytest.fixture
def claims() -> dict[str, Claim]:
    from datetime import date

    return {
        "troops": claim_create(
            text="North Korea has deployed about 10,000 troops to Russia.", as_of=date(2024, 10, 28)
        ),
        "rates": claim_create(text="The central bank raised interest rates by half a point."),
        "strike": claim_create(
            text="Ukraine should strike North Korean troops if they go into Ukraine."
        ),
    }


def test_it_finds_the_claims_a_text_speaks_to_and_stores_nothing(
    reader_client: APIClient, claims: dict[str, Claim]
) -> None:
    before = (Claim.objects.count(), Evidence.objects.count(), Source.objects.count())
    response = reader_client.post(
        "/api/v1/match/", {"text": SEED, "published_at": "2024-10-30"}, format="json"
    )
    assert response.status_code == 200, response.json()
    found = {m["claim"]["id"]: m for m in response.json()}
    assert claims["rates"].pk not in found
    troops = found[claims["troops"].pk]
    assert troops["stance"] == "supports"
    assert "10,000 troops" in troops["passage"]["text"]
    start, end = troops["passage"]["start"], troops["passage"]["end"]
    assert SEED[start:end] == troops["passage"]["text"]
    assert troops["explanation"]["figures"]["comparison"] == "agree"
    assert before == (Claim.objects.count(), Evidence.objects.count(), Source.objects.count())


def test_new_claims_get_a_vector_and_edits_refresh_it(editor_client: APIClient) -> None:
    created = editor_client.post(
        "/api/v1/claims/", {"text": "Troops arrived in Kursk."}, format="json"
    ).json()
    first = list(Claim.objects.get(pk=created["id"]).embedding)
    editor_client.patch(
        f"/api/v1/claims/{created['id']}/", {"text": "Interest rates rose sharply."}, format="json"
    )
    second = list(Claim.objects.get(pk=created["id"]).embedding)
    assert len(first) == 384 and first != second


def test_it_rejects_an_empty_text(reader_client: APIClient) -> None:
    response = reader_client.post("/api/v1/match/", {"text": "  "}, format="json")
    assert response.status_code == 400
    assert "text" in response.json()["errors"]


def test_matching_needs_a_token_even_when_reads_are_open(
    anon_client: APIClient, claims: dict[str, Claim]
) -> None:
    response = anon_client.post("/api/v1/match/", {"text": "Nothing here."}, format="json")
    assert response.status_code == 401
