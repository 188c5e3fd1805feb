from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from factcheck.facts.models import Evidence
from tests import factories as f

pytestmark = pytest.mark.django_db

TEXT = "Officials said on Friday. Pyongyang denied sending any troops, calling it groundless."


@pytest.fixture
def setting() -> dict[str, Any]:
    return {
        "claim": f.claim(speaker=f.org("South Korea government")),
        "source": f.source(TEXT),
        "kp": f.org("North Korea government"),
    }


def test_an_editor_adds_evidence_and_the_status_follows(
    editor_client: APIClient, setting: dict[str, Any]
) -> None:
    response = editor_client.post(
        "/api/v1/evidence/",
        {
            "claim": setting["claim"].pk,
            "source": setting["source"].pk,
            "speaker": setting["kp"].pk,
            "stance": "contradicts",
            "quote": "Pyongyang denied sending any troops",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["quote_start"], body["quote_end"]) == (26, 61)
    assert body["method"] == "manual"
    assert body["origin"] == "North Korea government"
    claim = editor_client.get(f"/api/v1/claims/{setting['claim'].pk}/").json()
    assert claim["status"] == "contested"


def test_offsets_alone_give_the_quote(editor_client: APIClient, setting: dict[str, Any]) -> None:
    body = editor_client.post(
        "/api/v1/evidence/",
        {
            "claim": setting["claim"].pk,
            "source": setting["source"].pk,
            "stance": "discusses",
            "quote_start": 0,
            "quote_end": 24,
        },
        format="json",
    ).json()
    assert body["quote"] == "Officials said on Friday"


def test_it_rejects_a_quote_that_is_not_in_the_source(
    editor_client: APIClient, setting: dict[str, Any]
) -> None:
    response = editor_client.post(
        "/api/v1/evidence/",
        {
            "claim": setting["claim"].pk,
            "source": setting["source"].pk,
            "stance": "supports",
            "quote": "words nobody wrote",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["quote"] == ["The quote does not occur in the source text."]
    assert Evidence.objects.count() == 0


def test_it_rejects_offsets_that_do_not_match_the_quote(
    editor_client: APIClient, setting: dict[str, Any]
) -> None:
    response = editor_client.post(
        "/api/v1/evidence/",
        {
            "claim": setting["claim"].pk,
            "source": setting["source"].pk,
            "stance": "supports",
            "quote": "Officials",
            "quote_start": 1,
            "quote_end": 10,
        },
        format="json",
    )
    assert response.status_code == 400


def test_it_rejects_an_unknown_stance(editor_client: APIClient, setting: dict[str, Any]) -> None:
    response = editor_client.post(
        "/api/v1/evidence/",
        {"claim": setting["claim"].pk, "source": setting["source"].pk, "stance": "agrees"},
        format="json",
    )
    assert response.status_code == 400
    assert "stance" in response.json()["errors"]


def test_it_refuses_a_second_evidence_for_the_same_claim_source_and_speaker(
    editor_client: APIClient, setting: dict[str, Any]
) -> None:
    payload = {
        "claim": setting["claim"].pk,
        "source": setting["source"].pk,
        "speaker": setting["kp"].pk,
        "stance": "contradicts",
    }
    assert editor_client.post("/api/v1/evidence/", payload, format="json").status_code == 201
    again = editor_client.post(
        "/api/v1/evidence/", {**payload, "stance": "supports"}, format="json"
    )
    assert again.status_code == 400
    assert Evidence.objects.count() == 1


def test_one_article_quoting_two_origins_gives_two_evidence(
    editor_client: APIClient, setting: dict[str, Any]
) -> None:
    for speaker, stance in ((setting["kp"].pk, "contradicts"), ("NATO", "supports")):
        response = editor_client.post(
            "/api/v1/evidence/",
            {
                "claim": setting["claim"].pk,
                "source": setting["source"].pk,
                "speaker": speaker,
                "stance": stance,
            },
            format="json",
        )
        assert response.status_code == 201
    assert Evidence.objects.filter(claim=setting["claim"]).count() == 2


def test_a_fact_checker_overrides_a_stance(
    checker_client: APIClient, setting: dict[str, Any]
) -> None:
    evidence = f.evidence(setting["claim"], setting["source"], "contradicts", setting["kp"])
    response = checker_client.post(
        f"/api/v1/evidence/{evidence.pk}/review/",
        {"stance": "discusses", "note": "A non-answer."},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["stance"], body["automatic_stance"], body["review_state"]) == (
        "discusses",
        "contradicts",
        "overridden",
    )
    assert body["reviewed_by"] == "checker"
    claim = checker_client.get(f"/api/v1/claims/{setting['claim'].pk}/").json()
    assert claim["status"] == "unverified"


def test_a_fact_checker_confirms_a_stance(
    checker_client: APIClient, setting: dict[str, Any]
) -> None:
    evidence = f.evidence(setting["claim"], setting["source"], "contradicts", setting["kp"])
    body = checker_client.post(f"/api/v1/evidence/{evidence.pk}/review/", {}, format="json").json()
    assert (body["stance"], body["review_state"]) == ("contradicts", "confirmed")


def test_an_editor_cannot_review_evidence(
    editor_client: APIClient, setting: dict[str, Any]
) -> None:
    evidence = f.evidence(setting["claim"], setting["source"], "contradicts", setting["kp"])
    response = editor_client.post(f"/api/v1/evidence/{evidence.pk}/review/", {}, format="json")
    assert response.status_code == 403


def test_the_evidence_list_filters_by_stance_and_review_state(
    reader_client: APIClient, setting: dict[str, Any]
) -> None:
    a = f.evidence(setting["claim"], setting["source"], "contradicts", setting["kp"])
    f.evidence(setting["claim"], f.source(), "supports", f.org("NATO"))
    results = reader_client.get("/api/v1/evidence/?stance=contradicts&review_state=unreviewed")
    assert [e["id"] for e in results.json()["results"]] == [a.pk]
