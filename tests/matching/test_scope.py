"""What a figure counts, and when a statement was made."""

from __future__ import annotations

from datetime import date

import pytest

from factcheck.matching.quantities import claim_quantity, extract_quantities
from factcheck.matching.scope import (
    claim_of_presence,
    claim_scope,
    same_quantity,
    says_present,
    scope_of,
    statement_date,
)

TOTAL = "North Korea has sent about 10,000 troops to Russia."
KURSK = "About 8,000 North Korean troops were in Russia's Kursk region as of 31 October 2024."
EAST = "At least 3,000 North Korean troops were in eastern Russia by 23 October 2024."
CASUALTIES = "More than 3,000 North Korean soldiers had been killed or wounded in the Kursk region."


def _compare(claim: str, sentence: str, figure: int = 0) -> tuple[bool, str]:
    claimed = claim_quantity(claim)
    assert claimed is not None
    reported = extract_quantities(sentence)[figure]
    return same_quantity(claim_scope(claim, claimed), scope_of(sentence, reported))


@pytest.mark.parametrize(
    ("claim", "sentence", "figure", "same"),
    [
        (
            TOTAL,
            "Washington estimates that North Korea has sent around 10,000 troops to Russia.",
            0,
            True,
        ),
        (TOTAL, "North Korea has sent about 10,000 soldiers to train in eastern Russia.", 0, True),
        (TOTAL, "At least 10,000 North Korean troops are now in Russia's Kursk region.", 0, False),
        (
            KURSK,
            "The US said North Korea had sent about 10,000 soldiers to Russia in total.",
            0,
            False,
        ),
        (
            KURSK,
            "Zelensky said that 11,000 North Korean soldiers were in the Kursk region.",
            0,
            True,
        ),
        (
            TOTAL,
            "At least 10,000 North Korean troops are now in Russia's Kursk region, Ryder said, "
            "adding that the total number in Russia could be around 11,000-12,000.",
            1,
            True,
        ),
        (EAST, "Pyongyang had decided to send around 12,000 troops in total.", 0, False),
        (EAST, "Ships carried about 1,500 North Korean special forces to Vladivostok.", 0, False),
        (CASUALTIES, "More than 600,000 Russian soldiers had been killed or wounded.", 0, False),
        (CASUALTIES, "About 30 North Korean soldiers had been killed or wounded.", 0, True),
        (CASUALTIES, "Kyiv put North Korean casualties at 3,800.", 0, True),
        (CASUALTIES, "About 300 North Korean soldiers had been killed.", 0, False),
        (CASUALTIES, "About 2,700 North Korean soldiers had been wounded.", 0, False),
        (TOTAL, "About 3,000 North Korean soldiers had been killed or wounded.", 0, False),
        (TOTAL, "Some 1,000 troops a week are crossing into Russia.", 0, False),
        (CASUALTIES, "About 1,000 had been killed or wounded over the past week.", 0, False),
        (CASUALTIES, "About 1,000 had been killed or wounded in the past three days.", 0, False),
    ],
)
def test_figures_are_compared_only_when_they_count_the_same_thing(
    claim: str, sentence: str, figure: int, same: bool
) -> None:
    result, why = _compare(claim, sentence, figure)
    assert result is same, why
    assert bool(why) is not same


@pytest.mark.parametrize(
    ("sentence", "said_on", "words"),
    [
        ("Rutte said on Monday he can confirm it.", date(2024, 10, 28), "on Monday"),
        ("The Pentagon said on Tuesday that a few were there.", date(2024, 10, 29), "on Tuesday"),
        ("The spy agency said last week that 1,500 were moved.", date(2024, 10, 23), "last week"),
        (
            "Eleven days earlier, he had said there was no evidence.",
            date(2024, 10, 19),
            "Eleven days earlier",
        ),
        ("Officials said it yesterday.", date(2024, 10, 29), "yesterday"),
        ("The ministry confirmed the figure.", date(2024, 10, 30), ""),
    ],
)
def test_a_statement_is_dated_by_its_own_time_words(
    sentence: str, said_on: date, words: str
) -> None:
    # Published on Wednesday 30 October 2024.
    assert statement_date(sentence, date(2024, 10, 30)) == (said_on, words)
    assert statement_date(sentence, None) == (None, "")


def test_a_claim_of_presence_is_supported_by_a_clause_saying_they_are_there() -> None:
    claim = (
        "As of 29 October 2024, a small number of North Korean troops were already in Russia's "
        "Kursk region, with thousands more moving toward it."
    )
    places = claim_of_presence(claim)
    assert places == {"kursk"}
    assert says_present(
        'Rutte said he "can confirm" that North Korean troops have been sent to Russia and that '
        "North Korean military units have been deployed to the Kursk region.",
        places,
    )
    assert not says_present("Washington's concern is focused on the Kursk region.", places)
    assert not says_present("North Korean troops have been deployed to Russia.", places)
    assert claim_of_presence("North Korean troops have fought in Russia's Kursk region.") == set()
