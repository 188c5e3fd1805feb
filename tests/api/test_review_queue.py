"""The review queue: unreviewed readings by consequence, reviewed in one action."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from tests import factories as f

pytestmark = pytest.mark.django_db

TEXT = (
    "Seoul, Oct 18.\n"
    "South Korea's spy agency said on Friday that North Korea has sent 1,500 special forces "
    "to Russia. Pyongyang denied it.\nA second paragraph about something else."
)


@pytest.fixture
def queue(settings: Settings) -> dict[str, Any]:
    settings.FACTCHECK_AUTO_SUPPORT_FLOOR = 0.6
    settings.FACTCHECK_AUTO_CONTRADICT_FLOOR = 0.85
    us, kr = f.org("US government"), f.org("South Korea government")
    kp, ru = f.org("North Korea government"), f.org("Russia government")
    # An old claim, already contested by a person: an unsure contradiction changes nothing.
    old = f.claim("Old claim", speaker=us, tags=["kursk"])
    f.evidence(old, f.source(), "contradicts", ru, method="manual", confidence=1.0)
    f.evidence(old, f.source(), "supports", f.org("NATO"), method="manual", confidence=1.0)
    shrug = f.evidence(old, f.source(), "contradicts", kp, confidence=0.7)
    talk = f.evidence(old, f.source(), "discusses", kr, confidence=0.9)
    # A newer claim corroborated by one automatic reading: rejecting it would change that.
    new = f.claim("New claim", speaker=us)
    source = f.source(TEXT)
    start = TEXT.index("South Korea's")
    end = TEXT.index("Pyongyang") - 1
    carrying = f.evidence(
        new,
        source,
        "supports",
        kr,
        confidence=0.9,
        quote=TEXT[start:end],
        quote_start=start,
        quote_end=end,
    )
    return {"old": old, "new": new, "shrug": shrug, "talk": talk, "carrying": carrying}


def test_the_queue_puts_first_what_would_change_a_status(
    reader_client: APIClient, queue: dict[str, Any]
) -> None:
    body = reader_client.get("/api/v1/review-queue/").json()
    assert [e["id"] for e in body["results"]] == [
        queue["carrying"].pk,
        queue["shrug"].pk,
        queue["talk"].pk,
    ]
    first = body["results"][0]
    assert first["priority"] == 0
    assert (first["status_now"], first["status_if_confirmed"], first["status_if_rejected"]) == (
        "corroborated",
        "corroborated",
        "unverified",
    )
    assert first["consequence"] == (
        "Confirming it changes nothing; rejecting it makes the claim unverified (now corroborated)."
    )
    assert first["claim"]["status_basis"] == "provisional"
    assert first["paragraph"] == {
        "before": "",
        "quote": first["quote"],
        "after": " Pyongyang denied it.",
    }
    assert first["origin"] == "South Korea government"
    second = body["results"][1]
    assert (second["priority"], second["suggested"], second["stance"]) == (1, True, "contradicts")
    assert reader_client.get("/api/v1/review-queue/?priority=1").json()["count"] == 1
    assert reader_client.get("/api/v1/review-queue/?tag=kursk").json()["count"] == 2
    assert reader_client.get("/api/v1/review-queue/?priority=7").status_code == 400


def test_one_action_reviews_an_entry_and_the_queue_moves_on(
    checker_client: APIClient, queue: dict[str, Any]
) -> None:
    carrying = queue["carrying"].pk
    response = checker_client.post(
        f"/api/v1/evidence/{carrying}/review/", {"reject": True}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["review_state"] == "rejected"
    claim = checker_client.get(f"/api/v1/claims/{queue['new'].pk}/").json()
    assert (claim["status"], claim["status_basis"]) == ("unverified", "none")
    left = checker_client.get("/api/v1/review-queue/").json()["results"]
    assert carrying not in [e["id"] for e in left]
    # Confirming the unsure contradiction: it now counts, the old claim stays contested and
    # its other reading is still waiting.
    shrug = queue["shrug"].pk
    assert (
        checker_client.post(f"/api/v1/evidence/{shrug}/review/", {}, format="json").status_code
        == 200
    )
    claim = checker_client.get(f"/api/v1/claims/{queue['old'].pk}/").json()
    assert claim["status"] == "contested"
    assert claim["status_detail"]["suggested_evidence"] == []
    assert [e["id"] for e in checker_client.get("/api/v1/review-queue/").json()["results"]] == [
        queue["talk"].pk
    ]


def test_reject_and_a_stance_together_are_refused(
    checker_client: APIClient, queue: dict[str, Any]
) -> None:
    response = checker_client.post(
        f"/api/v1/evidence/{queue['talk'].pk}/review/",
        {"reject": True, "stance": "supports"},
        format="json",
    )
    assert response.status_code == 400
    assert "reject" in response.json()["errors"]
