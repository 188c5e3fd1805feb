"""The status rules as a pure function: no database."""

from __future__ import annotations

import pytest

from factcheck.facts.corroboration import (
    CONTESTED,
    CONTRADICTED,
    CORROBORATED,
    UNVERIFIED,
    Consequence,
    EvidenceFact,
    Floors,
    Origin,
    SourceRef,
    decide_status,
    review_consequences,
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
    confidence: float = 1.0,
) -> EvidenceFact:
    return EvidenceFact(
        next(_ids), origin, stance, human, SourceRef(source_id, "t", outlet, via), confidence
    )


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
        "Contested, provisional (unreviewed automatic evidence behind 1 of 1 contradicting "
        "origins): 1 independent origin contradicts it and 1 supports it. "
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


FLOORS = Floors(supports=0.6, contradicts=0.85)


def test_a_contradiction_below_its_floor_is_suggested_and_moves_nothing() -> None:
    weak = fact(KP, "contradicts", confidence=0.8)
    result = decide_status(claimant=US, evidence=[fact(KR, "supports"), weak], floors=FLOORS)
    assert result.status == CORROBORATED
    assert result.suggested_evidence == (weak.evidence_id,)
    assert result.as_dict()["suggested_evidence"] == [weak.evidence_id]
    assert f"suggested for review (evidence {weak.evidence_id})" in result.sentence
    # The same reading at the floor counts.
    sure = fact(KP, "contradicts", confidence=0.85)
    assert decide_status(claimant=US, evidence=[sure], floors=FLOORS).status == CONTESTED


def test_each_stance_has_its_own_floor() -> None:
    support = fact(KR, "supports", confidence=0.7)
    contradiction = fact(KP, "contradicts", confidence=0.7)
    result = decide_status(claimant=US, evidence=[support, contradiction], floors=FLOORS)
    assert result.status == CORROBORATED  # 0.7 clears supports' floor, not contradicts'
    assert result.suggested_evidence == (contradiction.evidence_id,)
    low = fact(KR, "supports", confidence=0.59)
    assert decide_status(claimant=US, evidence=[low], floors=FLOORS).status == UNVERIFIED


def test_floors_never_hold_back_what_a_person_entered_or_confirmed() -> None:
    confirmed = fact(KP, "contradicts", human=True, confidence=0.3)
    discusses = fact(RU, "discusses", confidence=0.1)
    result = decide_status(claimant=US, evidence=[confirmed, discusses], floors=FLOORS)
    assert result.status == CONTESTED
    assert result.suggested_evidence == ()


def test_a_suggested_reading_does_not_outrank_nor_get_outranked() -> None:
    """Below the floor a reading is out of the count entirely; the origin's other automatic
    evidence above the floor still speaks for it."""
    weak = fact(KP, "contradicts", confidence=0.5, source_id=1)
    strong = fact(KP, "supports", confidence=0.9, source_id=2)
    result = decide_status(claimant=US, evidence=[weak, strong], floors=FLOORS)
    assert result.status == CORROBORATED
    assert result.outranked_evidence == ()


def test_the_basis_says_whether_a_person_stands_behind_every_origin_counted() -> None:
    auto = fact(KR, "supports")
    result = decide_status(claimant=US, evidence=[auto, fact(RU, "supports", human=True)])
    assert (result.status, result.basis) == (CORROBORATED, "provisional")
    assert result.provisional_supporting == 1
    assert result.sentence.startswith(
        "Corroborated, provisional (unreviewed automatic evidence behind 1 of 3 supporting "
        "origins): 3 independent origins support it"
    )
    assert result.as_dict()["provisional"] == {"supporting": 1, "contradicting": 0}
    assert [s["reviewed"] for s in result.as_dict()["supporting"]] == [True, True, False]

    reviewed = decide_status(claimant=US, evidence=[fact(KR, "supports", human=True)])
    assert (reviewed.status, reviewed.basis) == (CORROBORATED, "reviewed")
    assert "Corroborated, reviewed (every origin counted rests on evidence a person" in (
        reviewed.sentence
    )


def test_the_claimants_own_automatic_evidence_does_not_make_a_status_provisional() -> None:
    """The claimant supports its claim by definition; only other origins need a person."""
    alone = decide_status(claimant=US, evidence=[fact(US, "supports")])
    assert (alone.status, alone.basis) == (UNVERIFIED, "none")
    assert alone.sentence.startswith("Unverified: ")
    nothing = decide_status(claimant=None, evidence=[fact(KR, "discusses")])
    assert nothing.basis == "none"


def test_a_contradiction_by_the_claimants_own_origin_is_provisional_until_reviewed() -> None:
    result = decide_status(claimant=US, evidence=[fact(US, "contradicts")])
    assert (result.status, result.basis) == (CONTESTED, "provisional")
    assert result.provisional_contradicting == 1


def test_review_consequences_say_what_confirming_or_rejecting_would_change() -> None:
    support = fact(KR, "supports", confidence=0.9)
    unsure = fact(KP, "contradicts", confidence=0.7)  # below the floor: suggested
    talk = fact(RU, "discusses", confidence=0.9)
    reviewed = fact(RU, "supports", human=True, source_id=3)
    facts = [support, unsure, talk, reviewed]
    assert decide_status(claimant=US, evidence=facts, floors=FLOORS).status == CORROBORATED
    found = review_consequences(claimant=US, evidence=facts, floors=FLOORS)
    assert set(found) == {support.evidence_id, unsure.evidence_id, talk.evidence_id}
    # Rejecting one of two outside supports leaves one: still corroborated with RU's.
    assert found[support.evidence_id] == Consequence(CORROBORATED, CORROBORATED)
    # Confirming the unsure contradiction counts it: contested.
    assert found[unsure.evidence_id] == Consequence(CONTESTED, CORROBORATED)
    assert found[talk.evidence_id] == Consequence(CORROBORATED, CORROBORATED)
    alone = review_consequences(claimant=US, evidence=[support], floors=FLOORS)
    assert alone[support.evidence_id] == Consequence(CORROBORATED, UNVERIFIED)


def test_review_consequences_agree_with_the_rules_run_again() -> None:
    """The per-origin shortcut gives what decide_status gives on the changed evidence, on
    random claims: several origins, people's and the engine's readings, some below floors."""
    import random
    from dataclasses import replace

    rng = random.Random(7)
    origins = [US, KR, KP, RU, Origin("speaker:5", "NATO")]
    for _ in range(300):
        facts = [
            fact(
                rng.choice(origins),
                rng.choice(["supports", "contradicts", "discusses"]),
                human=rng.random() < 0.25,
                confidence=rng.choice([0.5, 0.65, 0.8, 0.95]),
            )
            for _ in range(rng.randint(1, 9))
        ]
        claimant = rng.choice([US, KR, None])
        found = review_consequences(claimant=claimant, evidence=facts, floors=FLOORS)
        for f in facts:
            if f.human:
                assert f.evidence_id not in found
                continue
            others = [g for g in facts if g.evidence_id != f.evidence_id]
            confirmed = decide_status(
                claimant=claimant, evidence=[*others, replace(f, human=True)], floors=FLOORS
            ).status
            rejected = decide_status(claimant=claimant, evidence=others, floors=FLOORS).status
            assert found[f.evidence_id] == Consequence(confirmed, rejected), (facts, f)
