"""The learned part of stance: features of a (headline, body) pair and a small classifier.

Features mix sentence-embedding similarity (all-MiniLM-L6-v2), word overlap, cue words
(refutation, hedging, confirmation) near the best-matching sentences, and figure agreement.
The classifier is a one-hidden-layer network trained on FNC-1 (`train.py`), stored in
safetensors (no pickle) and run here with numpy alone.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from factcheck.matching import lexical
from factcheck.matching.quantities import Agreement, compare, extract_quantities

LABELS = ("agree", "disagree", "discuss", "unrelated")
MODEL_PATH = Path(__file__).resolve().parent / "data" / "stance-features.safetensors"

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

    claimed = [q for q in extract_quantities(headline) if q.unit]
    agree = differ = 0.0
    if claimed:
        for reported in extract_quantities(top_text):
            verdict = compare(claimed[0], reported)
            agree += verdict == Agreement.AGREE
            differ += verdict == Agreement.DIFFER

    words = max(len(lexical.tokens(body)), 1)
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


@dataclass(frozen=True)
class StanceModel:
    """mean/std standardise; hidden = relu(x W1 + b1); logits = hidden W2 + b2 + bias."""

    mean: np.ndarray
    std: np.ndarray
    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray
    bias: np.ndarray
    metadata: dict[str, str]
    # Calibration: logits are divided by it, so that probabilities match how often the
    # model is right on held-back claims (train.calibrate).
    temperature: np.ndarray = field(default_factory=lambda: np.ones(1, dtype=np.float32))

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        x = (np.atleast_2d(features) - self.mean) / self.std
        hidden = np.maximum(x @ self.w1 + self.b1, 0.0)
        logits = (hidden @ self.w2 + self.b2 + self.bias) / float(self.temperature[0])
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return np.asarray(exp / exp.sum(axis=1, keepdims=True))

    def predict(self, features: np.ndarray) -> list[str]:
        return [LABELS[i] for i in self.probabilities(features).argmax(axis=1)]

    def save(self, path: Path) -> None:
        from safetensors.numpy import save_file

        tensors = {
            name: np.ascontiguousarray(getattr(self, name), dtype=np.float32)
            for name in ("mean", "std", "w1", "b1", "w2", "b2", "bias", "temperature")
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        save_file(tensors, str(path), metadata=self.metadata)

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> StanceModel:
        from safetensors import safe_open

        with safe_open(str(path), framework="numpy") as handle:
            tensors = {name: handle.get_tensor(name) for name in handle.keys()}
            metadata = dict(handle.metadata() or {})
        features = json.loads(metadata.get("scalar_features", "[]"))
        if features and tuple(features) != SCALAR_FEATURES:
            raise ValueError(f"{path} was trained on other features; retrain it")
        return cls(metadata=metadata, **tensors)


_loaded: StanceModel | None = None


def stance_model() -> StanceModel:
    """The shipped model, loaded once."""
    global _loaded
    if _loaded is None:
        _loaded = StanceModel.load()
    return _loaded
