"""The learned pair reader: cross-attention between the claim's words and the passage's.

all-MiniLM-L6-v2 stays frozen; its token vectors (the same forward pass that gives a
sentence its embedding) are the input. A small network reads the pair the way an NLI model
does (ESIM-style): both sides are projected, each token of the claim attends over the
passage's tokens and each passage token over the claim's, every token is compared with what
it aligned to ([x, aligned, x - aligned, x * aligned]), the comparisons are pooled (max and
mean), and a last layer reads them together with the pair's scalar features
(`features.pair_features`: similarity, overlap, cue counts, figures). So "was not caused
by" can be weighed against "was caused by" word for word, which a sentence vector cannot.

The passage is the text's best two sentences for the claim (by cosine similarity), in text
order, at most `MAX_PASSAGE_TOKENS` tokens. Trained by `cross_train.py`; weights in
safetensors (fp16 on disk), run here with numpy. Probabilities are calibrated (temperature
fitted on held-back claims).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from factcheck.matching import embeddings
from factcheck.matching.features import LABELS, SCALAR_FEATURES

MODEL_PATH = Path(__file__).resolve().parent / "data" / "stance-cross.safetensors"
PASSAGE_SENTENCES = 2
MAX_PASSAGE_TOKENS = 96
MAX_CLAIM_TOKENS = 48
WEIGHTS = ("proj_w", "proj_b", "cmp_w", "cmp_b", "out1_w", "out1_b", "out2_w", "out2_b")


_cache: OrderedDict[str, np.ndarray] = OrderedDict()
_cache_lock = threading.Lock()
CACHE_TEXTS = 5_000


def token_vectors(texts: Sequence[str]) -> list[np.ndarray]:
    """Unit-length token vectors per text, cached by text (one passage is read against
    many claims); the missing ones are encoded in one batch."""
    with _cache_lock:
        missing = [t for t in dict.fromkeys(texts) if t not in _cache]
    fresh = embeddings.token_vectors(missing) if missing else []
    with _cache_lock:
        for text, vectors in zip(missing, fresh, strict=True):
            _cache[text] = vectors
        found = [_cache[t] for t in texts]
        for text in texts:
            _cache.move_to_end(text)
        while len(_cache) > CACHE_TEXTS:
            _cache.popitem(last=False)
    return found


def remember_token_vectors(texts: Sequence[str], vectors: Sequence[np.ndarray]) -> None:
    """Cache token vectors computed elsewhere (`embeddings.encode_with_tokens`)."""
    with _cache_lock:
        for text, found in zip(texts, vectors, strict=True):
            _cache[text] = found
            _cache.move_to_end(text)
        while len(_cache) > CACHE_TEXTS:
            _cache.popitem(last=False)


def passage_indexes(similarities: np.ndarray) -> list[int]:
    """The best `PASSAGE_SENTENCES` sentences, in text order."""
    order = np.argsort(-np.asarray(similarities))[:PASSAGE_SENTENCES]
    return sorted(int(i) for i in order)


def passage_tokens(parts: Sequence[np.ndarray]) -> np.ndarray:
    joined = np.concatenate(list(parts), axis=0) if parts else np.zeros((1, 384), np.float32)
    return joined[:MAX_PASSAGE_TOKENS]


def _softmax(x: np.ndarray, axis: int) -> np.ndarray:
    x = x - x.max(axis=axis, keepdims=True)
    e = np.exp(x)
    return np.asarray(e / e.sum(axis=axis, keepdims=True))


@dataclass(frozen=True)
class CrossModel:
    weights: dict[str, np.ndarray]
    mean: np.ndarray  # of the scalar features
    std: np.ndarray
    bias: np.ndarray
    temperature: float
    metadata: dict[str, str] = field(default_factory=dict)

    def logits(self, claim: np.ndarray, passage: np.ndarray, scalars: np.ndarray) -> np.ndarray:
        w = self.weights
        a = claim[:MAX_CLAIM_TOKENS] @ w["proj_w"] + w["proj_b"]
        b = passage[:MAX_PASSAGE_TOKENS] @ w["proj_w"] + w["proj_b"]
        scores = a @ b.T / np.sqrt(a.shape[1])
        a_seen = _softmax(scores, axis=1) @ b
        b_seen = _softmax(scores, axis=0).T @ a
        ma = np.maximum(np.hstack([a, a_seen, a - a_seen, a * a_seen]) @ w["cmp_w"] + w["cmp_b"], 0)
        mb = np.maximum(np.hstack([b, b_seen, b - b_seen, b * b_seen]) @ w["cmp_w"] + w["cmp_b"], 0)
        x = np.concatenate(
            [ma.max(0), ma.mean(0), mb.max(0), mb.mean(0), (scalars - self.mean) / self.std]
        )
        hidden = np.maximum(x @ w["out1_w"] + w["out1_b"], 0)
        return np.asarray(hidden @ w["out2_w"] + w["out2_b"] + self.bias)

    def probabilities(
        self, claim: np.ndarray, passage: np.ndarray, scalars: np.ndarray
    ) -> np.ndarray:
        z = self.logits(claim, passage, scalars) / self.temperature
        probabilities: np.ndarray = _softmax(z[None, :], axis=1)[0]
        return probabilities

    def save(self, path: Path) -> None:
        from safetensors.numpy import save_file

        tensors = {k: np.ascontiguousarray(v, dtype=np.float16) for k, v in self.weights.items()}
        tensors |= {
            "mean": self.mean.astype(np.float32),
            "std": self.std.astype(np.float32),
            "bias": self.bias.astype(np.float32),
            "temperature": np.array([self.temperature], dtype=np.float32),
        }
        meta = {**self.metadata, "scalar_features": json.dumps(SCALAR_FEATURES)}
        meta["labels"] = json.dumps(LABELS)
        save_file(tensors, str(path), metadata=meta)

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> CrossModel:
        from safetensors import safe_open

        with safe_open(str(path), framework="numpy") as handle:
            tensors = {name: handle.get_tensor(name) for name in handle.keys()}
            metadata = dict(handle.metadata() or {})
        if tuple(json.loads(metadata.get("scalar_features", "[]"))) != SCALAR_FEATURES:
            raise ValueError(f"{path} was trained on other features; retrain it")
        return cls(
            weights={k: tensors[k].astype(np.float32) for k in WEIGHTS},
            mean=tensors["mean"],
            std=tensors["std"],
            bias=tensors["bias"],
            temperature=float(tensors["temperature"][0]),
            metadata=metadata,
        )


_loaded: CrossModel | None = None
_lock = threading.Lock()


def cross_model() -> CrossModel:
    """The shipped model, loaded once per process."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = CrossModel.load()
    return _loaded
