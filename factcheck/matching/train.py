"""Train the stance classifier on FNC-1 and write it as safetensors.

    python -m factcheck.matching.train --data ../shared/data/fnc1 --out model.safetensors

Bodies are split by id (seeded): 70% train, 10% validation (early stopping and the
per-class bias), 20% dev (reported, never trained on). The dev scores go into the file's
metadata and docs/engine.md.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from factcheck.matching import ENGINE_VERSION
from factcheck.matching.fnc import Pair, build_features, read_bodies, read_stances
from factcheck.matching.metrics import score
from factcheck.matching.stance_model import LABELS, MODEL_PATH, SCALAR_FEATURES, StanceModel


def _parts(keys: list[str], seed: int) -> dict[str, int]:
    """0 train (70%), 1 validation (10%), 2 dev (20%), by a seeded shuffle of the keys."""
    order = np.random.default_rng(seed).permutation(len(keys))
    n = len(keys)
    return {
        keys[i]: 0 if rank < 0.7 * n else (1 if rank < 0.8 * n else 2)
        for rank, i in enumerate(order)
    }


def split_pairs(
    pairs: list[Pair], seed: int, *, strict: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split by body id. `strict` also splits headlines (the claims): a pair belongs to a part
    only when its body and its headline both do, and mixed pairs are left out, so dev claims
    and dev bodies were never seen in training (as in FNC-1's own test set)."""
    bodies = sorted({p.body_id for p in pairs}, key=lambda b: int(b) if b.isdigit() else b)
    body_part = _parts(bodies, seed)
    if strict:
        headline_part = _parts(sorted({p.headline for p in pairs}), seed + 1)
        parts = np.array(
            [
                body_part[p.body_id] if body_part[p.body_id] == headline_part[p.headline] else -1
                for p in pairs
            ]
        )
    else:
        parts = np.array([body_part[p.body_id] for p in pairs])
    return np.where(parts == 0)[0], np.where(parts == 1)[0], np.where(parts == 2)[0]


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
        for batch in torch.randperm(len(xt), generator=generator).split(256):
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
    """Per-class logit offsets that raise validation macro-F1 (rare classes are
    under-predicted by a network trained on skewed data)."""
    gold = [LABELS[i] for i in y_val]
    probabilities = model.probabilities(x_val)
    logits = np.log(np.maximum(probabilities, 1e-12))
    bias = np.zeros(len(LABELS), dtype=np.float32)

    def f1_with(b: np.ndarray) -> float:
        return score(gold, [LABELS[i] for i in (logits + b).argmax(axis=1)]).macro_f1

    current = f1_with(bias)
    for _ in range(3):
        for label in range(len(LABELS)):
            for step in np.linspace(-2.0, 2.0, 41):
                trial = bias.copy()
                trial[label] = step
                value = f1_with(trial)
                if value > current + 1e-4:
                    current, bias = value, trial
    return bias


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--data",
        type=Path,
        required=True,
        help="folder with train_bodies.csv and train_stances.csv",
    )
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument(
        "--strict",
        action="store_true",
        help="split headlines too (dev claims unseen); for evaluation",
    )
    args = parser.parse_args(argv)

    started = time.time()
    bodies = read_bodies(args.data / "train_bodies.csv")
    pairs, _ = read_stances(args.data / "train_stances.csv")
    print(f"{len(pairs)} pairs, {len(bodies)} bodies", flush=True)
    features = build_features(pairs, bodies, progress=lambda m: print("  " + m, flush=True))
    labels = np.array([LABELS.index(p.stance) for p in pairs])
    train, val, dev = split_pairs(pairs, args.seed, strict=args.strict)
    print(
        f"split by body{' and headline' if args.strict else ''}: {len(train)} train, "
        f"{len(val)} validation, {len(dev)} dev pairs"
    )
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
    dev_scores = score([LABELS[i] for i in labels[dev]], tuned.predict(features[dev]))
    print("dev split (never seen in training):")
    print(dev_scores.report())
    metadata = {
        "labels": json.dumps(LABELS),
        "scalar_features": json.dumps(SCALAR_FEATURES),
        "engine_version": ENGINE_VERSION,
        "trained_on": "FNC-1 train, 70% of bodies" + (" and headlines" if args.strict else ""),
        "split_seed": str(args.seed),
        "validation_macro_f1": f"{val_f1:.4f}",
        "dev_scores": json.dumps(
            {
                "fnc_score": dev_scores.fnc_score,
                "macro_f1": dev_scores.macro_f1,
                "f1": dev_scores.f1,
            }
        ),
    }
    final = StanceModel(**{**tuned.__dict__, "metadata": metadata})
    final.save(args.out)
    print(
        f"wrote {args.out} ({args.out.stat().st_size // 1024} KiB) in {time.time() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
