"""Train the pair encoder (`encoder.py`): all-MiniLM-L6-v2's top layers fine-tuned as a
cross-encoder on (claim, text) pairs.

    python -m factcheck.matching.train_encoder [--fnc DIR] [--emergent CSV] [--out FILE]
        [--epochs N] [--fnc-pairs N]

Data: the train parts (`devsets`) of Emergent (claim against headline; twice over) and
FNC-1 (headline against the body's best two sentences: `--fnc-pairs` related pairs and a
quarter as many unrelated ones, drawn with a fixed seed; with `--held-stories`, none of a
held-back story). The held-back Emergent claims (the same as the other readers',
`train.held_back`) are the validation set: the epoch
kept is the one best on them (macro-F1), and the calibration temperature is fitted on them.
The dev parts are only scored. The bottom layers are frozen, so each pair goes through them
once (cached) and the epochs train the top layers only. About 6 minutes on two cores.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from factcheck.matching import cross, devsets, embeddings, encoder
from factcheck.matching.features import LABELS
from factcheck.matching.metrics import score
from factcheck.matching.passages import split_sentences
from factcheck.matching.train import calibrate_logits, corpus_args, corpus_parser, held_back

Pair = tuple[str, str, str]  # claim, text, label


def _fnc_pairs(folder: Path, count: int, seed: int, held: set[str]) -> list[Pair]:
    examples = [
        e
        for e in devsets.fnc_format(
            folder / "train_bodies.csv", folder / "train_stances.csv", "train", "fnc1"
        )
        if f"fnc1:{e.group}" not in held
    ]
    rng = np.random.default_rng(seed)
    related = [e for e in examples if e.label != "unrelated"]
    unrelated = [e for e in examples if e.label == "unrelated"]
    picked = [related[i] for i in rng.permutation(len(related))[:count]]
    picked += [unrelated[i] for i in rng.permutation(len(unrelated))[: count // 4]]
    bodies = {e.text: [s.text for s in split_sentences(e.text)] or [e.text] for e in picked}
    flat = sorted({s for parts in bodies.values() for s in parts})
    vectors = dict(zip(flat, embeddings.encode(flat, batch_size=128), strict=True))
    heads = sorted({e.claim for e in picked})
    head_vectors = dict(zip(heads, embeddings.encode(heads), strict=True))
    pairs = []
    for e in picked:
        parts = bodies[e.text]
        similarities = np.array([vectors[s] @ head_vectors[e.claim] for s in parts])
        passage = " ".join(parts[i] for i in cross.passage_indexes(similarities))
        pairs.append((e.claim, passage, e.label))
    return pairs


def _cache(pairs: list[Pair], say: Callable[[str], None], frozen: int) -> list[Any]:
    """Each pair's states after the frozen layers (float16, padding dropped)."""
    order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
    states: list[Any] = [None] * len(pairs)
    for start in range(0, len(order), 64):
        chunk = order[start : start + 64]
        hidden, mask = encoder.frozen_states(
            [pairs[i][0] for i in chunk], [pairs[i][1] for i in chunk], frozen
        )
        for k, i in enumerate(chunk):
            states[i] = hidden[k, : int(mask[k].sum())].half()
        if start and start % 2048 == 0:
            say(f"  frozen layers {start}/{len(pairs)}")
    return states


def _batch(states: list[Any], index: list[int]) -> tuple[Any, Any]:
    import torch

    n = max(states[i].shape[0] for i in index)
    x = torch.zeros(len(index), n, embeddings.DIMENSIONS)
    mask = torch.zeros(len(index), n, dtype=torch.long)
    for k, i in enumerate(index):
        x[k, : states[i].shape[0]] = states[i].float()
        mask[k, : states[i].shape[0]] = 1
    return x, mask


def _logits(network: Any, states: list[Any]) -> np.ndarray:
    import torch

    network.eval()
    out = []
    with torch.no_grad():
        for start in range(0, len(states), 128):
            index = list(range(start, min(start + 128, len(states))))
            out.append(network(*_batch(states, index)).numpy())
    return np.concatenate(out) if out else np.zeros((0, len(LABELS)))


def main(argv: list[str] | None = None) -> None:
    import torch

    parser = corpus_parser(__doc__.split("\n")[0], encoder.MODEL_PATH)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--fnc-pairs", type=int, default=1500)
    parser.add_argument("--lr", type=float, default=4e-5)
    parser.add_argument(
        "--frozen", type=int, default=encoder.FROZEN_LAYERS, help="bottom layers kept frozen"
    )
    parser.add_argument(
        "--init-seed",
        type=int,
        default=None,
        help="seed of the weights' start, the batch order and the FNC-1 sample (default: "
        "--seed, which also picks the held-back claims)",
    )
    args = corpus_args(parser, argv)
    started = time.time()

    def say(message: str) -> None:
        print(f"[{time.time() - started:5.0f} s] {message}", flush=True)

    init_seed = args.seed if args.init_seed is None else args.init_seed
    torch.manual_seed(init_seed)
    random.seed(init_seed)
    train = devsets.emergent(args.emergent, "train")
    dev = devsets.emergent(args.emergent, "dev")
    held = held_back(args, args.seed)  # the same claims the other readers hold back
    validation = [(e.claim, e.text, e.label) for e in train if f"emergent:{e.group}" in held]
    fitting = [(e.claim, e.text, e.label) for e in train if f"emergent:{e.group}" not in held]
    pairs = fitting * 2 + _fnc_pairs(
        args.fnc, args.fnc_pairs, init_seed, held if args.held_stories else set()
    )
    say(f"{len(pairs)} training pairs, {len(validation)} validation, {len(dev)} dev")
    states = _cache(pairs, say, args.frozen)
    validation_states = _cache(validation, say, args.frozen)
    labels = torch.tensor([LABELS.index(p[2]) for p in pairs])
    network = encoder.top_network(args.frozen)
    optimiser = torch.optim.AdamW(network.parameters(), lr=args.lr, weight_decay=0.01)
    counts = np.bincount(labels.numpy(), minlength=len(LABELS)).astype(np.float64)
    weights = torch.tensor((counts.sum() / np.maximum(counts, 1)) ** 0.5, dtype=torch.float32)
    loss_fn = torch.nn.CrossEntropyLoss(weight=weights / weights.mean())
    lengths = [s.shape[0] for s in states]
    gold = [p[2] for p in validation]
    best: tuple[float, dict[str, Any]] | None = None
    for epoch in range(args.epochs):
        network.train()
        order = [int(i) for i in np.random.default_rng(init_seed + epoch).permutation(len(pairs))]
        # Batches of similar length (less padding), in random order.
        chunks = [
            sorted(order[j : j + 512], key=lambda i: lengths[i]) for j in range(0, len(order), 512)
        ]
        batches = [c[k : k + 16] for c in chunks for k in range(0, len(c), 16)]
        random.shuffle(batches)
        for index in batches:
            optimiser.zero_grad()
            loss = loss_fn(network(*_batch(states, index)), labels[index])
            loss.backward()
            optimiser.step()
        predicted = _logits(network, validation_states)[:, :3].argmax(axis=1)
        scored = score(gold, [LABELS[i] for i in predicted])
        f1 = scored.macro_f1
        say(f"epoch {epoch + 1}: validation macro-F1 {f1:.3f}, accuracy {scored.accuracy:.3f}")
        if best is None or f1 > best[0] + 1e-4:
            best = (f1, {k: v.detach().clone() for k, v in network.state_dict().items()})
    assert best is not None
    network.load_state_dict(best[1])
    validation_logits = _logits(network, validation_states)
    temperature = calibrate_logits(
        validation_logits, np.array([LABELS.index(label) for label in gold])
    )
    model = encoder.PairEncoder(
        network,
        temperature,
        {
            "trained_on": "emergent train part, fnc1 train part (sampled)",
            "split_seed": str(args.seed),
            "validation_macro_f1": f"{best[0]:.4f}",
        },
        args.frozen,
    )
    probabilities = model.probabilities([e.claim for e in dev], [e.text for e in dev])
    result = score([e.label for e in dev], [LABELS[i] for i in probabilities[:, :3].argmax(1)])
    print(f"emergent dev ({len(dev)} pairs, never trained on):\n{result.report()}", flush=True)
    model.metadata["dev_scores"] = json.dumps({"emergent": {"macro_f1": result.macro_f1}})
    model.save(args.out)
    say(f"validation macro-F1 {best[0]:.3f}; temperature {temperature:.2f}; wrote {args.out}")


if __name__ == "__main__":
    main()
