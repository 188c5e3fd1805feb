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
from functools import lru_cache

import numpy as np

from factcheck.matching import lexical
from factcheck.matching.learned import SHORT_TEXT
from factcheck.matching.quantities import Quantity, figures_in

WORD_WEIGHT = 0.3
ENTITY_WEIGHT = 0.2
FIGURE_BONUS = 0.1
SHORTLIST_PER_SENTENCE = 40  # nearest claims by meaning taken for each sentence
MIN_SIMILARITY = 0.3  # a claim no sentence comes this near is unrelated
ASSESSED = 150  # claims assessed for a text of several sentences ...
ASSESSED_SHORT = 20  # ... and for a short one (a headline): each costs the pair readers


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


@dataclass(frozen=True)
class Shortlisted:
    """A claim found near one sentence of a text, as a similarity search returns it. A claim
    near several sentences is shortlisted once for each."""

    claim: int  # the caller's key for the claim
    text: str
    similarity: float  # cosine similarity to the sentence
    sentence: int
    unit: str = ""  # what the claim's figure counts, if it has one


def assessed(sentence_count: int) -> int:
    """How many claims to assess for a text of `sentence_count` sentences."""
    return ASSESSED_SHORT if sentence_count <= SHORT_TEXT else ASSESSED


def shortlist_exact(
    sentence_vectors: np.ndarray, claims: Sequence[str], claim_vectors: np.ndarray
) -> list[Shortlisted]:
    """Each sentence's SHORTLIST_PER_SENTENCE nearest claims at MIN_SIMILARITY or nearer, by
    an exact search (`Shortlisted.claim` indexes `claims`): what the service's database
    search returns, for benchmarks and evaluations that keep the claims in memory."""
    if len(claims) == 0 or len(sentence_vectors) == 0:
        return []
    sims = sentence_vectors @ claim_vectors.T  # sentences x claims
    found = []
    for sentence, row in enumerate(sims):
        k = min(SHORTLIST_PER_SENTENCE, len(row))
        for claim in np.argpartition(-row, k - 1)[:k]:
            if row[claim] >= MIN_SIMILARITY:
                found.append(Shortlisted(int(claim), claims[claim], float(row[claim]), sentence))
    return found


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
    """The best `k` claims for a text, re-ranked from a `shortlist` of nearest by meaning
    (an exact search, each claim against its nearest sentence; the service's search runs in
    the database's index, per sentence)."""
    top, similarities, best_sentences = nearest_claims(sentence_vectors, claim_vectors, shortlist)
    found = [
        Shortlisted(
            int(claim),
            claims[claim],
            float(similarity),
            int(sentence),
            _unit_of(claim_figures[claim] if claim_figures is not None else None),
        )
        for claim, similarity, sentence in zip(top, similarities, best_sentences, strict=True)
    ]
    return rerank(sentences, found, k=k)


def rerank(
    sentences: Sequence[str], shortlisted: Sequence[Shortlisted], *, k: int
) -> list[Candidate]:
    """The best `k` claims of the shortlist, each once. Every (claim, sentence) pair is
    scored by meaning, words, names and figure; then the claims are taken in turns by
    sentence: every sentence's best claim, then every sentence's second best, and so on;
    the chosen come best first. Among many claims close in meaning (the same story told with
    other figures, places or names) the one whose words and names the sentence carries
    comes first, and twenty such near-duplicates of one sentence's claim cannot crowd out
    the claim another sentence states."""
    units_by_sentence = [{q.unit for q in figures_in(s) if q.unit} for s in sentences]
    text_entities = lexical.entities(" ".join(sentences))
    by_sentence: dict[int, list[Candidate]] = {}
    for found in shortlisted:
        overlap = lexical.overlap(found.text, sentences[found.sentence])
        shares = bool(found.unit and found.unit in units_by_sentence[found.sentence])
        named = _entities(found.text)
        shared = tuple(sorted(named & text_entities))
        entity_share = len(shared) / len(named) if named else 0.0
        score = (
            found.similarity
            + WORD_WEIGHT * overlap
            + ENTITY_WEIGHT * entity_share
            + (FIGURE_BONUS if shares else 0.0)
        )
        by_sentence.setdefault(found.sentence, []).append(
            Candidate(
                found.claim,
                round(score, 4),
                round(found.similarity, 4),
                found.sentence,
                round(overlap, 4),
                shared,
                shares,
            )
        )
    groups = [sorted(group, key=lambda c: -c.score) for group in by_sentence.values()]
    chosen: dict[int, Candidate] = {}
    turn = 0
    while len(chosen) < k and any(turn < len(group) for group in groups):
        row = sorted((g[turn] for g in groups if turn < len(g)), key=lambda c: -c.score)
        for candidate in row:
            if candidate.claim not in chosen and len(chosen) < k:
                chosen[candidate.claim] = candidate
        turn += 1
    return sorted(chosen.values(), key=lambda c: -c.score)


@lru_cache(maxsize=50_000)
def _entities(text: str) -> frozenset[str]:
    return frozenset(lexical.entities(text))


def _unit_of(figure: Quantity | None) -> str:
    return figure.unit if figure is not None else ""
