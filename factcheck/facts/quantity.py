"""A claim's figure as a person gives it, one value type for the API, the seeds, the
services and the engine: stored as six `quantity_*` columns on the claim (the database's
constraints stay the backstop), read and written as `{"value", "low", "high", "unit",
"approximate", "about"}`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

COLUMNS = (
    "quantity_value",
    "quantity_low",
    "quantity_high",
    "quantity_unit",
    "quantity_approximate",
    "quantity_about",
)


@dataclass(frozen=True)
class ClaimQuantity:
    value: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str = ""
    approximate: bool = False
    about: str = ""

    @property
    def has_figure(self) -> bool:
        return any(v is not None for v in (self.value, self.low, self.high))

    def problems(self) -> dict[str, str]:
        """What is wrong with the figure, by field ("low", "value"); empty when nothing."""
        value, low, high = self.value, self.low, self.high
        found = {}
        if low is not None and high is not None and low > high:
            found["low"] = "The low bound is above the high bound."
        if value is not None and low is not None and value < low:
            found["value"] = "The value is below the low bound."
        if value is not None and high is not None and value > high:
            found["value"] = "The value is above the high bound."
        return found

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def columns(self) -> dict[str, Any]:
        """The claim's `quantity_*` column values."""
        return {f"quantity_{name}": value for name, value in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> ClaimQuantity:
        """From the API's or the seeds' `quantity` object (missing keys: their defaults)."""
        data = data or {}
        return cls(
            value=data.get("value"),
            low=data.get("low"),
            high=data.get("high"),
            unit=data.get("unit") or "",
            approximate=bool(data.get("approximate", False)),
            about=data.get("about") or "",
        )

    @classmethod
    def of(cls, claim: Any) -> ClaimQuantity | None:
        """A claim's figure (a Claim, or a row of its `quantity_*` columns); None if it
        has none."""
        if isinstance(claim, Mapping):
            quantity = cls(**{c.removeprefix("quantity_"): claim[c] for c in COLUMNS})
        else:
            quantity = cls(**{c.removeprefix("quantity_"): getattr(claim, c) for c in COLUMNS})
        return quantity if quantity.has_figure else None
