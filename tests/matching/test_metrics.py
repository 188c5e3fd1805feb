from __future__ import annotations

import pytest

from factcheck.matching.metrics import score


def test_the_fnc_score_weighs_relatedness_and_stance() -> None:
    gold = ["agree", "disagree", "discuss", "unrelated"]
    # agree right (1.0), disagree as discuss (0.25), discuss as unrelated (0), unrelated right
    # (0.25): 1.5 of a possible 3.25.
    result = score(gold, ["agree", "discuss", "unrelated", "unrelated"])
    assert result.fnc_score == pytest.approx(1.5 / 3.25)
    assert result.confusion["disagree"]["discuss"] == 1


def test_macro_f1_averages_the_four_classes() -> None:
    gold = ["agree", "agree", "unrelated", "unrelated"]
    result = score(gold, ["agree", "unrelated", "unrelated", "unrelated"])
    assert result.f1["agree"] == pytest.approx(2 / 3)
    assert result.f1["unrelated"] == pytest.approx(0.8)
    assert result.macro_f1 == pytest.approx((2 / 3 + 0.8) / 4)


def test_always_discuss_on_related_pairs_games_the_fnc_score_but_not_macro_f1() -> None:
    gold = ["agree"] * 10 + ["disagree"] * 2 + ["discuss"] * 30 + ["unrelated"] * 60
    predicted = ["discuss"] * 42 + ["unrelated"] * 60
    result = score(gold, predicted)
    assert result.fnc_score > 0.75
    assert result.macro_f1 < 0.5
