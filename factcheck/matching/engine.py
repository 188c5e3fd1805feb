"""The engine's one entry point: a text read against the claims it may speak to.

The pipeline (a source arriving), the backfill (a claim arriving) and `POST /match` all call
`read`: the text with its sentences and their vectors, the candidate claims nearest first,
and the index of known speakers in; each claim's readings filed under whoever says them out,
with speakers as the index's keys. The caller resolves the keys to its own records once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from factcheck.matching import learned
from factcheck.matching.attribution import (
    Attribution,
    SpeakerIndex,
    find_attributions,
    speaker_for_span,
)
from factcheck.matching.labels import DISCUSSES, UNRELATED
from factcheck.matching.passages import Span
from factcheck.matching.stance import ClaimSpec, StanceResult, readings


@dataclass(frozen=True)
class Candidate:
    """A claim to read the text against: its spec (with `key` and distinctive `terms`) and
    its sentence vector."""

    spec: ClaimSpec
    vector: np.ndarray


@dataclass(frozen=True)
class Reading:
    """One speaker's strongest reading of one claim in the text."""

    claim_key: str
    result: StanceResult
    speaker_key: str | None  # a `SpeakerIndex` key; None when nobody known says it
    speaker_mention: str  # the words that named the speaker, if any


def read(
    text: str,
    candidates: Sequence[Candidate],
    *,
    sentences: Sequence[Span],
    sentence_vectors: np.ndarray,
    published: date | None,
    speakers: SpeakerIndex,
) -> list[Reading]:
    """Every candidate claim (nearest first) read against `text`. Per claim, one reading per
    speaker, each speaker's strongest; a speaker only discussing the claim is left out when
    someone in the text supports or contradicts it, and with no decisive reading the best one
    alone is kept. Claims the text is unrelated to give nothing. A short text is read by the
    pair encoder against its `learned.SHORT_PAIRED` nearest claims (in one batch), the rest
    by the cross reader alone."""
    if not sentences or not candidates:
        return []
    if len(sentences) <= learned.SHORT_TEXT:
        learned.prepare_short([c.spec.text for c in candidates], [s.text for s in sentences])
    attributions: list[Attribution] | None = None  # found once, when first needed
    found: list[Reading] = []
    for nearness, candidate in enumerate(candidates):
        results = readings(
            candidate.spec,
            text,
            published=published,
            sentences=sentences,
            sentence_vectors=sentence_vectors,
            claim_vector=candidate.vector,
            paired=nearness < learned.SHORT_PAIRED,
        )
        if not results or results[0].stance == UNRELATED:
            continue
        if attributions is None:
            attributions = find_attributions(text, speakers)
        found += by_speaker(candidate.spec.key, results, attributions)
    return found


def by_speaker(
    claim_key: str, results: Sequence[StanceResult], attributions: Sequence[Attribution]
) -> list[Reading]:
    """`results` (strongest first) filed under whoever says each passage, one per speaker."""
    chosen: dict[str | None, Reading] = {}
    for result in results:
        if result.stance == UNRELATED:
            continue
        said_by = speaker_for_span(attributions, result.passage.start, result.passage.end)
        key = said_by.speaker if said_by else None
        if key not in chosen:
            chosen[key] = Reading(claim_key, result, key, said_by.mention if said_by else "")
    kept = list(chosen.values())
    decisive = [r for r in kept if r.result.stance != DISCUSSES]
    return decisive or kept[:1]
