"""Figures: every form the engine must read, the ones it must not, and comparisons."""

from __future__ import annotations

import pytest

from factcheck.matching.quantities import (
    Agreement,
    Bound,
    Quantity,
    claim_quantity,
    compare,
    extract_quantities,
    parse_number,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("10,000", 10_000),
        ("10 000", 10_000),
        ("10\u00a0000", 10_000),
        ("10k", 10_000),
        ("10K", 10_000),
        ("1.5 million", 1_500_000),
        ("2bn", 2_000_000_000),
        ("ten thousand", 10_000),
        ("two dozen", 24),
        ("a dozen", 12),
        ("twenty-five", 25),
        ("one hundred and fifty", 150),
        ("half a million", 500_000),
        ("eleven thousand", 11_000),
        ("$2 billion", 2_000_000_000),
        ("3.5", 3.5),
    ],
)
def test_it_parses_numbers_in_digits_and_words(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "troops", "1.2.3", "and"])
def test_it_refuses_what_is_not_a_number(text: str) -> None:
    assert parse_number(text) is None


def only(text: str) -> Quantity:
    figures = extract_quantities(text)
    assert len(figures) == 1, figures
    return figures[0]


@pytest.mark.parametrize(
    ("text", "value", "low", "high", "bound"),
    [
        ("North Korea has deployed 10,000 troops.", 10_000, 10_000, 10_000, Bound.EXACT),
        ("10k soldiers were sent", 10_000, 10_000, 10_000, Bound.EXACT),
        ("ten thousand personnel", 10_000, 10_000, 10_000, Bound.EXACT),
        ("about 10 000 servicemen", 10_000, None, None, Bound.APPROXIMATE),
        ("around 11,000 North Korean soldiers", 11_000, None, None, Bound.APPROXIMATE),
        ("some 12,000 troops", 12_000, None, None, Bound.APPROXIMATE),
        ("nearly 8,000 troops", 8_000, None, 8_000, Bound.APPROXIMATE),
        ("about 11,000-12,000 troops", None, 11_000, 12_000, Bound.RANGE),
        ("between 11,000 and 12,000 troops", None, 11_000, 12_000, Bound.RANGE),
        ("from 11,000 to 12,000 troops", None, 11_000, 12_000, Bound.RANGE),
        ("at least 3,000 North Korean troops", 3_000, 3_000, None, Bound.AT_LEAST),
        ("more than 3,000 soldiers", 3_000, 3_000, None, Bound.AT_LEAST),
        ("up to 1,500 special forces", 1_500, None, 1_500, Bound.AT_MOST),
        ("as many as 10,000 troops", 10_000, None, 10_000, Bound.AT_MOST),
        ("several thousand troops", None, 2_000, 9_999, Bound.VAGUE),
        ("hundreds of soldiers", None, 200, 999, Bound.VAGUE),
        ("dozens of soldiers", None, 24, 99, Bound.VAGUE),
        ("tens of thousands of troops", None, 20_000, 99_999, Bound.VAGUE),
        ("a small number of troops", None, 1, None, Bound.VAGUE),
        ("two dozen servicemen", 24, 24, 24, Bound.EXACT),
    ],
)
def test_it_reads_figures_with_their_bounds(
    text: str, value: float | None, low: float | None, high: float | None, bound: Bound
) -> None:
    q = only(text)
    assert (q.value, q.low, q.high, q.bound) == (value, low, high, bound)
    assert q.unit == "troops"
    assert text[q.start : q.end] == q.text


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("10,000 troops", "troops"),
        ("10,000 soldiers", "troops"),
        ("10,000 personnel", "troops"),
        ("10,000 forces", "troops"),
        ("10,000 servicemen", "troops"),
        ("3,000 killed or wounded", "casualties"),
        ("50 percent", "percent"),
        ("50%", "percent"),
        ("1.5 million shells", "shells"),
        ("$2 billion in aid", "usd"),
        ("three escort ships", "ships"),
    ],
)
def test_it_normalises_the_counted_noun(text: str, unit: str) -> None:
    assert only(text).unit == unit


@pytest.mark.parametrize(
    "text",
    [
        "On Oct 16, the NIS said",
        "released on Oct. 18",
        "16 October 2024",
        "in 2024",
        "Kim Jong Un's 2019 visit",
        "a 25-year-old soldier",
        "aged 30",
        "at 9:30 am",
        "F-16 jets",
        "Resolution 2231",
        "on 10/30",
        "the 16th of October",
        "Between 8 and 13 October 2024",
        "the second transfer",
        "Apple added reinforcement to its iPhone 6 Plus",
        "a software update for Windows 10 in July",
        "the crash of a Boeing 737 in March",
        "New iOS 8 bug can delete all of your documents",
        "The iPhone 6 bends in pockets",
    ],
)
def test_it_does_not_read_dates_years_ages_or_names(text: str) -> None:
    assert extract_quantities(text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Some 300 North Korean troops arrived", 300),
        ("Russia's 600 soldiers", 600),
        ("NATO said 500 troops were there", 500),
        ("In Kursk 200 soldiers were wounded", 200),
    ],
)
def test_a_count_after_a_name_is_still_a_figure(text: str, value: float) -> None:
    assert [q.value for q in extract_quantities(text)] == [value]


def test_two_figures_joined_by_and_are_two_figures() -> None:
    figures = extract_quantities("3,000 troops and 4,000 more")
    assert [q.value for q in figures] == [3_000, 4_000]


def test_a_four_digit_count_of_a_known_noun_is_not_a_year() -> None:
    assert only("2000 troops arrived").value == 2_000


def test_offsets_round_trip_through_the_original_text() -> None:
    text = "The US believes North Korea has deployed 10,000 troops, several thousand of whom"
    for q in extract_quantities(text):
        assert text[q.start : q.end] == q.text


def test_the_claims_figure_is_its_first_counted_one() -> None:
    q = claim_quantity("At least 3,000 North Korean troops were in eastern Russia by 23 October")
    assert q is not None and (q.low, q.bound) == (3_000, Bound.AT_LEAST)


def q(text: str) -> Quantity:
    return only(text)


@pytest.mark.parametrize(
    ("claimed", "reported", "expected"),
    [
        ("about 10,000 troops", "10,000 soldiers", Agreement.AGREE),
        ("about 10,000 troops", "10k soldiers", Agreement.AGREE),
        ("about 10,000 troops", "ten thousand personnel", Agreement.AGREE),
        ("about 10,000 troops", "10,900 troops", Agreement.AGREE),
        ("about 10,000 troops", "11,000 troops", Agreement.DIFFER),  # exactly 10% off
        ("about 10,000 troops", "12,000 troops", Agreement.DIFFER),
        ("about 10,000 troops", "several thousand troops", Agreement.OVERLAP),
        ("between 11,000 and 12,000 troops", "about 11,000 troops", Agreement.AGREE),
        ("between 11,000 and 12,000 troops", "10,000 troops", Agreement.DIFFER),
        ("at least 3,000 troops", "about 10,000 troops", Agreement.AGREE),
        ("at least 3,000 troops", "2,000 troops", Agreement.DIFFER),
        ("10,000 troops", "10,050 troops", Agreement.AGREE),
        ("10,000 troops", "10,500 troops", Agreement.DIFFER),
        ("about 1,500 troops", "1,500 ships", Agreement.INCOMPARABLE),
    ],
)
def test_it_compares_figures_with_tolerance(
    claimed: str, reported: str, expected: Agreement
) -> None:
    assert compare(q(claimed), q(reported)) == expected
