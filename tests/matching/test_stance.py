"""Stance on fixed claim/passage pairs from the seed story; the shipped model and rules."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from factcheck.matching.cross import MODEL_PATH, CrossModel, token_vectors
from factcheck.matching.features import LABELS, SCALAR_FEATURES
from factcheck.matching.stance import (
    DOUBT_CONFIDENCE,
    ClaimSpec,
    _asks_if_false,
    _in_question,
    _says_false,
    assess,
    readings,
)

SEED = (Path(__file__).resolve().parents[2] / "seeds" / "000_40f7a8c0a409f1f5.txt").read_text()
SEED_DATE = date(2024, 10, 30)


def test_the_shipped_model_is_small_safe_and_matches_the_features() -> None:
    assert MODEL_PATH.stat().st_size < 2_000_000
    header_length = int.from_bytes(MODEL_PATH.read_bytes()[:8], "little")
    assert MODEL_PATH.read_bytes()[8:9] == b"{" and header_length > 0  # safetensors, no pickle
    model = CrossModel.load()
    assert model.weights["proj_w"].shape[0] == 384
    assert model.mean.shape == (len(SCALAR_FEATURES),)
    assert "emergent" in model.metadata["dev_scores"] and model.temperature > 0
    claim, passage = token_vectors(["Troops were sent.", "No troops were sent, it said."])
    probabilities = model.probabilities(claim, passage, np.zeros(len(SCALAR_FEATURES), "f4"))
    assert probabilities.shape == (len(LABELS),)
    assert np.isclose(probabilities.sum(), 1.0)


def test_a_headline_asking_whether_the_report_is_false_doubts_it_below_the_counting_floor() -> None:
    assert [
        _asks_if_false(text)
        for text in (
            "Was the leaked audio of the Berlin base meeting a hoax?",
            "Is the Lufthansa Berlin closure memo fake?",
            "Airline memo circulates. Is it a hoax?",
            "Berlin base memo: real or hoax?",
            "Is the hoax spreading to Munich?",
            "Is the closure memo not fake?",
            "Lufthansa closure memo is a hoax",
            "Who made the fake memo?",
        )
    ] == [True, True, True, False, False, False, False, False]
    claim = ClaimSpec(text="There is a leaked audio recording of the Lufthansa Berlin meeting.")
    result = assess(claim, "Was the leaked audio of the Lufthansa Berlin meeting a hoax?")
    assert result.stance == "contradicts", result.features
    assert result.features["rule"] == "asks whether the report is false"
    assert result.confidence <= DOUBT_CONFIDENCE
    # Asked about another story's audio, it doubts nothing this claim says.
    other = assess(claim, "Was the leaked audio of the Air France Paris meeting a hoax?")
    assert other.stance != "contradicts", other.features


@pytest.mark.parametrize(
    ("claim", "as_of", "text", "published", "expected", "rule"),
    [
        (
            "North Korea has deployed about 10,000 troops to Russia.",
            date(2024, 10, 28),
            SEED,
            SEED_DATE,
            "supports",
            "figure repeats the claim's",
        ),
        (
            "North Korea has about 12,000 troops in Russia.",
            date(2024, 10, 29),
            SEED,
            SEED_DATE,
            "contradicts",
            "figure differs at the same time",
        ),
        (
            "North Korea has about 12,000 troops in Russia.",
            date(2024, 12, 20),
            SEED,
            SEED_DATE,
            "discusses",
            "figure from another time",
        ),
        (
            "The central bank raised interest rates by half a point.",
            date(2024, 10, 29),
            SEED,
            SEED_DATE,
            "unrelated",
            "classifier",
        ),
        (
            "North Korea has sent troops to Russia.",
            None,
            "North Korea's foreign ministry denied sending troops to Russia, calling the reports "
            "groundless.",
            None,
            "contradicts",
            None,
        ),
    ],
)
def test_it_decides_stance_on_seed_story_pairs(
    claim: str,
    as_of: date | None,
    text: str,
    published: date | None,
    expected: str,
    rule: str | None,
) -> None:
    result = assess(ClaimSpec(text=claim, as_of=as_of), text, published=published)
    assert result.stance == expected, result.features
    if rule:
        assert result.features["rule"] == rule
    assert text[result.passage.start : result.passage.end] == result.passage.text
    assert 0.0 <= result.confidence <= 1.0


def test_the_result_explains_itself() -> None:
    result = assess(
        ClaimSpec(
            text="North Korea has deployed about 10,000 troops to Russia.", as_of=date(2024, 10, 28)
        ),
        SEED,
        published=SEED_DATE,
    )
    assert result.features["figures"]["comparison"] == "agree"
    assert result.features["similarity"] > 0.5
    assert set(result.features["classifier"]) == {
        "supports",
        "contradicts",
        "discusses",
        "unrelated",
    }
    assert result.figure is not None and result.figure.value == 10_000
    assert SEED[result.figure.start : result.figure.end] == result.figure.text


def test_a_hedge_turns_support_into_discussion() -> None:
    claim = ClaimSpec(text="North Korean troops are fighting inside Ukraine.")
    text = (
        "The Pentagon could not confirm reports that North Korean troops are fighting "
        "inside Ukraine, a spokesman said."
    )
    result = assess(claim, text)
    assert result.stance == "discusses", result.features
    assert "could not confirm" in result.features.get("hedges", [])


@pytest.mark.parametrize(
    ("claim", "text"),
    [
        (
            "North Korea has sent about 10,000 troops to Russia.",
            "Has North Korea sent 10,000 troops to Russia?",
        ),
        (
            "A Bank of England official said interest rates will rise by half a point.",
            "Will the Bank of England raise interest rates by half a point?",
        ),
        (
            "Apple added additional reinforcement to its iPhone 6 Plus to avoid bending.",
            "Has Apple quietly fixed its iPhone 6 Plus bending problem?",
        ),
    ],
)
def test_a_question_asks_and_does_not_say(claim: str, text: str) -> None:
    result = assess(ClaimSpec(text=claim), text)
    assert result.stance in ("discusses", "unrelated"), result.features
    assert result.stance == "unrelated" or "?" in result.features.get("hedges", []), result.features


def test_a_question_someone_is_reported_asking_covers_only_itself() -> None:
    text = "Patient wakes up during brain surgery and asks doctors how it is going?"
    assert not _in_question(text, text.index("wakes"))
    assert _in_question(text, text.index("going"))
    for question in ("Troops in Kursk?", "Was the audio a hoax?", "Has Apple fixed it?"):
        assert _in_question(question, 0), question
    assert not _in_question("Troops are in Kursk. Who sent them?", 0)


def test_a_text_ending_by_calling_the_report_false_says_it_is_false() -> None:
    for text in (
        "Airline reportedly closing its Berlin base. Update: Not True",
        "Officials: report that the airline closes its Berlin base is false",
        "Berlin base closure story was a hoax",
    ):
        assert _says_false(text), text
    for text in (
        "Pilot vows footage will prove the closure is no hoax",
        "The closure is not fake, the airline says.",
        "Is the Berlin base closure a hoax?",
        "False alarms at the Berlin base worry pilots",
        "Airline denies the report and calls it false, then says it will decide in May",
    ):
        assert not _says_false(text), text
    claim = ClaimSpec(text="The airline will close its Berlin base.")
    result = assess(claim, "Airline reportedly plans to close its Berlin base. Update: Not True")
    assert result.stance == "contradicts", result.features
    assert result.features["rule"] == "says the report is false"
    # One of a text's names is not enough to refute a claim with more: another city's base.
    other = assess(
        ClaimSpec(text="The airline Lufthansa will close its Berlin base."),
        "Report that the airline will close its Munich base: not true",
    )
    assert other.stance != "contradicts", other.features


@pytest.mark.parametrize(
    ("claim", "text"),
    [
        (
            "The gold Apple Watch Edition will cost 4,999 dollars.",
            "The gold Apple Watch Edition could set you back a whopping 4,999 dollars",
        ),
        (
            "North Korea has sent about 10,000 troops to Russia.",
            "North Korea may have sent 10,000 troops to Russia, officials fear.",
        ),
    ],
)
def test_a_figure_in_a_hedged_clause_neither_supports_nor_contradicts(
    claim: str, text: str
) -> None:
    result = assess(ClaimSpec(text=claim), text)
    assert result.stance == "discusses", result.features
    assert result.features["rule"] == "figure in a hedged clause"


def test_being_there_is_not_having_fought_there() -> None:
    claim = ClaimSpec(
        text="North Korean troops have fought against Ukrainian forces in Russia's Kursk region."
    )
    text = (
        "At least 10,000 North Korean troops are now in Russia's Kursk region, a Pentagon "
        "spokesman said on Monday, adding that the total could be higher. He could not "
        "confirm reports that North Korean soldiers had gone into combat against Ukrainian "
        "forces."
    )
    assert all(r.stance != "supports" for r in readings(claim, text)), [
        r.features for r in readings(claim, text)
    ]


def test_a_number_in_a_product_name_is_no_figure_to_agree_with() -> None:
    claim = ClaimSpec(text="Apple added additional reinforcement to its iPhone 6 Plus.")
    result = assess(claim, "Debunk: No, Apple didn't change up iPhone 6 Plus internals")
    assert result.stance != "supports", result.features
    assert "figures" not in result.features


def test_among_claims_on_one_story_a_passage_without_the_claims_substance_is_unrelated() -> None:
    from factcheck.matching.lexical import distinctive_terms

    claims = [
        "About 8,000 North Korean troops were in Russia's Kursk region as of 31 October 2024.",
        "Russia has given the North Korean troops training in artillery and drone operations.",
        "North Korean troops have fought against Ukrainian forces in Russia's Kursk region.",
    ]
    terms = distinctive_terms(claims)
    text = "Russian instructors trained the North Korean soldiers in artillery and drone use."
    results = [
        assess(ClaimSpec(text=c, terms=tuple(sorted(t.items()))), text)
        for c, t in zip(claims, terms, strict=True)
    ]
    assert results[0].stance == "unrelated"
    assert results[0].features["rule"] == "lacks what sets the claim apart"
    # The training claim's substance is there: it is read (the readers put support and
    # discussion within a few points of each other here), not dismissed as unrelated.
    assert results[1].stance in ("supports", "discusses"), results[1].features
    assert results[1].features["distinctive_coverage"] >= 0.5


def test_every_passage_gets_its_own_reading() -> None:
    from factcheck.matching.stance import readings

    text = (
        "A North Korean delegate dismissed reports that Pyongyang sent troops to Russia, "
        "calling them groundless.\n\n"
        "South Korea's intelligence service said that Russian navy ships had carried about "
        "1,500 North Korean special forces to Vladivostok."
    )
    claim = ClaimSpec(
        text="Russian navy ships carried about 1,500 North Korean special forces troops to "
        "Vladivostok.",
        as_of=date(2024, 10, 18),
    )
    found = readings(claim, text, published=date(2024, 10, 22))
    by_rule = {r.features["rule"]: r.stance for r in found}
    assert by_rule == {
        "denial of the claim's proposition": "contradicts",
        "figure repeats the claim's": "supports",
    }
    for r in found:
        assert text[r.passage.start : r.passage.end] == r.passage.text


def test_a_denial_does_not_contradict_what_a_claim_says_of_a_later_day() -> None:
    text = "North Korea's foreign ministry denied sending troops to Russia."
    earlier = ClaimSpec(text="North Korea has sent troops to Russia.", as_of=date(2024, 10, 20))
    later = ClaimSpec(text="North Korea has sent troops to Russia.", as_of=date(2024, 11, 20))
    assert assess(earlier, text, published=date(2024, 10, 22)).stance == "contradicts"
    result = assess(later, text, published=date(2024, 10, 22))
    assert (result.stance, result.features["rule"]) == (
        "discusses",
        "denial made before the claim's date",
    )
