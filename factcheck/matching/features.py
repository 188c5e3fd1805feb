"""Scalar features of a (claim, text) pair, read by the learned pair reader (`cross.py`)
beside its word-by-word attention: sentence-embedding similarity (all-MiniLM-L6-v2), word
overlap, cue words (refutation, hedging, reporting, confirmation) near the best-matching
sentences, negations, questions, and figure agreement.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from factcheck.matching import lexical
from factcheck.matching.quantities import Agreement, compare, figures_in

LABELS = ("agree", "disagree", "discuss", "unrelated")

SCALAR_FEATURES = (
    "max_sim",
    "top3_sim",
    "mean_sim",
    "centroid_sim",
    "first_sim",
    "best_position",
    "log_sentences",
    "overlap_body",
    "jaccard_body",
    "overlap_best",
    "overlap_top3",
    "refute_body",
    "refute_top3",
    "refute_best",
    "hedge_body",
    "hedge_top3",
    "hedge_best",
    "confirm_body",
    "confirm_top3",
    "refute_headline",
    "hedge_headline",
    "negation_headline",
    "negation_best",
    "figures_agree",
    "figures_differ",
    "headline_has_figure",
    "refute_related",
    "hedge_related",
    "question_headline",
    "question_best",
    "report_best",
    "report_headline",
    "negation_difference",
    "single_sentence",
)
_NEGATION = ("not", "no", "never", "n't", "none", "nobody", "nothing", "neither")


@dataclass(frozen=True)
class PairFeatures:
    vector: np.ndarray  # scalars followed by the two 384-wide interaction vectors
    scalars: dict[str, float]
    best_sentence: int
    similarities: np.ndarray


@lru_cache(maxsize=50_000)
def _count(text: str, cues: tuple[str, ...]) -> float:
    # Cached: one body is scored against many claims (or headlines).
    return float(len(lexical.find_cues(text, cues)))


@lru_cache(maxsize=5_000)
def _word_count(text: str) -> int:
    return len(lexical.tokens(text))


def _negations(text: str) -> float:
    toks = lexical.tokens(text)
    return float(sum(t in _NEGATION or t.endswith("n't") for t in toks))


def pair_features(
    headline: str,
    headline_vector: np.ndarray,
    sentences: Sequence[str],
    sentence_vectors: np.ndarray,
) -> PairFeatures:
    """Features of a claim (or headline) against a body given as sentences and their
    normalised vectors."""
    dims = headline_vector.shape[0]
    if len(sentences) == 0:
        sims = np.zeros(1, dtype=np.float32)
        sentence_vectors = np.zeros((1, dims), dtype=np.float32)
        sentences = [""]
    else:
        sims = sentence_vectors @ headline_vector
    order = np.argsort(-sims)
    best = int(order[0])
    top3 = [int(i) for i in order[:3]]
    centroid = sentence_vectors.mean(axis=0)
    norm = float(np.linalg.norm(centroid)) or 1.0
    body = " ".join(sentences)
    top_text = " ".join(sentences[i] for i in top3)
    best_text = sentences[best]
    related = " ".join(s for s, sim in zip(sentences, sims, strict=True) if sim > 0.45)

    claimed = [q for q in figures_in(headline) if q.unit]
    agree = differ = 0.0
    if claimed:
        for reported in figures_in(top_text):
            verdict = compare(claimed[0], reported)
            agree += verdict == Agreement.AGREE
            differ += verdict == Agreement.DIFFER

    words = max(_word_count(body), 1)
    scalars = {
        "max_sim": float(sims[best]),
        "top3_sim": float(np.mean(sims[top3])),
        "mean_sim": float(np.mean(sims)),
        "centroid_sim": float(centroid @ headline_vector / norm),
        "first_sim": float(sims[0]),
        "best_position": best / max(len(sentences) - 1, 1),
        "log_sentences": math.log1p(len(sentences)),
        "overlap_body": lexical.overlap(headline, body),
        "jaccard_body": lexical.jaccard(headline, body),
        "overlap_best": lexical.overlap(headline, best_text),
        "overlap_top3": lexical.overlap(headline, top_text),
        "refute_body": 100 * _count(body, lexical.REFUTE) / words,
        "refute_top3": _count(top_text, lexical.REFUTE),
        "refute_best": _count(best_text, lexical.REFUTE),
        "hedge_body": 100 * _count(body, lexical.HEDGE) / words,
        "hedge_top3": _count(top_text, lexical.HEDGE),
        "hedge_best": _count(best_text, lexical.HEDGE),
        "confirm_body": 100 * _count(body, lexical.CONFIRM) / words,
        "confirm_top3": _count(top_text, lexical.CONFIRM),
        "refute_headline": _count(headline, lexical.REFUTE),
        "hedge_headline": _count(headline, lexical.HEDGE),
        "negation_headline": _negations(headline),
        "negation_best": _negations(best_text),
        "figures_agree": agree,
        "figures_differ": differ,
        "headline_has_figure": float(bool(claimed)),
        "refute_related": _count(related, lexical.REFUTE),
        "hedge_related": _count(related, lexical.HEDGE),
        "question_headline": float("?" in headline),
        "question_best": float("?" in best_text),
        "report_best": _count(best_text, lexical.REPORT),
        "report_headline": _count(headline, lexical.REPORT),
        "negation_difference": _negations(best_text) - _negations(headline),
        "single_sentence": float(len(sentences) == 1),
    }
    best_vector = sentence_vectors[best]
    vector = np.concatenate(
        [
            np.array([scalars[name] for name in SCALAR_FEATURES], dtype=np.float32),
            headline_vector * best_vector,
            np.abs(headline_vector - best_vector),
        ]
    ).astype(np.float32)
    return PairFeatures(vector=vector, scalars=scalars, best_sentence=best, similarities=sims)
