"""A status says how firm it is, and the engine's unsure readings wait for a person."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from pytest_django.fixtures import Settings

from factcheck.facts.models import Claim, ClaimStatusChange
from factcheck.facts.selectors import evidence_list
from factcheck.facts.services.claims import claim_recompute_status
from factcheck.facts.services.evidence import evidence_review
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def floors(settings: Settings) -> None:
    settings.FACTCHECK_AUTO_SUPPORT_FLOOR = 0.6
    settings.FACTCHECK_AUTO_CONTRADICT_FLOOR = 0.85


@pytest.fixture
def claim() -> Claim:
    return f.claim(speaker=f.org("US government"))


def history(claim: Claim) -> list[tuple[str, str, str, str]]:
    return list(
        ClaimStatusChange.objects.filter(claim=claim).values_list(
            "from_status", "from_basis", "to_status", "to_basis"
        )
    )


def test_an_unsure_contradiction_is_suggested_until_a_person_confirms_it(
    claim: Claim, fact_checker: User
) -> None:
    f.evidence(claim, f.source(), "supports", f.org("NATO"), confidence=0.9)
    unsure = f.evidence(
        claim, f.source(), "contradicts", f.org("North Korea government"), confidence=0.8
    )
    claim.refresh_from_db()
    assert (claim.status, claim.status_basis) == ("corroborated", "provisional")
    assert claim.status_detail["suggested_evidence"] == [unsure.pk]
    assert vars(evidence_list().get(pk=unsure.pk))["suggested"] is True

    evidence_review(evidence=unsure, reviewer=fact_checker)
    claim.refresh_from_db()
    assert (claim.status, claim.status_basis) == ("contested", "provisional")
    assert claim.status_detail["suggested_evidence"] == []
    assert vars(evidence_list().get(pk=unsure.pk))["suggested"] is False
    assert history(claim)[-1] == ("corroborated", "provisional", "contested", "provisional")


def test_confirming_the_last_automatic_origin_makes_the_status_reviewed(
    claim: Claim, fact_checker: User
) -> None:
    support = f.evidence(claim, f.source(), "supports", f.org("NATO"), confidence=0.9)
    claim.refresh_from_db()
    assert (claim.status, claim.status_basis) == ("corroborated", "provisional")
    assert claim.status_explanation.startswith(
        "Corroborated, provisional (unreviewed automatic evidence behind 1 of 2 supporting"
    )
    evidence_review(evidence=support, reviewer=fact_checker)
    claim.refresh_from_db()
    assert (claim.status, claim.status_basis) == ("corroborated", "reviewed")
    # The basis alone changed, and the history says so.
    assert history(claim) == [
        ("", "", "unverified", "none"),
        ("unverified", "none", "corroborated", "provisional"),
        ("corroborated", "provisional", "corroborated", "reviewed"),
    ]


def test_the_floors_are_read_at_each_recompute(claim: Claim, settings: Settings) -> None:
    f.evidence(claim, f.source(), "contradicts", f.org("North Korea government"), confidence=0.8)
    claim.refresh_from_db()
    assert claim.status == "unverified"
    settings.FACTCHECK_AUTO_CONTRADICT_FLOOR = 0.75
    claim_recompute_status(claim_id=claim.pk, trigger="recheck")
    claim.refresh_from_db()
    assert (claim.status, claim.status_basis) == ("contested", "provisional")


def test_a_suggested_support_does_not_corroborate(claim: Claim) -> None:
    f.evidence(claim, f.source(), "supports", f.org("NATO"), confidence=0.55)
    claim.refresh_from_db()
    assert (claim.status, claim.status_basis) == ("unverified", "none")
    assert "suggested for review" in claim.status_explanation
