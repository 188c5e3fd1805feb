"""The pair encoder: all-MiniLM-L6-v2 fine-tuned as a cross-encoder on (claim, text) pairs.

The claim and the text go through the transformer together ("[CLS] claim [SEP] text
[SEP]"), so every layer's attention runs across the two: the reading that NLI models do.
The bottom `FROZEN_LAYERS` layers are the shipped model's own, shared with the sentence
embeddings (nothing more to load); only the top layers and a classification head were
trained (`train_encoder.py`), and only they ship in `data/stance-encoder.safetensors`
(fp16, about 7 MB). Output: probabilities in `features.LABELS` order (agree, disagree,
discuss, unrelated), calibrated by a temperature fitted on held-back claims.

Used for short texts (a headline, a one-line statement), where it reads the whole text;
`learned.read` averages it with the cross-attention reader.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from factcheck.matching import embeddings
from factcheck.matching.features import LABELS

MODEL_PATH = Path(__file__).resolve().parent / "data" / "stance-encoder.safetensors"
FROZEN_LAYERS = 4
MAX_TOKENS = 128
BATCH = 32


def _parts() -> tuple[Any, Any]:
    """The shared transformer (Hugging Face BertModel) and its tokenizer."""
    first = embeddings.model()[0]
    return first.auto_model, first.tokenizer


def frozen_states(
    claims: Sequence[str], texts: Sequence[str], frozen: int = FROZEN_LAYERS
) -> tuple[Any, Any]:
    """The pairs' hidden states after the frozen layers (float32) and their attention mask:
    the trained layers' input. Only the bottom layers run (the shared model's top layers
    would be thrown away). One batch; the caller sizes it."""
    import torch

    bert, tokenizer = _parts()
    batch = tokenizer(
        list(claims),
        list(texts),
        padding=True,
        truncation=True,
        max_length=MAX_TOKENS,
        return_tensors="pt",
    )
    mask = batch["attention_mask"]
    with torch.no_grad():
        x = bert.embeddings(input_ids=batch["input_ids"], token_type_ids=batch["token_type_ids"])
        extended = (1.0 - mask[:, None, None, :].float()) * -1e4
        for layer in bert.encoder.layer[:frozen]:
            x = layer(x, attention_mask=extended)
            x = x[0] if isinstance(x, tuple) else x
    return x.float(), mask


def top_network(frozen: int = FROZEN_LAYERS) -> Any:
    """The trained part: copies of the transformer's layers above the `frozen` bottom ones,
    then mean pooling over the pair's tokens and a linear head."""
    import torch

    bert, _ = _parts()

    class Top(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = torch.nn.ModuleList(copy.deepcopy(bert.encoder.layer[frozen:]))
            self.head = torch.nn.Linear(embeddings.DIMENSIONS, len(LABELS))
            self.drop = torch.nn.Dropout(0.1)

        def forward(self, x: Any, mask: Any) -> Any:
            extended = (1.0 - mask[:, None, None, :].float()) * -1e4
            for layer in self.layers:
                x = layer(x, attention_mask=extended)
                x = x[0] if isinstance(x, tuple) else x
            pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
            return self.head(self.drop(pooled))

    return Top()


class PairEncoder:
    def __init__(
        self,
        network: Any,
        temperature: float,
        metadata: dict[str, str],
        frozen: int = FROZEN_LAYERS,
    ) -> None:
        self.network = network.eval()
        self.frozen = frozen
        self.temperature = temperature
        self.metadata = metadata
        self._lock = threading.Lock()

    def probabilities(self, claims: Sequence[str], texts: Sequence[str]) -> np.ndarray:
        """One row of calibrated probabilities per (claim, text) pair, in LABELS order."""
        import torch

        rows = [np.zeros((0, len(LABELS)), dtype=np.float32)]
        for start in range(0, len(claims), BATCH):
            states, mask = frozen_states(
                claims[start : start + BATCH], texts[start : start + BATCH], self.frozen
            )
            with self._lock, torch.no_grad():
                logits = self.network(states, mask) / self.temperature
            rows.append(torch.softmax(logits, dim=1).numpy().astype(np.float32))
        return np.concatenate(rows)

    def save(self, path: Path) -> None:
        from safetensors.numpy import save_file

        tensors = {
            name: value.detach().numpy().astype(np.float16)
            for name, value in self.network.state_dict().items()
        }
        tensors["temperature"] = np.array([self.temperature], dtype=np.float32)
        meta = {**self.metadata, "labels": json.dumps(LABELS)}
        meta["frozen_layers"] = str(self.frozen)
        save_file(tensors, str(path), metadata=meta)

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> PairEncoder:
        import torch
        from safetensors import safe_open

        with safe_open(str(path), framework="numpy") as handle:
            tensors = {name: handle.get_tensor(name) for name in handle.keys()}
            metadata = dict(handle.metadata() or {})
        frozen = metadata.get("frozen_layers", "")
        if json.loads(metadata.get("labels", "[]")) != list(LABELS) or not frozen.isdigit():
            raise ValueError(f"{path} was trained for another set-up; retrain it")
        temperature = float(tensors.pop("temperature")[0])
        network = top_network(int(frozen))
        network.load_state_dict(
            {name: torch.from_numpy(value.astype(np.float32)) for name, value in tensors.items()}
        )
        return cls(network, temperature, metadata, int(frozen))


_loaded: PairEncoder | None = None
_load_lock = threading.Lock()


def pair_encoder() -> PairEncoder:
    """The shipped encoder, loaded once per process."""
    global _loaded
    if _loaded is None:
        with _load_lock:
            if _loaded is None:
                _loaded = PairEncoder.load()
    return _loaded
