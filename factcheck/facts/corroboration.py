"""The corroboration rules as a pure function: evidence grouped by independent origin -> status.

No database here: `services/claims.py` turns rows into `EvidenceFact`s and stores the result.
The rules, in plain words, are in docs/corroboration.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

SUPPORTS = "supports"
CONTRADICTS = "contradicts"
DISCUSSES = "discusses"

UNVERIFIED = "unverified"
CORROBORATED = "corroborated"
CONTESTED = "contested"
CONTRADICTED = "contradicted"


@dataclass(frozen=True)
class Origin:
    """A unit of independence: a speaker's root organisation, a wire, an outlet or owner group."""

    key: str
    label: str


@dataclass(frozen=True)
class SourceRef:
    id: int
    title: str
    outlet: str
    via: str = ""  # the outlet that republished it, when the origin is the wire it copies


@dataclass(frozen=True)
class EvidenceFact:
    evidence_id: int
    origin: Origin
    stance: str
    human: bool
    source: SourceRef


@dataclass(frozen=True)
class OriginSummary:
    origin: Origin
    claimant: bool
    sources: tuple[SourceRef, ...]
    evidence_ids: tuple[int, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "origin": self.origin.label,
            "key": self.origin.key,
            "claimant": self.claimant,
            "sources": [
                {"id": s.id, "title": s.title, "outlet": s.outlet, "via": s.via}
                for s in self.sources
            ],
            "evidence": list(self.evidence_ids),
        }


@dataclass(frozen=True)
class StatusResult:
    status: str
    rule: str
    supporting: tuple[OriginSummary, ...]
    contradicting: tuple[OriginSummary, ...]
    outranked_evidence: tuple[int, ...] = field(default=())

    @property
    def sentence(self) -> str:
        def names(group: tuple[OriginSummary, ...]) -> str:
            parts = []
            for summary in group:
                label = summary.origin.label + (" (the claimant)" if summary.claimant else "")
                outlets = sorted(
                    {
                        s.outlet + (f" (republished by {s.via})" if s.via else "")
                        for s in summary.sources
                        if s.outlet
                    }
                )
                if outlets:
                    label += " via " + ", ".join(outlets)
                parts.append(label)
            return "; ".join(parts) if parts else "none"

        return (
            f"{self.status.capitalize()}: {self.rule}. "
            f"Supporting origins ({len(self.supporting)}): {names(self.supporting)}. "
            f"Contradicting origins ({len(self.contradicting)}): {names(self.contradicting)}."
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "rule": self.rule,
            "supporting": [s.as_dict() for s in self.supporting],
            "contradicting": [s.as_dict() for s in self.contradicting],
            "outranked_evidence": list(self.outranked_evidence),
        }


def _counted(facts: Sequence[EvidenceFact]) -> tuple[list[EvidenceFact], list[int]]:
    """Per origin, evidence a person entered or reviewed outranks automatic evidence."""
    by_origin: dict[str, list[EvidenceFact]] = {}
    for fact in facts:
        by_origin.setdefault(fact.origin.key, []).append(fact)
    counted: list[EvidenceFact] = []
    outranked: list[int] = []
    for group in by_origin.values():
        if any(f.human for f in group):
            counted += [f for f in group if f.human]
            outranked += [f.evidence_id for f in group if not f.human]
        else:
            counted += group
    return counted, sorted(outranked)


def _summaries(
    facts: Iterable[EvidenceFact], claimant: Origin | None, *, include_claimant: bool
) -> tuple[OriginSummary, ...]:
    grouped: dict[str, list[EvidenceFact]] = {}
    labels: dict[str, Origin] = {}
    for fact in facts:
        grouped.setdefault(fact.origin.key, []).append(fact)
        labels[fact.origin.key] = fact.origin
    if include_claimant and claimant is not None and claimant.key not in grouped:
        grouped[claimant.key] = []
        labels[claimant.key] = claimant
    out = []
    for key, group in grouped.items():
        sources = {f.source.id: f.source for f in group}
        out.append(
            OriginSummary(
                origin=labels[key],
                claimant=claimant is not None and key == claimant.key,
                sources=tuple(sources[i] for i in sorted(sources)),
                evidence_ids=tuple(sorted(f.evidence_id for f in group)),
            )
        )
    # The claimant first, then by name: stable explanations compare equal across runs.
    return tuple(sorted(out, key=lambda s: (not s.claimant, s.origin.label.lower(), s.origin.key)))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def decide_status(*, claimant: Origin | None, evidence: Sequence[EvidenceFact]) -> StatusResult:
    """Apply the rules of PRODUCT.md, in order, to independent origins (never to URLs)."""
    counted, outranked = _counted(evidence)
    supporting = _summaries(
        (f for f in counted if f.stance == SUPPORTS), claimant, include_claimant=True
    )
    contradicting = _summaries(
        (f for f in counted if f.stance == CONTRADICTS), claimant, include_claimant=False
    )
    others_support = [s for s in supporting if not s.claimant]

    if len(contradicting) >= 2 and not others_support:
        status = CONTRADICTED
        rule = (
            f"{len(contradicting)} independent origins contradict it "
            "and nobody but the claimant supports it"
        )
    elif contradicting:
        status = CONTESTED
        rule = (
            f"{_count(len(contradicting), 'independent origin')} "
            f"{'contradicts' if len(contradicting) == 1 else 'contradict'} it and "
            f"{len(supporting)} {'supports' if len(supporting) == 1 else 'support'} it"
        )
    elif len(supporting) >= 2:
        status = CORROBORATED
        rule = f"{len(supporting)} independent origins support it and none contradicts it"
    else:
        status = UNVERIFIED
        rule = (
            "no independent origin beyond the claimant supports it yet"
            if supporting
            else "no origin supports or contradicts it yet"
        )
    return StatusResult(
        status=status,
        rule=rule,
        supporting=supporting,
        contradicting=contradicting,
        outranked_evidence=tuple(outranked),
    )
