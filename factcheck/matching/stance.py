"""Stance of a text toward a claim: the learned classifier plus explicit signals.

Order of decision:
1. The classifier (`stance_model`) reads the claim against the text's sentences.
2. Figures: a figure in the deciding passage that counts what the claim counts is compared
   with the claim's. At the same time (the text is dated within a day of the claim's
   `as_of`, or either date is unknown) agreement supports and a different figure contradicts.
   At another time only the same figure supports; a different one is an earlier or updated
   estimate and *discusses* (an update does not make an as-of claim false).
3. Cues in the deciding passage: a denial ("denied", "groundless", "no evidence") turns a
   related reading into `contradicts`; a hedge ("could not confirm", "alleged") into
   `discusses`.
Every result carries the features that decided it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np

from factcheck.matching import embeddings, lexical
from factcheck.matching.passages import Span, split_sentences
from factcheck.matching.quantities import (
    Agreement,
    Bound,
    Quantity,
    claim_quantity,
    compare,
    extract_quantities,
    normalise_unit,
)
from factcheck.matching.stance_model import LABELS, pair_features, stance_model

SUPPORTS = "supports"
CONTRADICTS = "contradicts"
DISCUSSES = "discusses"
UNRELATED = "unrelated"
_FROM_FNC = {
    "agree": SUPPORTS,
    "disagree": CONTRADICTS,
    "discuss": DISCUSSES,
    "unrelated": UNRELATED,
}
SAME_TIME_DAYS = 1
RELATED_COVERAGE = 0.3
SPECIFIC_COVERAGE = 0.35
_DENIAL = (
    "denied",
    "denies",
    "deny",
    "denial",
    "groundless",
    "baseless",
    "no evidence",
    "false",
    "fake",
    "untrue",
    "not true",
    "rejected",
    "rejects",
    "dismissed",
    "refuted",
    "nonsense",
    "fabricated",
    "lies",
    "unfounded",
    "categorically",
)
_HEDGE = (
    "could not confirm",
    "cannot confirm",
    "can't confirm",
    "not able to confirm",
    "unable to confirm",
    "could not verify",
    "cannot verify",
    "not confirmed",
    "no confirmation",
    "unconfirmed",
    "alleged",
    "allegedly",
    "reportedly",
    "if confirmed",
    "may",
    "might",
    "could",
    "expected to",
    "plans to",
    "is preparing",
)


@dataclass(frozen=True)
class ClaimSpec:
    text: str
    quantity: Quantity | None = None  # a person's structured figure; else parsed from text
    as_of: date | None = None
    key: str = ""
    # What sets this claim apart from the others tracked with it (lexical.distinctive_terms);
    # empty when it is assessed alone.
    terms: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class StanceResult:
    stance: str
    confidence: float
    passage: Span  # offsets into the assessed text
    figure: Quantity | None
    features: dict[str, Any] = field(default_factory=dict)


def claim_figure(claim: ClaimSpec) -> Quantity | None:
    return claim.quantity if claim.quantity is not None else claim_quantity(claim.text)


def _same_time(claim: ClaimSpec, published: date | None) -> bool:
    if claim.as_of is None or published is None:
        return True
    return abs((published - claim.as_of).days) <= SAME_TIME_DAYS


def assess(
    claim: ClaimSpec,
    text: str,
    *,
    published: date | None = None,
    sentences: Sequence[Span] | None = None,
    sentence_vectors: np.ndarray | None = None,
    claim_vector: np.ndarray | None = None,
) -> StanceResult:
    """How `text` stands toward `claim`. Pass precomputed sentences and vectors to screen one
    text against many claims without encoding it again."""
    spans = list(sentences) if sentences is not None else split_sentences(text)
    if sentence_vectors is None:
        sentence_vectors = embeddings.encode([s.text for s in spans])
    if claim_vector is None:
        claim_vector = embeddings.encode([claim.text])[0]
    features = pair_features(claim.text, claim_vector, [s.text for s in spans], sentence_vectors)
    probabilities = stance_model().probabilities(features.vector)[0]
    learned = _FROM_FNC[LABELS[int(probabilities.argmax())]]
    stance, confidence = learned, float(probabilities.max())
    best_index = features.best_sentence
    if claim.terms and spans:
        # The deciding sentence: close in meaning and carrying what sets the claim apart.
        weights = dict(claim.terms)
        scores = [
            float(sim) + lexical.coverage(weights, span.text)
            for sim, span in zip(features.similarities, spans, strict=True)
        ]
        best_index = int(np.argmax(scores))
    best = spans[best_index] if spans else Span(0, 0, "")
    explanation: dict[str, Any] = {
        "similarity": round(float(features.scalars["max_sim"]), 3),
        "word_overlap": round(features.scalars["overlap_best"], 3),
        "classifier": {
            _FROM_FNC[label]: round(float(p), 3)
            for label, p in zip(LABELS, probabilities, strict=True)
        },
        "rule": "classifier",
    }

    # Among claims on one story, a passage speaks to a claim only if it has what sets that
    # claim apart from the others, not just the shared topic.
    specific = True
    if claim.terms:
        window = " ".join(spans[i].text for i in _window(best_index, spans))
        share = lexical.coverage(dict(claim.terms), window)
        explanation["distinctive_coverage"] = round(share, 3)
        if share < RELATED_COVERAGE:
            stance, explanation["rule"] = UNRELATED, "lacks what sets the claim apart"
        elif share < SPECIFIC_COVERAGE:
            specific = False
            if stance in (SUPPORTS, CONTRADICTS):
                stance, explanation["rule"] = DISCUSSES, "touches the claim, not its substance"

    # Figures in the deciding passage.
    figure = None
    claimed = claim_figure(claim)
    if claimed is not None and stance != UNRELATED and specific:
        same_time = _same_time(claim, published)
        for reported in extract_quantities(best.text):
            if not reported.unit and _names_unit(best.text, claimed.unit):
                reported = replace(reported, unit=claimed.unit)  # "the contingent is 12,000"
            verdict = compare(claimed, reported)
            if verdict in (Agreement.INCOMPARABLE, Agreement.OVERLAP):
                continue
            figure = Quantity(
                **{
                    **reported.__dict__,
                    "start": best.start + reported.start,
                    "end": best.start + reported.start + len(reported.text),
                }
            )
            explanation["figures"] = {
                "claimed": claimed.text or _describe(claimed),
                "reported": reported.text,
                "comparison": verdict.value,
                "same_time": same_time,
            }
            if verdict == Agreement.AGREE and (same_time or _repeats(claimed, reported)):
                stance, explanation["rule"] = SUPPORTS, "figure agrees"
            elif verdict == Agreement.AGREE:
                stance, explanation["rule"] = DISCUSSES, "figure from another time"
            elif same_time:
                stance, explanation["rule"] = CONTRADICTS, "figure differs at the same time"
            else:
                stance, explanation["rule"] = DISCUSSES, "figure from another time"
            confidence = max(confidence, 0.8)
            break

    # Denials and hedges in the deciding passage.
    if stance != UNRELATED and "figures" not in explanation and specific:
        denials = lexical.find_cues(best.text, _DENIAL)
        hedges = lexical.find_cues(best.text, _HEDGE)
        if hedges:
            explanation["hedges"] = sorted({h.cue for h in hedges})
        if denials:
            explanation["denials"] = sorted({h.cue for h in denials})
        if denials and not hedges and stance != CONTRADICTS:
            stance, explanation["rule"] = CONTRADICTS, "denial in the passage"
            confidence = max(confidence, 0.7)
        elif hedges and stance == SUPPORTS:
            stance, explanation["rule"] = DISCUSSES, "hedged in the passage"
    return StanceResult(
        stance=stance,
        confidence=round(confidence, 3),
        passage=best,
        figure=figure,
        features=explanation,
    )


def _repeats(claimed: Quantity, reported: Quantity) -> bool:
    """At another time only the claim's own figure, said again, supports it."""
    mine = claimed.value if claimed.value is not None else claimed.low
    theirs = reported.value if reported.value is not None else reported.low
    if mine is None or theirs is None:
        return False
    close = abs(mine - theirs) <= 0.01 * abs(mine)
    same_kind = claimed.bound == reported.bound or {claimed.bound, reported.bound} <= {
        Bound.EXACT,
        Bound.APPROXIMATE,
    }
    return close and same_kind


def _names_unit(text: str, unit: str) -> bool:
    words = {normalise_unit(t) for t in lexical.tokens(text)}
    return unit in words


def _window(best: int, spans: Sequence[Span]) -> range:
    return range(max(0, best - 1), min(len(spans), best + 2))


def _describe(q: Quantity) -> str:
    if q.value is not None:
        return f"{q.value:g} {q.unit}"
    return f"{q.low:g}-{q.high:g} {q.unit}" if q.low is not None and q.high is not None else q.unit
