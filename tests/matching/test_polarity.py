"""Alignment before polarity: non-answers, denials of other propositions, negation scope,
hedge scope. Cases written for the classes of error seen on held-out data, on stories of
their own."""

from __future__ import annotations

from datetime import date

import pytest

from factcheck.matching import lexical, polarity
from factcheck.matching.stance import ClaimSpec, readings


def _stances(claim: str, text: str, **kw: object) -> list[str]:
    return [r.stance for r in readings(ClaimSpec(text=claim, **kw), text)]  # type: ignore[arg-type]


def _hedges(claim: str, text: str) -> list[str]:
    span = polarity.aligned_clause(claim, text, {})
    hits = lexical.find_cues(text, lexical.CUES["hedge"])
    return [h.cue for h in polarity.hedges_in(claim, text, hits, span)]


def test_lemmas_join_inflections() -> None:
    assert {"send", "fight", "troop", "deploy"} <= polarity.lemmas(
        "They sent troops who fought; others were deployed"
    )


@pytest.mark.parametrize(
    ("claim", "verbs"),
    [
        ("North Korea has sent about 10,000 troops to Russia.", {"send"}),
        ("The striker was sold to Madrid for 80 million euros.", {"sell"}),
        ("Apple will sell 19 million watches in 2015.", {"sell"}),
        ("Troops were in the Kursk region by November.", set()),
    ],
)
def test_a_claims_predicate_is_its_content_verbs(claim: str, verbs: set[str]) -> None:
    assert polarity.predicate(claim) == verbs


@pytest.mark.parametrize(
    "text",
    [
        "The ministry neither confirmed nor denied that the minister had resigned.",
        "A spokesman declined to confirm or deny that the minister had resigned.",
        "The ministry did not deny that the minister had resigned.",
        "Asked about the resignation, the ministry would not deny it.",
    ],
)
def test_a_non_answer_is_no_denial(text: str) -> None:
    stances = _stances("The health minister has resigned.", text)
    assert "contradicts" not in stances
    assert (
        not polarity.real_denials(text, lexical.find_cues(text, lexical.CUES["denial"]))
        or "neither" not in text
    )


@pytest.mark.parametrize(
    ("claim", "text"),
    [
        (
            "Foreign troops have fought government forces in the border region.",
            "The defence ministry denied sending any troops to the border region.",
        ),
        (
            "Shares of the carmaker fell 11% on Monday.",
            "The carmaker strongly rejected any allegation that it had been negligent.",
        ),
        (
            "The mayor was arrested on corruption charges.",
            "The mayor's office dismissed claims that he had taken bribes as baseless.",
        ),
    ],
)
def test_a_denial_of_another_proposition_does_not_contradict(claim: str, text: str) -> None:
    assert "contradicts" not in _stances(claim, text)


@pytest.mark.parametrize(
    ("claim", "text"),
    [
        (
            "The army has sent troops to the border.",
            "The government denied sending any troops to the border.",
        ),
        (
            "The singer has died.",
            "The report that the singer has died is a hoax, her agent said.",
        ),
        (
            "The fire at the warehouse was caused by arson.",
            "Investigators said the fire at the warehouse was not caused by arson.",
        ),
        ("The actor is dead.", "The actor is not dead, his family said on Sunday."),
    ],
)
def test_a_denial_or_negation_of_the_claims_own_proposition_contradicts(
    claim: str, text: str
) -> None:
    assert readings(ClaimSpec(text=claim), text)[0].stance == "contradicts"


@pytest.mark.parametrize(
    "text",
    [
        "Police have not said what caused the fire at the warehouse.",
        "Investigators have not commented on whether arson caused the fire.",
        "Fire officials did not immediately confirm the cause of the warehouse fire.",
    ],
)
def test_a_negated_non_answer_is_not_a_contradiction(text: str) -> None:
    assert "contradicts" not in _stances("The fire at the warehouse was caused by arson.", text)


def test_a_denial_older_than_the_claim_only_discusses() -> None:
    claim = ClaimSpec(text="The army has sent troops to the border.", as_of=date(2024, 5, 20))
    text = "On 2 May the government denied sending any troops to the border."
    stances = [r.stance for r in readings(claim, text, published=date(2024, 5, 3))]
    assert "contradicts" not in stances


def test_a_hedge_in_another_clause_does_not_hedge_the_claim() -> None:
    claim = "The first ships have arrived at the port."
    assert _hedges(claim, "The first ships have arrived at the port, and more may come.") == []
    assert _hedges(claim, "The first ships may have arrived at the port.") == ["may"]


def test_a_conditional_opening_hedges_the_sentence() -> None:
    claim = "The transfer marks the arrival of ground forces."
    assert "if" in _hedges(
        claim, "If confirmed, the transfer would mark the arrival of ground forces."
    )


def test_a_modal_the_claim_itself_uses_is_not_a_hedge() -> None:
    claim = "Apple will sell 19 million watches in 2015."
    assert (
        _hedges(claim, "Apple will sell about 19 million watches in 2015, one analyst said.") == []
    )
    assert _hedges("Apple sold 19 million watches in 2015.", "Apple will sell 19 million watches.")


def test_a_claim_about_the_future_is_stated_by_a_plan() -> None:
    claim = "The airline will close its Berlin base."
    assert _hedges(claim, "The airline plans to close its Berlin base.") == []
    assert _hedges(claim, "The airline is expected to close its Berlin base.") == []
    # A claim about the past is not stated by a plan, and a forecast hedges either.
    assert _hedges("The airline closed its Berlin base.", "The airline plans to close its base.")
    assert _hedges(claim, "Analysts predicted the airline would close its Berlin base.")


def test_a_share_of_something_else_is_not_compared() -> None:
    claim = ClaimSpec(
        text="Shares of the carmaker fell about 11% on Monday.", as_of=date(2024, 3, 4)
    )
    text = (
        "The recall covers 40,000 cars, less than one percent of the cars the company has sold, "
        "the regulator said on Monday."
    )
    stances = [r.stance for r in readings(claim, text, published=date(2024, 3, 4))]
    assert "contradicts" not in stances


def test_a_headline_without_the_claims_figure_or_specifics_does_not_support_it() -> None:
    claims = [
        "Between 8 and 13 October 2024, Russian navy ships carried about 1,500 North Korean "
        "special forces troops to Vladivostok.",
        "A small number of North Korean troops are already in Russia's Kursk region.",
    ]
    terms = lexical.distinctive_terms(claims)
    text = (
        "NATO's chief said on Monday that North Korean troops have been sent to Russia and "
        "that North Korean military units have been deployed to the Kursk region."
    )
    transfer = ClaimSpec(
        text=claims[0], as_of=date(2024, 10, 18), terms=tuple(sorted(terms[0].items()))
    )
    assert "supports" not in [r.stance for r in readings(transfer, text)]


def test_coverage_counts_other_forms_and_words_of_a_class() -> None:
    weights = {"fought": 1.0, "kursk": 1.0}
    assert polarity.coverage(weights, "Soldiers clashed near Kursk") == 1.0
    assert polarity.coverage({"fight": 1.0}, "they fought on") == 1.0
    assert polarity.coverage(weights, "Soldiers rested near Kursk") == 0.5


def test_a_claims_list_of_detail_and_its_light_verb_weigh_little() -> None:
    claim = (
        "The army has given the recruits combat training, including in gunnery, radio "
        "procedure and field medicine."
    )
    other = "The army has moved the recruits to the coast."
    weights = lexical.distinctive_terms([claim, other])[0]
    assert weights["train"] > 3 * weights["gunnery"]
    assert weights["train"] > 3 * weights["given"]
    assert weights["combat"] == weights["train"]
    # Training without the list speaks to the claim; the list without training does not.
    assert polarity.coverage(weights, "Recruits began combat training at a base.") > 0.3
    assert polarity.coverage(weights, "Gunnery and radio procedure were taught.") < 0.3


def test_a_modal_inside_what_is_denied_is_no_hedge() -> None:
    text = "The carrier denies it will cut off customers who use the app"
    assert _hedges("The carrier is cutting off customers who use the app", text) == []
    assert _hedges("The carrier is cutting off customers", "It may cut off customers") == ["may"]


def test_an_article_negating_the_claims_event_in_one_passage_contradicts_it() -> None:
    article = (
        "The old rail bridge over the river collapsed on Monday, killing two people. "
        "Some residents speculated on social media that a bomb had brought the bridge down. "
        "Engineers were at the site by the afternoon and trains were diverted. "
        '"The collapse was not caused by a bomb," the chief engineer said on Monday. '
        "Repairs could take months, the rail operator said."
    )
    found = _stances("The bridge collapse was caused by a bomb.", article)
    assert found[0] == "contradicts"
