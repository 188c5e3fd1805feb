from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from factcheck.facts.models import CheckRun, Claim
from factcheck.facts.services.verdicts import verdict_create
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_an_editor_creates_a_claim_that_starts_unverified(editor_client: APIClient) -> None:
    response = editor_client.post(
        "/api/v1/claims/",
        {
            "text": "North Korea has sent about 10,000 troops to Russia.",
            "as_of": "2024-10-28",
            "speaker": "Pat Ryder",
            "tags": ["Troops", "troops", " russia "],
            "quantity": {"value": 10000, "unit": "troops", "approximate": True},
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "unverified"
    assert body["speaker"]["name"] == "Pat Ryder"
    assert body["tags"] == ["russia", "troops"]
    assert body["quantity"]["value"] == 10000
    assert body["status_explanation"].startswith("Unverified:")
    assert body["last_checked_at"] is not None


def test_it_rejects_a_quantity_whose_bounds_are_reversed(editor_client: APIClient) -> None:
    response = editor_client.post(
        "/api/v1/claims/", {"text": "x", "quantity": {"low": 12000, "high": 11000}}, format="json"
    )
    assert response.status_code == 400
    assert "quantity" in response.json()["errors"]
    assert Claim.objects.count() == 0


def test_it_rejects_an_unknown_speaker_id(editor_client: APIClient) -> None:
    response = editor_client.post(
        "/api/v1/claims/", {"text": "x", "speaker": 999999}, format="json"
    )
    assert response.status_code == 400
    assert "No speaker has id 999999." in response.json()["errors"]["speaker"]


def test_a_reader_cannot_create_claims(reader_client: APIClient) -> None:
    assert reader_client.post("/api/v1/claims/", {"text": "x"}, format="json").status_code == 403


def test_editing_the_claimant_recomputes_the_status(editor_client: APIClient) -> None:
    kr = f.org("South Korea government")
    claim = f.claim(speaker=f.org("US government"))
    f.evidence(claim, f.source(), "supports", kr)
    claim.refresh_from_db()
    assert claim.status == "corroborated"
    response = editor_client.patch(f"/api/v1/claims/{claim.pk}/", {"speaker": kr.pk}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "unverified"


def test_the_list_filters_by_status_tag_and_verdict(
    reader_client: APIClient, fact_checker: User
) -> None:
    contested = f.claim("Claim contested", tags=["kursk"])
    f.evidence(contested, f.source(), "contradicts", f.org("North Korea government"))
    plain = f.claim("Claim plain", tags=["khabarovsk"])
    verdict_create(claim=plain, rating="false", summary="No.", author=fact_checker)

    def ids(query: str) -> set[int]:
        return {c["id"] for c in reader_client.get(f"/api/v1/claims/?{query}").json()["results"]}

    assert ids("status=contested") == {contested.pk}
    assert ids("tag=khabarovsk") == {plain.pk}
    assert ids("verdict=false") == {plain.pk}
    assert ids("has_verdict=false") == {contested.pk}


def test_full_text_search_finds_claims_by_their_words(reader_client: APIClient) -> None:
    troops = f.claim("North Korean troops gathered at Khabarovsk training ground")
    f.claim("Biden said Ukraine should strike")
    found = reader_client.get("/api/v1/claims/?search=khabarovsk training").json()["results"]
    assert [c["id"] for c in found] == [troops.pk]


def test_the_list_runs_a_constant_number_of_queries(reader_client: APIClient) -> None:
    def count_for(n_claims: int) -> int:
        for i in range(n_claims):
            c = f.claim(f"claim {i}", speaker=f.speaker(), first_source=f.source())
            f.evidence(c, f.source(), "supports", f.speaker())
        with CaptureQueriesContext(connection) as queries:
            assert reader_client.get("/api/v1/claims/?page_size=100").status_code == 200
        return len(queries)

    small = count_for(2)
    large = count_for(20)
    assert small == large


def test_recheck_queues_a_check_run(editor_client: APIClient) -> None:
    claim = f.claim()
    response = editor_client.post(f"/api/v1/claims/{claim.pk}/recheck/")
    assert response.status_code == 202
    run = CheckRun.objects.get(pk=response.json()["id"])
    assert (run.kind, run.state, run.claim_id) == ("recheck_claim", "queued", claim.pk)


def test_nested_evidence_lists_only_that_claims_evidence(reader_client: APIClient) -> None:
    claim, other = f.claim("one"), f.claim("two")
    mine = f.evidence(claim, f.source(), "supports", f.speaker())
    f.evidence(other, f.source(), "supports", f.speaker())
    body = reader_client.get(f"/api/v1/claims/{claim.pk}/evidence/").json()
    assert [e["id"] for e in body["results"]] == [mine.pk]
    assert mine.speaker and body["results"][0]["origin"] == mine.speaker.name


def test_history_shows_status_changes_and_verdicts_in_time_order(
    reader_client: APIClient, fact_checker: User
) -> None:
    claim = f.claim(speaker=f.org("US government"))
    f.evidence(claim, f.source(), "supports", f.org("NATO"))
    verdict_create(claim=claim, rating="true", summary="Confirmed.", author=fact_checker)
    history = reader_client.get(f"/api/v1/claims/{claim.pk}/history/").json()
    assert [(h["kind"], (h["status_change"] or {}).get("to_status")) for h in history] == [
        ("status", "unverified"),
        ("status", "corroborated"),
        ("verdict", None),
    ]
    assert history[2]["verdict"]["rating"] == "true"
    assert [h["status_change"]["from_status"] for h in history[:2]] == [None, "unverified"]


def test_claimreview_gives_the_current_published_verdict(
    reader_client: APIClient, fact_checker: User
) -> None:
    claim = f.claim(speaker=f.speaker("Pat Ryder"), as_of="2024-10-28")
    assert reader_client.get(f"/api/v1/claims/{claim.pk}/claimreview/").status_code == 404
    verdict_create(
        claim=claim, rating="mostly_true", summary="Close.", author=fact_checker, published=True
    )
    verdict_create(claim=claim, rating="false", summary="Draft.", author=fact_checker)
    body = reader_client.get(f"/api/v1/claims/{claim.pk}/claimreview/").json()
    assert body["@type"] == "ClaimReview"
    assert body["claimReviewed"] == claim.text
    assert body["reviewRating"]["alternateName"] == "Mostly True"
    assert body["reviewRating"]["ratingValue"] == 4
    assert body["itemReviewed"]["author"] == {"@type": "Person", "name": "Pat Ryder"}
    assert body["itemReviewed"]["datePublished"] == "2024-10-28"


def test_only_admins_delete_claims(editor_client: APIClient, make_user: Callable[..., Any]) -> None:
    claim = f.claim()
    assert editor_client.delete(f"/api/v1/claims/{claim.pk}/").status_code == 403
    from tests.conftest import _client_for

    admin = _client_for(make_user("boss", "admin"))
    assert admin.delete(f"/api/v1/claims/{claim.pk}/").status_code == 204


def test_a_claim_with_verdicts_cannot_be_deleted(
    make_user: Callable[..., Any], fact_checker: User
) -> None:
    from tests.conftest import _client_for

    claim = f.claim()
    verdict_create(claim=claim, rating="true", summary="ok", author=fact_checker)
    response = _client_for(make_user("boss", "admin")).delete(f"/api/v1/claims/{claim.pk}/")
    assert response.status_code == 409
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_the_claims_list_writes_each_claim_as_the_claim_page_does(reader_client: APIClient) -> None:
    """The list reads rows, not model instances (speed): it must say what the serializer
    says of the same claim, field for field."""
    import json
    from datetime import date

    from django.contrib.auth.models import User
    from rest_framework.renderers import JSONRenderer

    from api.serializers import ClaimSerializer
    from factcheck.facts import selectors
    from factcheck.facts.services.claims import claim_create
    from factcheck.facts.services.verdicts import verdict_create
    from tests import factories as f

    plain = claim_create(text="A plain claim with nothing else.")
    full = claim_create(
        text="About 10,000 troops were sent.",
        as_of=date(2024, 10, 28),
        speaker=f.org("US government"),
        tags=["Kursk", "troops"],
        quantity_value=10_000,
        quantity_unit="troops",
        quantity_approximate=True,
    )
    f.evidence(full, f.source(), "supports", f.org("NATO"))
    verdict_create(claim=full, rating="true", summary="s", author=User.objects.create(username="c"))
    listed = {c["id"]: c for c in reader_client.get("/api/v1/claims/").json()["results"]}
    for claim in (plain, full):
        one = selectors.claim_list().get(pk=claim.pk)
        expected = json.loads(JSONRenderer().render(ClaimSerializer(one).data))
        assert listed[claim.pk] == expected
    assert listed[full.pk]["quantity"]["value"] == 10_000
    assert listed[full.pk]["current_verdict"]["rating"] == "true"
