"""The status rules as a pure function: no database."""

from __future__ import annotations

import pytest

from factcheck.facts.corroboration import (
    CONTESTED,
    CONTRADICTED,
    CORROBORATED,
    UNVERIFIED,
    EvidenceFact,
    Origin,
    SourceRef,
    decide_status,
)

US = Origin("speaker:1", "US government")
KR = Origin("speaker:2", "South Korea government")
KP = Origin("speaker:3", "North Korea government")
RU = Origin("speaker:4", "Russia government")
_ids = iter(range(1, 10_000))


def fact(
    origin: Origin,
    stance: str,
    human: bool = False,
    source_id: int = 1,
    outlet: str = "Wire",
    via: str = "",
) -> EvidenceFact:
    return EvidenceFact(next(_ids), origin, stance, human, SourceRef(source_id, "t", outlet, via))


def test_it_leaves_a_claim_with_only_its_claimant_unverified() -> None:
    result = decide_status(claimant=US, evidence=[fact(US, "supports")])
    assert result.status == UNVERIFIED
    assert [s.origin for s in result.supporting] == [US]
    assert result.supporting[0].claimant


def test_it_counts_the_claimant_even_without_evidence() -> None:
    result = decide_status(claimant=US, evidence=[fact(KR, "supports")])
    assert result.status == CORROBORATED
    assert {s.origin.label for s in result.supporting} == {
        "US government",
        "South Korea government",
    }


def test_it_corroborates_with_two_independent_origins_without_a_claimant() -> None:
    result = decide_status(claimant=None, evidence=[fact(US, "supports"), fact(KR, "supports")])
    assert result.status == CORROBORATED


def test_it_counts_one_origin_once_however_many_sources_repeat_it() -> None:
    repeats = [fact(US, "supports", source_id=i) for i in range(10)]
    result = decide_status(claimant=None, evidence=repeats)
    assert result.status == UNVERIFIED
    assert len(result.supporting) == 1
    assert len(result.supporting[0].sources) == 10


def test_one_contradiction_makes_it_contested() -> None:
    result = decide_status(claimant=KR, evidence=[fact(US, "supports"), fact(KP, "contradicts")])
    assert result.status == CONTESTED
    assert [s.origin for s in result.contradicting] == [KP]


def test_two_contradictions_with_only_the_claimant_supporting_make_it_contradicted() -> None:
    result = decide_status(claimant=KR, evidence=[fact(KP, "contradicts"), fact(RU, "contradicts")])
    assert result.status == CONTRADICTED


def test_two_contradictions_against_independent_support_leave_it_contested() -> None:
    result = decide_status(
        claimant=KR,
        evidence=[fact(US, "supports"), fact(KP, "contradicts"), fact(RU, "contradicts")],
    )
    assert result.status == CONTESTED


def test_two_contradictions_with_nobody_supporting_make_it_contradicted() -> None:
    result = decide_status(
        claimant=None, evidence=[fact(KP, "contradicts"), fact(RU, "contradicts")]
    )
    assert result.status == CONTRADICTED


def test_a_contradiction_from_the_claimants_own_root_contests_it() -> None:
    result = decide_status(claimant=US, evidence=[fact(KR, "supports"), fact(US, "contradicts")])
    assert result.status == CONTESTED
    assert result.contradicting[0].claimant


def test_discussion_counts_for_nothing() -> None:
    result = decide_status(claimant=US, evidence=[fact(KR, "discusses"), fact(KP, "discusses")])
    assert result.status == UNVERIFIED
    assert result.contradicting == ()


def test_human_evidence_outranks_automatic_evidence_of_the_same_origin() -> None:
    automatic = fact(KP, "contradicts")
    human = fact(KP, "discusses", human=True)
    result = decide_status(claimant=US, evidence=[automatic, human, fact(KR, "supports")])
    assert result.status == CORROBORATED
    assert result.outranked_evidence == (automatic.evidence_id,)


def test_human_evidence_does_not_silence_other_origins() -> None:
    result = decide_status(
        claimant=US, evidence=[fact(KR, "supports", human=True), fact(KP, "contradicts")]
    )
    assert result.status == CONTESTED


@pytest.mark.parametrize(
    ("stances", "expected"),
    [
        ((), UNVERIFIED),
        (("supports",), CORROBORATED),
        (("contradicts",), CONTESTED),
        (("contradicts", "contradicts"), CONTRADICTED),
        (("supports", "contradicts", "contradicts"), CONTESTED),
    ],
)
def test_the_rules_apply_in_order(stances: tuple[str, ...], expected: str) -> None:
    others = [KR, KP, RU]
    facts = [fact(origin, stance) for origin, stance in zip(others, stances, strict=False)]
    assert decide_status(claimant=US, evidence=facts).status == expected


def test_the_explanation_names_origins_and_the_outlets_behind_them() -> None:
    result = decide_status(
        claimant=US,
        evidence=[
            fact(US, "supports", outlet="Bloomberg", via="The Straits Times"),
            fact(KP, "contradicts", outlet="KCNA"),
        ],
    )
    assert result.sentence == (
        "Contested: 1 independent origin contradicts it and 1 supports it. "
        "Supporting origins (1): US government (the claimant) via Bloomberg "
        "(republished by The Straits Times). "
        "Contradicting origins (1): North Korea government via KCNA."
    )
    data = result.as_dict()
    assert data["supporting"][0]["sources"][0]["via"] == "The Straits Times"
    assert data["contradicting"][0]["origin"] == "North Korea government"


def test_it_is_deterministic_whatever_the_evidence_order() -> None:
    facts = [fact(KR, "supports"), fact(US, "supports"), fact(KP, "contradicts")]
    assert decide_status(claimant=None, evidence=facts) == decide_status(
        claimant=None, evidence=list(reversed(facts))
    )
