"""Train the feature reader (`feature_model.py`) on FNC-1, ARC and Emergent.

    python -m factcheck.matching.train_features [--fnc DIR] [--arc DIR] [--emergent CSV]
        [--out FILE]

Each corpus is split as `devsets` splits it (Emergent by claim; FNC-1 and ARC by body and
headline): the train parts are trained on, a tenth of their claims held back for early
stopping, the per-class bias and the calibration temperature; the dev parts are only scored,
and their scores go into the file's metadata and docs/engine.md.
"""

from __future__ import annotations

import json
import time

import numpy as np

from factcheck.matching.devsets import Example
from factcheck.matching.feature_model import MODEL_PATH, StanceModel
from factcheck.matching.features import LABELS, SCALAR_FEATURES
from factcheck.matching.fnc import Pair, build_features
from factcheck.matching.metrics import score
from factcheck.matching.train import (
    _corpus,
    calibrate_logits,
    corpus_args,
    corpus_parser,
    held_back,
    tune_bias_logits,
)


def _train_network(
    x: np.ndarray,
    y: np.ndarray,
    x_val: np.ndarray,
    y_val: np.ndarray,
    *,
    seed: int,
    epochs: int,
    hidden: int,
) -> tuple[StanceModel, float]:
    import torch

    torch.manual_seed(seed)
    torch.set_num_threads(max(1, torch.get_num_threads()))
    mean = x.mean(axis=0)
    std = x.std(axis=0) + 1e-6
    xt = torch.tensor((x - mean) / std, dtype=torch.float32)
    yt = torch.tensor(y, dtype=torch.long)
    counts = np.bincount(y, minlength=len(LABELS)).astype(np.float64)
    weights = torch.tensor((counts.sum() / np.maximum(counts, 1)) ** 0.5, dtype=torch.float32)
    net = torch.nn.Sequential(
        torch.nn.Dropout(0.1),
        torch.nn.Linear(x.shape[1], hidden),
        torch.nn.ReLU(),
        torch.nn.Dropout(0.3),
        torch.nn.Linear(hidden, len(LABELS)),
    )
    optimiser = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss(weight=weights / weights.mean())
    best: tuple[float, StanceModel] | None = None
    patience = 0
    generator = torch.Generator().manual_seed(seed)
    for epoch in range(epochs):
        net.train()
        for batch in torch.split(torch.randperm(len(xt), generator=generator), 256):
            optimiser.zero_grad()
            loss = loss_fn(net(xt[batch]), yt[batch])
            loss.backward()
            optimiser.step()
        net.eval()
        model = _export(net, mean, std)
        f1 = score([LABELS[i] for i in y_val], model.predict(x_val)).macro_f1
        print(f"  epoch {epoch + 1}: validation macro-F1 {f1:.3f}", flush=True)
        if best is None or f1 > best[0] + 1e-4:
            best, patience = (f1, model), 0
        else:
            patience += 1
            if patience >= 5:
                break
    assert best is not None
    return best[1], best[0]


def _export(net: object, mean: np.ndarray, std: np.ndarray) -> StanceModel:
    layers = [m for m in net if hasattr(m, "weight")]  # type: ignore[attr-defined]
    first, second = layers
    return StanceModel(
        mean=mean.astype(np.float32),
        std=std.astype(np.float32),
        w1=first.weight.detach().numpy().T.copy(),
        b1=first.bias.detach().numpy().copy(),
        w2=second.weight.detach().numpy().T.copy(),
        b2=second.bias.detach().numpy().copy(),
        bias=np.zeros(len(LABELS), dtype=np.float32),
        metadata={},
    )


def tune_bias(model: StanceModel, x_val: np.ndarray, y_val: np.ndarray) -> np.ndarray:
    return tune_bias_logits(np.log(np.maximum(model.probabilities(x_val), 1e-12)), y_val)


def calibrate(model: StanceModel, x_val: np.ndarray, y_val: np.ndarray) -> float:
    return calibrate_logits(np.log(np.maximum(model.probabilities(x_val), 1e-12)), y_val)


def _as_pairs(name: str, examples: list[Example]) -> tuple[list[Pair], dict[str, str]]:
    """FNC-style pairs over one body table (Emergent's headline is its own one-line body)."""
    bodies: dict[str, str] = {}
    pairs = []
    for e in examples:
        body_id = f"{name}:{e.body or e.text}"
        bodies[body_id] = e.text
        pairs.append(Pair(e.claim, body_id, e.label))
    return pairs, bodies


def main(argv: list[str] | None = None) -> None:
    parser = corpus_parser(__doc__.split("\n")[0], MODEL_PATH)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument(
        "--emergent-weight", type=int, default=3, help="times each Emergent pair is repeated"
    )
    args = corpus_args(parser, argv)

    started = time.time()
    train_parts = _corpus(args, "train")
    dev_parts = _corpus(args, "dev")
    pairs: list[Pair] = []
    bodies: dict[str, str] = {}
    groups: list[str] = []
    for name, examples in train_parts.items():
        repeat = args.emergent_weight if name == "emergent" else 1
        more, texts = _as_pairs(name, examples)
        bodies.update(texts)
        for _ in range(repeat):
            pairs += more
            groups += [f"{name}:{e.group}" for e in examples]
        print(
            f"{name}: {len(examples)} train pairs (x{repeat}), {len(dev_parts[name])} dev pairs",
            flush=True,
        )
    features = build_features(pairs, bodies, progress=lambda m: print("  " + m, flush=True))
    labels = np.array([LABELS.index(p.stance) for p in pairs])
    # Validation (early stopping, per-class bias, calibration): a tenth of the training
    # claims, by a seeded shuffle of the claims; dev parts are never touched here.
    held = held_back(args, args.seed)
    is_val = np.array([g in held for g in groups])
    train, val = np.where(~is_val)[0], np.where(is_val)[0]
    print(f"{len(train)} training rows, {len(val)} validation rows", flush=True)
    model, val_f1 = _train_network(
        features[train],
        labels[train],
        features[val],
        labels[val],
        seed=args.seed,
        epochs=args.epochs,
        hidden=args.hidden,
    )
    bias = tune_bias(model, features[val], labels[val])
    tuned = StanceModel(**{**model.__dict__, "bias": bias})
    temperature = calibrate(tuned, features[val], labels[val])
    tuned = StanceModel(**{**tuned.__dict__, "temperature": np.array([temperature], "f4")})
    print(f"calibration temperature {temperature:.2f}")
    reports = {}
    for name, examples in dev_parts.items():
        dev_pairs, dev_bodies = _as_pairs(name, examples)
        dev_x = build_features(dev_pairs, dev_bodies)
        result = score([p.stance for p in dev_pairs], tuned.predict(dev_x))
        print(f"{name} dev ({len(dev_pairs)} pairs, never trained on):")
        print(result.report())
        reports[name] = {
            "fnc_score": result.fnc_score,
            "macro_f1": result.macro_f1,
            "f1": result.f1,
        }
    metadata = {
        "labels": json.dumps(LABELS),
        "scalar_features": json.dumps(SCALAR_FEATURES),
        "trained_on": ", ".join(f"{n} train part" for n in train_parts),
        "split_seed": str(args.seed),
        "validation_macro_f1": f"{val_f1:.4f}",
        "dev_scores": json.dumps(reports),
    }
    final = StanceModel(**{**tuned.__dict__, "metadata": metadata})
    final.save(args.out)
    print(
        f"wrote {args.out} ({args.out.stat().st_size // 1024} KiB) in {time.time() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
