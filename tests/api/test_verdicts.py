from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, transaction
from rest_framework.test import APIClient

from factcheck.facts.models import Claim, Verdict
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_fact_checker_records_a_verdict_that_becomes_current(checker_client: APIClient) -> None:
    claim = f.claim()
    response = checker_client.post(
        "/api/v1/verdicts/",
        {
            "claim": claim.pk,
            "rating": "mostly_true",
            "summary": "Pentagon figure, since revised.",
            "published": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["author"] == "checker"
    body = checker_client.get(f"/api/v1/claims/{claim.pk}/").json()
    assert body["current_verdict"]["rating"] == "mostly_true"


def test_a_new_verdict_keeps_the_earlier_ones(checker_client: APIClient) -> None:
    claim = f.claim()
    for rating in ("unproven", "true"):
        checker_client.post(
            "/api/v1/verdicts/",
            {"claim": claim.pk, "rating": rating, "summary": rating},
            format="json",
        )
    ratings = [
        v["rating"]
        for v in checker_client.get(f"/api/v1/verdicts/?claim={claim.pk}").json()["results"]
    ]
    assert ratings == ["true", "unproven"]
    current = Claim.objects.get(pk=claim.pk).current_verdict
    assert current and current.rating == "true"


def test_an_editor_cannot_record_verdicts(editor_client: APIClient) -> None:
    claim = f.claim()
    response = editor_client.post(
        "/api/v1/verdicts/", {"claim": claim.pk, "rating": "true", "summary": "x"}, format="json"
    )
    assert response.status_code == 403


def test_verdicts_cannot_be_changed_or_deleted_through_the_api(checker_client: APIClient) -> None:
    claim = f.claim()
    vid = checker_client.post(
        "/api/v1/verdicts/", {"claim": claim.pk, "rating": "true", "summary": "x"}, format="json"
    ).json()["id"]
    assert (
        checker_client.patch(
            f"/api/v1/verdicts/{vid}/", {"rating": "false"}, format="json"
        ).status_code
        == 405
    )
    assert checker_client.delete(f"/api/v1/verdicts/{vid}/").status_code == 405


def test_the_database_refuses_to_change_a_verdict(fact_checker: User) -> None:
    claim = f.claim()
    verdict = Verdict.objects.create(claim=claim, rating="true", summary="x", author=fact_checker)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Verdict.objects.filter(pk=verdict.pk).update(rating="false")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Verdict.objects.filter(pk=verdict.pk).delete()


def test_it_rejects_an_unknown_rating_and_a_blank_summary(checker_client: APIClient) -> None:
    claim = f.claim()
    response = checker_client.post(
        "/api/v1/verdicts/", {"claim": claim.pk, "rating": "pants", "summary": ""}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"rating", "summary"}
