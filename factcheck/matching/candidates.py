"""Which tracked claims a text may speak to: a cheap ranking before the stance assessment.

Score per claim = best cosine similarity between the claim and any sentence, plus a share of
the claim's words found in that sentence, plus a share of the claim's named entities found in
the text, plus a bonus when that sentence carries a figure that counts what the claim's
figure counts. In the service the similarity search runs in the
database (pgvector); here it is an exact numpy search, used by tests and benchmarks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from factcheck.matching import lexical
from factcheck.matching.quantities import Quantity, extract_quantities

WORD_WEIGHT = 0.3
ENTITY_WEIGHT = 0.2
FIGURE_BONUS = 0.1


@dataclass(frozen=True)
class Candidate:
    claim: int  # index into the claims given
    score: float
    similarity: float
    sentence: int  # the sentence that matched best
    word_overlap: float
    shared_entities: tuple[str, ...]
    shares_figure: bool


def nearest_claims(
    sentence_vectors: np.ndarray, claim_vectors: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The k claims most similar to any sentence: (claim indexes, similarities, the
    sentence index per claim), best first."""
    if len(claim_vectors) == 0 or len(sentence_vectors) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, np.zeros(0, dtype=np.float32), empty
    sims = sentence_vectors @ claim_vectors.T  # sentences x claims
    best_sentence = sims.argmax(axis=0)
    best = sims.max(axis=0)
    k = min(k, len(best))
    top = np.argpartition(-best, k - 1)[:k]
    top = top[np.argsort(-best[top])]
    return top, best[top], best_sentence[top]


def rank(
    sentences: Sequence[str],
    sentence_vectors: np.ndarray,
    claims: Sequence[str],
    claim_vectors: np.ndarray,
    *,
    claim_figures: Sequence[Quantity | None] | None = None,
    k: int = 20,
    shortlist: int = 100,
) -> list[Candidate]:
    """The best `k` claims for a text, re-ranked from a `shortlist` of nearest by meaning."""
    top, similarities, best_sentences = nearest_claims(sentence_vectors, claim_vectors, shortlist)
    units_by_sentence = [{q.unit for q in extract_quantities(s) if q.unit} for s in sentences]
    text_entities = lexical.entities(" ".join(sentences))
    out = []
    for claim, similarity, sentence in zip(top, similarities, best_sentences, strict=True):
        overlap = lexical.overlap(claims[claim], sentences[sentence])
        figure = claim_figures[claim] if claim_figures is not None else None
        shares = bool(figure and figure.unit in units_by_sentence[sentence])
        named = lexical.entities(claims[claim])
        shared = tuple(sorted(named & text_entities))
        entity_share = len(shared) / len(named) if named else 0.0
        score = (
            float(similarity)
            + WORD_WEIGHT * overlap
            + ENTITY_WEIGHT * entity_share
            + (FIGURE_BONUS if shares else 0.0)
        )
        out.append(
            Candidate(
                int(claim),
                round(score, 4),
                round(float(similarity), 4),
                int(sentence),
                round(overlap, 4),
                shared,
                shares,
            )
        )
    out.sort(key=lambda c: -c.score)
    return out[:k]
