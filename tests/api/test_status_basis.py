"""The status basis and suggested evidence through the API."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def claims(settings: Settings) -> dict[str, Any]:
    settings.FACTCHECK_AUTO_SUPPORT_FLOOR = 0.6
    settings.FACTCHECK_AUTO_CONTRADICT_FLOOR = 0.85
    us, nato, kp = f.org("US government"), f.org("NATO"), f.org("North Korea government")
    firm = f.claim("Claim resting on people", speaker=us)
    f.evidence(firm, f.source(), "supports", nato, method="manual", confidence=1.0)
    loose = f.claim("Claim resting on the engine", speaker=us)
    f.evidence(loose, f.source(), "supports", nato, confidence=0.9)
    unsure = f.evidence(loose, f.source(), "contradicts", kp, confidence=0.7)
    bare = f.claim("Claim with nothing", speaker=us)
    return {"firm": firm, "loose": loose, "bare": bare, "unsure": unsure}


def test_claims_carry_their_basis_and_filter_by_it(
    reader_client: APIClient, claims: dict[str, Any]
) -> None:
    body = reader_client.get(f"/api/v1/claims/{claims['loose'].pk}/").json()
    assert (body["status"], body["status_basis"]) == ("corroborated", "provisional")
    assert body["status_detail"]["suggested_evidence"] == [claims["unsure"].pk]
    for basis, name in (("reviewed", "firm"), ("provisional", "loose"), ("none", "bare")):
        listed = reader_client.get(f"/api/v1/claims/?status_basis={basis}").json()["results"]
        assert [c["id"] for c in listed] == [claims[name].pk], basis
    assert reader_client.get("/api/v1/claims/?status_basis=firm").status_code == 400


def test_evidence_says_whether_it_is_only_suggested(
    reader_client: APIClient, claims: dict[str, Any]
) -> None:
    unsure = claims["unsure"]
    body = reader_client.get(f"/api/v1/evidence/{unsure.pk}/").json()
    assert body["suggested"] is True
    suggested = reader_client.get("/api/v1/evidence/?suggested=true").json()["results"]
    assert [e["id"] for e in suggested] == [unsure.pk]
    counted = reader_client.get("/api/v1/evidence/?suggested=false").json()["results"]
    assert unsure.pk not in {e["id"] for e in counted} and len(counted) == 2
    listed = reader_client.get(f"/api/v1/claims/{claims['loose'].pk}/evidence/").json()
    assert {e["id"]: e["suggested"] for e in listed["results"]}[unsure.pk] is True


def test_the_history_records_the_basis(reader_client: APIClient, claims: dict[str, Any]) -> None:
    entries = reader_client.get(f"/api/v1/claims/{claims['firm'].pk}/history/").json()
    changes = [e["status_change"] for e in entries if e["kind"] == "status"]
    assert [
        (c["from_status"], c["from_basis"], c["to_status"], c["to_basis"]) for c in changes
    ] == [
        (None, None, "unverified", "none"),
        ("unverified", "none", "corroborated", "reviewed"),
    ]
