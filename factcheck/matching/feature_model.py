"""The feature reader: a one-hidden-layer network over a pair's features (the scalars and
the element-wise product and difference of the claim's and the best sentence's vectors).
It reads a whole article for the passage rules; short texts go to the cross-attention reader
(`cross.py`), which reads them better (docs/engine.md). Trained by `train_features.py`;
safetensors, run with numpy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from factcheck.matching.features import LABELS, SCALAR_FEATURES

MODEL_PATH = Path(__file__).resolve().parent / "data" / "stance-features.safetensors"


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
