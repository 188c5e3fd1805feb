"""Scores for stance predictions: the FNC-1 score, macro-F1, per-class F1, confusion."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

FNC_LABELS = ("agree", "disagree", "discuss", "unrelated")
RELATED = frozenset({"agree", "disagree", "discuss"})


@dataclass(frozen=True)
class Scores:
    fnc_score: float  # share of the best achievable FNC-1 score
    macro_f1: float
    f1: dict[str, float]
    confusion: dict[str, dict[str, int]]  # gold -> predicted -> count
    accuracy: float
    count: int

    def report(self) -> str:
        lines = [
            f"pairs: {self.count}",
            f"FNC score: {100 * self.fnc_score:.1f}%",
            f"macro-F1: {self.macro_f1:.3f}",
            "per-class F1: " + ", ".join(f"{k} {v:.3f}" for k, v in self.f1.items()),
            f"accuracy: {self.accuracy:.3f}",
            "confusion (rows gold, columns predicted):",
            "            " + "".join(f"{p:>11}" for p in FNC_LABELS),
        ]
        for gold in FNC_LABELS:
            lines.append(
                f"{gold:>11} " + "".join(f"{self.confusion[gold][p]:>11}" for p in FNC_LABELS)
            )
        return "\n".join(lines)


def score(gold: Sequence[str], predicted: Sequence[str]) -> Scores:
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    confusion = {g: {p: 0 for p in FNC_LABELS} for g in FNC_LABELS}
    achieved = best = 0.0
    for g, p in zip(gold, predicted, strict=True):
        confusion[g][p] += 1
        best += 1.0 if g in RELATED else 0.25
        if g == p:
            achieved += 0.25 + (0.75 if g in RELATED else 0.0)
        elif g in RELATED and p in RELATED:
            achieved += 0.25
    f1 = {}
    for label in FNC_LABELS:
        tp = confusion[label][label]
        fp = sum(confusion[g][label] for g in FNC_LABELS) - tp
        fn = sum(confusion[label].values()) - tp
        f1[label] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    correct = sum(confusion[label][label] for label in FNC_LABELS)
    return Scores(
        fnc_score=achieved / best if best else 0.0,
        macro_f1=sum(f1.values()) / len(f1),
        f1=f1,
        confusion=confusion,
        accuracy=correct / len(gold) if gold else 0.0,
        count=len(gold),
    )
