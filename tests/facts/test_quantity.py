"""ClaimQuantity: one value type for a claim's figure, its checks and its two spellings."""

from __future__ import annotations

from types import SimpleNamespace

from factcheck.facts.quantity import COLUMNS, ClaimQuantity


def test_bounds_are_checked_by_field() -> None:
    assert ClaimQuantity(value=5, low=1, high=10).problems() == {}
    assert ClaimQuantity(low=10, high=1).problems() == {
        "low": "The low bound is above the high bound."
    }
    assert ClaimQuantity(value=0, low=1).problems() == {
        "value": "The value is below the low bound."
    }
    assert ClaimQuantity(value=11, high=10).problems() == {
        "value": "The value is above the high bound."
    }


def test_the_api_spelling_and_the_column_spelling_are_one_figure() -> None:
    given = {"value": 10_000, "unit": "troops", "approximate": True}
    quantity = ClaimQuantity.from_dict(given)
    assert quantity.as_dict() == {
        "value": 10_000,
        "low": None,
        "high": None,
        "unit": "troops",
        "approximate": True,
        "about": "",
    }
    columns = quantity.columns()
    assert tuple(columns) == COLUMNS
    assert ClaimQuantity.of(columns) == quantity
    assert ClaimQuantity.of(SimpleNamespace(**columns)) == quantity


def test_no_figure_is_none_and_clears_every_column() -> None:
    cleared = ClaimQuantity.from_dict(None).columns()
    assert cleared["quantity_value"] is None and cleared["quantity_unit"] == ""
    assert ClaimQuantity.of(cleared) is None
    assert not ClaimQuantity(unit="troops").has_figure
