"""Query parameters and body values mean what the schema says: a filter by an id that names
nothing is an empty list, a value that is not of the parameter's type is a 400, and a number
or a yes/no in a body must be one."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from factcheck.facts.models import Claim
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["0", "-3", "99999999", str(2**70)])
def test_filtering_by_an_id_that_names_nothing_gives_an_empty_list(
    reader_client: APIClient, value: str
) -> None:
    f.evidence(f.claim(), f.source(), "supports", f.org("NATO"))
    for path in (
        "/api/v1/evidence/?claim=",
        "/api/v1/check-runs/?claim=",
        "/api/v1/claims/?speaker=",
    ):
        response = reader_client.get(path + value)
        assert response.status_code == 200, (path, response.content)
        assert response.json()["results"] == []


def test_filtering_by_an_id_finds_its_rows(reader_client: APIClient) -> None:
    claim, nato = f.claim(), f.org("NATO")
    f.evidence(claim, f.source(), "supports", nato)
    f.evidence(f.claim(text="Another claim."), f.source(), "supports", nato)
    body = reader_client.get(f"/api/v1/evidence/?claim={claim.pk}").json()
    assert [e["claim"] for e in body["results"]] == [claim.pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page_size=abc", "page_size"),
        ("page_size=0", "page_size"),
        ("page_size=201", "page_size"),
        ("page_size=5&page_size=6", "page_size"),
        ("page=", "page"),
        ("status=", "status"),
        ("speaker=", "speaker"),
        ("speaker=abc", "speaker"),
        ("has_verdict=null", "has_verdict"),
        ("has_verdict=maybe", "has_verdict"),
        ("changed_since=", "changed_since"),
    ],
)
def test_a_parameter_of_the_wrong_kind_is_a_400_naming_it(
    reader_client: APIClient, query: str, field: str
) -> None:
    response = reader_client.get(f"/api/v1/claims/?{query}")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


def test_free_text_parameters_may_be_empty_and_booleans_read_both_spellings(
    reader_client: APIClient,
) -> None:
    f.claim()
    assert reader_client.get("/api/v1/claims/?search=&tag=").status_code == 200
    assert reader_client.get("/api/v1/claims/?has_verdict=false").json()["count"] == 1
    assert reader_client.get("/api/v1/claims/?has_verdict=1").json()["count"] == 0
    assert reader_client.get("/api/v1/claims/?page_size=1").json()["count"] == 1


def test_stats_since_given_empty_is_a_400(reader_client: APIClient) -> None:
    assert reader_client.get("/api/v1/stats/?since=").status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        {"text": "Troops moved.", "force": 0},
        {"text": "Troops moved.", "force": "yes"},
        {"text": "Troops moved.", "quantity": {"value": "10000", "unit": "troops"}},
        {"text": "Troops moved.", "quantity": {"value": 10000, "high": False}},
    ],
)
def test_numbers_and_yes_or_no_in_a_body_must_be_json_numbers_and_booleans(
    editor_client: APIClient, body: dict[str, object]
) -> None:
    response = editor_client.post("/api/v1/claims/", body, format="json")
    assert response.status_code == 400, response.content
    assert Claim.objects.count() == 0


def test_the_first_status_has_no_previous_one_in_the_schema_or_the_answer(
    reader_client: APIClient,
) -> None:
    claim = f.claim()
    history = reader_client.get(f"/api/v1/claims/{claim.pk}/history/").json()
    assert history[0]["status_change"]["from_status"] is None


def test_an_id_filter_takes_digits_only(reader_client: APIClient) -> None:
    for value in ("0.0", "3.", "1e3", "1.5"):
        response = reader_client.get(f"/api/v1/sources/?outlet={value}")
        assert response.status_code == 400, value
        assert response.json()["errors"]["outlet"] == ["Enter a whole number."]
    assert reader_client.get("/api/v1/sources/?outlet=0").status_code == 200
