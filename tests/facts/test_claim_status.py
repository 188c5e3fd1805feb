"""Origins resolved from the database, and the status service around the rules."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from factcheck.facts.models import ClaimStatusChange, EvidenceMethod, ReviewState
from factcheck.facts.services.claims import claim_recompute_status
from factcheck.facts.services.evidence import evidence_review
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    us = f.org("US government")
    dod = f.org("US Department of Defense", us)
    state = f.org("US State Department", us)
    kr = f.org("South Korea government")
    kp = f.org("North Korea government")
    return {
        "us": us,
        "kr": kr,
        "kp": kp,
        "ryder": f.speaker("Pat Ryder", dod),
        "miller": f.speaker("Matthew Miller", state),
        "nis": f.org("National Intelligence Service", kr),
        "bloomberg": f.outlet("Bloomberg", kind="wire"),
        "st": f.outlet("The Straits Times"),
        "yonhap": f.outlet("Yonhap", kind="wire"),
    }


def test_a_syndicated_copy_counts_as_the_wire_it_republishes(world: dict[str, Any]) -> None:
    claim = f.claim(first_source=f.source(outlet=world["bloomberg"]))
    copy = f.source(outlet=world["st"], syndicated_from=world["bloomberg"])
    f.evidence(claim, copy, "supports")
    claim.refresh_from_db()
    assert claim.status == "unverified"
    assert [o["origin"] for o in claim.status_detail["supporting"]] == ["Bloomberg"]


def test_an_outlets_own_reporting_is_an_origin_of_its_own(world: dict[str, Any]) -> None:
    claim = f.claim(first_source=f.source(outlet=world["bloomberg"]))
    f.evidence(claim, f.source(outlet=world["yonhap"]), "supports")
    claim.refresh_from_db()
    assert claim.status == "corroborated"


def test_two_outlets_quoting_one_speaker_are_one_origin(world: dict[str, Any]) -> None:
    claim = f.claim(speaker=world["ryder"])
    f.evidence(claim, f.source(outlet=world["bloomberg"]), "supports", world["ryder"])
    f.evidence(claim, f.source(outlet=world["yonhap"]), "supports", world["ryder"])
    claim.refresh_from_db()
    assert claim.status == "unverified"
    assert len(claim.status_detail["supporting"]) == 1
    assert len(claim.status_detail["supporting"][0]["sources"]) == 2


def test_two_speakers_under_one_root_are_one_origin(world: dict[str, Any]) -> None:
    claim = f.claim(speaker=world["ryder"])
    f.evidence(claim, f.source(), "supports", world["miller"])
    claim.refresh_from_db()
    assert claim.status == "unverified"
    assert claim.status_detail["supporting"][0]["origin"] == "US government"


def test_speakers_under_different_roots_corroborate(world: dict[str, Any]) -> None:
    claim = f.claim(speaker=world["ryder"])
    f.evidence(claim, f.source(), "supports", world["nis"])
    claim.refresh_from_db()
    assert claim.status == "corroborated"


def test_outlets_of_one_owner_group_are_one_origin(world: dict[str, Any]) -> None:
    a = f.outlet("Paper A", owner_group="Big Media")
    b = f.outlet("Paper B", owner_group="Big Media")
    claim = f.claim(first_source=f.source(outlet=a))
    f.evidence(claim, f.source(outlet=b), "supports")
    claim.refresh_from_db()
    assert claim.status == "unverified"
    assert claim.status_detail["supporting"][0]["origin"] == "Big Media"


def test_a_contradiction_from_the_claimants_own_root(world: dict[str, Any]) -> None:
    claim = f.claim(speaker=world["ryder"])
    f.evidence(claim, f.source(), "supports", world["nis"])
    f.evidence(claim, f.source(), "contradicts", world["miller"])
    claim.refresh_from_db()
    assert claim.status == "contested"
    assert claim.status_detail["contradicting"][0]["claimant"] is True


def test_a_reviewed_override_outranks_the_automatic_stance(
    world: dict[str, Any], fact_checker: User
) -> None:
    claim = f.claim(speaker=world["nis"])
    wrong = f.evidence(claim, f.source(), "contradicts", world["kp"])
    claim.refresh_from_db()
    assert claim.status == "contested"
    evidence_review(evidence=wrong, reviewer=fact_checker, stance="discusses")
    claim.refresh_from_db()
    wrong.refresh_from_db()
    assert claim.status == "unverified"
    assert wrong.review_state == ReviewState.OVERRIDDEN
    assert wrong.automatic_stance == "contradicts"


def test_manual_evidence_outranks_automatic_evidence_of_the_same_origin(
    world: dict[str, Any],
) -> None:
    claim = f.claim(speaker=world["nis"])
    f.evidence(claim, f.source(), "contradicts", world["kp"])
    f.evidence(claim, f.source(), "discusses", world["kp"], method=EvidenceMethod.MANUAL)
    claim.refresh_from_db()
    assert claim.status == "unverified"
    assert len(claim.status_detail["outranked_evidence"]) == 1


def test_a_change_is_recorded_only_when_the_status_changes(world: dict[str, Any]) -> None:
    claim = f.claim(speaker=world["ryder"])
    f.evidence(claim, f.source(), "supports", world["nis"])
    claim_recompute_status(claim_id=claim.pk, trigger="recheck")
    claim_recompute_status(claim_id=claim.pk, trigger="recheck")
    changes = list(
        ClaimStatusChange.objects.filter(claim=claim).values_list("from_status", "to_status")
    )
    assert changes == [("", "unverified"), ("unverified", "corroborated")]


def test_recomputing_twice_ends_in_the_same_state(world: dict[str, Any]) -> None:
    claim = f.claim(speaker=world["ryder"])
    f.evidence(claim, f.source(), "supports", world["nis"])
    first = claim_recompute_status(claim_id=claim.pk, trigger="recheck")
    second = claim_recompute_status(claim_id=claim.pk, trigger="recheck")
    assert (first.status, first.status_explanation, first.status_detail) == (
        second.status,
        second.status_explanation,
        second.status_detail,
    )
