"""The corroboration rules as a pure function: evidence grouped by independent origin -> status.

No database here: `services/claims.py` turns rows into `EvidenceFact`s and stores the result.
The rules, in plain words, are in docs/corroboration.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from factcheck.matching.labels import CONTRADICTS, SUPPORTS

UNVERIFIED = "unverified"
CORROBORATED = "corroborated"
CONTESTED = "contested"
CONTRADICTED = "contradicted"

REVIEWED = "reviewed"
PROVISIONAL = "provisional"
NO_BASIS = "none"


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
    confidence: float = 1.0


@dataclass(frozen=True)
class Floors:
    """The least confidence at which the engine's own `supports` / `contradicts` counts.
    Below it the reading is *suggested*: listed for review, never counted until a person
    confirms it. Evidence a person entered or reviewed always counts."""

    supports: float = 0.0
    contradicts: float = 0.0

    def below(self, stance: str, confidence: float) -> bool:
        """Whether an automatic reading of this stance and confidence is only suggested."""
        if stance == SUPPORTS:
            return confidence < self.supports
        if stance == CONTRADICTS:
            return confidence < self.contradicts
        return False

    def suggested(self, fact: EvidenceFact) -> bool:
        return not fact.human and self.below(fact.stance, fact.confidence)


@dataclass(frozen=True)
class OriginSummary:
    origin: Origin
    claimant: bool
    sources: tuple[SourceRef, ...]
    evidence_ids: tuple[int, ...]
    reviewed: bool = True  # False when the origin stands on unreviewed automatic evidence

    def as_dict(self) -> dict[str, Any]:
        return {
            "origin": self.origin.label,
            "key": self.origin.key,
            "claimant": self.claimant,
            "reviewed": self.reviewed,
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
    suggested_evidence: tuple[int, ...] = field(default=())

    @property
    def provisional_supporting(self) -> int:
        return sum(not s.reviewed for s in self.supporting)

    @property
    def provisional_contradicting(self) -> int:
        return sum(not s.reviewed for s in self.contradicting)

    @property
    def basis(self) -> str:
        """`provisional` when an origin the status counts stands on unreviewed automatic
        evidence, `reviewed` when every one stands on evidence a person entered or
        confirmed, `none` when nothing but the claimant's own support is counted."""
        if self.provisional_supporting or self.provisional_contradicting:
            return PROVISIONAL
        if self.contradicting or any(not s.claimant for s in self.supporting):
            return REVIEWED
        return NO_BASIS

    @property
    def basis_reason(self) -> str:
        if self.basis == NO_BASIS:
            return ""
        if self.basis == REVIEWED:
            return "every origin counted rests on evidence a person entered or confirmed"
        parts = [
            f"{n} of {len(group)} {side}"
            for n, group, side in (
                (self.provisional_supporting, self.supporting, "supporting"),
                (self.provisional_contradicting, self.contradicting, "contradicting"),
            )
            if n
        ]
        return "unreviewed automatic evidence behind " + " and ".join(parts) + " origins"

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

        head = self.status.capitalize()
        if self.basis != NO_BASIS:
            head += f", {self.basis} ({self.basis_reason})"
        text = (
            f"{head}: {self.rule}. "
            f"Supporting origins ({len(self.supporting)}): {names(self.supporting)}. "
            f"Contradicting origins ({len(self.contradicting)}): {names(self.contradicting)}."
        )
        if self.suggested_evidence:
            n = len(self.suggested_evidence)
            text += (
                f" Not counted: {_count(n, 'automatic reading')} below the engine's "
                f"confidence floor, suggested for review (evidence "
                f"{', '.join(str(i) for i in self.suggested_evidence)})."
            )
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "rule": self.rule,
            "supporting": [s.as_dict() for s in self.supporting],
            "contradicting": [s.as_dict() for s in self.contradicting],
            "basis": self.basis,
            "provisional": {
                "supporting": self.provisional_supporting,
                "contradicting": self.provisional_contradicting,
            },
            "outranked_evidence": list(self.outranked_evidence),
            "suggested_evidence": list(self.suggested_evidence),
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
        is_claimant = claimant is not None and key == claimant.key
        out.append(
            OriginSummary(
                origin=labels[key],
                claimant=is_claimant,
                sources=tuple(sources[i] for i in sorted(sources)),
                evidence_ids=tuple(sorted(f.evidence_id for f in group)),
                # The claimant supports its own claim whatever its evidence says.
                reviewed=(include_claimant and is_claimant) or all(f.human for f in group),
            )
        )
    # The claimant first, then by name: stable explanations compare equal across runs.
    return tuple(sorted(out, key=lambda s: (not s.claimant, s.origin.label.lower(), s.origin.key)))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _status(supporting: int, contradicting: int, others_support: bool) -> str:
    """The rules, in order, on origin counts (`supporting` includes the claimant)."""
    if contradicting >= 2 and not others_support:
        return CONTRADICTED
    if contradicting:
        return CONTESTED
    if supporting >= 2:
        return CORROBORATED
    return UNVERIFIED


def decide_status(
    *,
    claimant: Origin | None,
    evidence: Sequence[EvidenceFact],
    floors: Floors = Floors(),
) -> StatusResult:
    """Apply the rules of docs/corroboration.md, in order, to independent origins (never to URLs).
    Automatic readings below `floors` are suggested, not counted."""
    suggested = sorted(f.evidence_id for f in evidence if floors.suggested(f))
    counted, outranked = _counted([f for f in evidence if not floors.suggested(f)])
    supporting = _summaries(
        (f for f in counted if f.stance == SUPPORTS), claimant, include_claimant=True
    )
    contradicting = _summaries(
        (f for f in counted if f.stance == CONTRADICTS), claimant, include_claimant=False
    )
    others_support = any(not s.claimant for s in supporting)
    status = _status(len(supporting), len(contradicting), others_support)
    if status == CONTRADICTED:
        rule = (
            f"{len(contradicting)} independent origins contradict it "
            "and nobody but the claimant supports it"
        )
    elif status == CONTESTED:
        rule = (
            f"{_count(len(contradicting), 'independent origin')} "
            f"{'contradicts' if len(contradicting) == 1 else 'contradict'} it and "
            f"{len(supporting)} {'supports' if len(supporting) == 1 else 'support'} it"
        )
    elif status == CORROBORATED:
        rule = f"{len(supporting)} independent origins support it and none contradicts it"
    else:
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
        suggested_evidence=tuple(suggested),
    )


@dataclass(frozen=True)
class Consequence:
    """What a person's review of one automatic reading would do to the claim's status."""

    if_confirmed: str
    if_rejected: str


def review_consequences(
    *,
    claimant: Origin | None,
    evidence: Sequence[EvidenceFact],
    floors: Floors = Floors(),
) -> dict[int, Consequence]:
    """For every reading nobody has reviewed: the status were it confirmed (it becomes a
    person's evidence, counted whatever its confidence, outranking its origin's automatic
    readings) and were it rejected (it counts for nothing). The same rules as decide_status,
    worked on per-origin counts so that a claim with a thousand readings costs a thousand
    steps, not a million (tests/facts/test_corroboration.py compares the two)."""
    tallies: dict[str, _Tally] = {}
    for fact in evidence:
        tallies.setdefault(fact.origin.key, _Tally()).add(fact, floors)
    claimant_key = claimant.key if claimant is not None else None
    flags = {key: tally.flags() for key, tally in tallies.items()}
    supporting = {key for key, (sup, _) in flags.items() if sup}
    contradicting = sum(con for _, con in flags.values())

    others = len(supporting - {claimant_key})  # supporting origins but the claimant

    def status_with(key: str, changed: tuple[bool, bool]) -> str:
        """The status once origin `key` counts as `changed` (supports, contradicts)."""
        was = flags[key]
        con = contradicting - was[1] + changed[1]
        if key == claimant_key:
            return _status(1 + others, con, others > 0)  # the claimant always supports
        outside = others - was[0] + changed[0]
        return _status(outside + (claimant_key is not None), con, outside > 0)

    out: dict[int, Consequence] = {}
    for fact in evidence:
        if fact.human:
            continue
        tally = tallies[fact.origin.key]
        out[fact.evidence_id] = Consequence(
            status_with(fact.origin.key, tally.flags_if_confirmed(fact)),
            status_with(fact.origin.key, tally.flags_if_rejected(fact, floors)),
        )
    return out


@dataclass
class _Tally:
    """One origin's readings as the rules count them: people's outrank the engine's, and
    the engine's below their floor count for nothing."""

    human: int = 0
    human_by_stance: dict[str, int] = field(default_factory=dict)
    automatic_by_stance: dict[str, int] = field(default_factory=dict)

    def add(self, fact: EvidenceFact, floors: Floors) -> None:
        if fact.human:
            self.human += 1
            self.human_by_stance[fact.stance] = self.human_by_stance.get(fact.stance, 0) + 1
        elif not floors.suggested(fact):
            counts = self.automatic_by_stance
            counts[fact.stance] = counts.get(fact.stance, 0) + 1

    def flags(self) -> tuple[bool, bool]:
        """(supports, contradicts) for this origin."""
        counts = self.human_by_stance if self.human else self.automatic_by_stance
        return counts.get(SUPPORTS, 0) > 0, counts.get(CONTRADICTS, 0) > 0

    def flags_if_confirmed(self, fact: EvidenceFact) -> tuple[bool, bool]:
        counts = dict(self.human_by_stance)
        counts[fact.stance] = counts.get(fact.stance, 0) + 1
        return counts.get(SUPPORTS, 0) > 0, counts.get(CONTRADICTS, 0) > 0

    def flags_if_rejected(self, fact: EvidenceFact, floors: Floors) -> tuple[bool, bool]:
        if self.human or floors.suggested(fact):
            return self.flags()
        counts = dict(self.automatic_by_stance)
        counts[fact.stance] -= 1
        return counts.get(SUPPORTS, 0) > 0, counts.get(CONTRADICTS, 0) > 0


def consequence_sentence(now: str, if_confirmed: str, if_rejected: str) -> str:
    """'Confirming it makes the claim contested (now corroborated); rejecting it changes
    nothing.'"""
    parts = []
    for verb, then in (("Confirming", if_confirmed), ("rejecting", if_rejected)):
        if then and then != now:
            parts.append(f"{verb} it makes the claim {then} (now {now})")
        else:
            parts.append(f"{verb} it changes nothing")
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."
