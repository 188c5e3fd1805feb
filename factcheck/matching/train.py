"""Train the cross-attention pair reader (`cross.py`) on FNC-1, ARC and Emergent.

    python -m factcheck.matching.train [--fnc DIR] [--arc DIR] [--emergent CSV]
        [--out FILE] [--epochs N]

The corpora are split as `devsets` splits them (Emergent by claim; FNC-1 and ARC by body and
headline); a tenth of the training groups (`held_back`; with `--held-stories`, whole
stories) is held back for early stopping, the per-class bias and the calibration
temperature, and the dev parts are only scored (printed, and kept in the file's metadata).
all-MiniLM-L6-v2 stays frozen: every sentence is encoded once, and the network trains on
its token vectors. About 20 to 40 minutes on two cores.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from factcheck.matching import cross, devsets, embeddings
from factcheck.matching.devsets import Example
from factcheck.matching.features import LABELS, SCALAR_FEATURES, pair_features
from factcheck.matching.metrics import score
from factcheck.matching.passages import split_sentences

HIDDEN = 128


def _parts(keys: list[str], seed: int) -> dict[str, int]:
    """0 train (70%), 1 validation (10%), 2 dev (20%), by a seeded shuffle of the keys."""
    order = np.random.default_rng(seed).permutation(len(keys))
    n = len(keys)
    return {
        keys[i]: 0 if rank < 0.7 * n else (1 if rank < 0.8 * n else 2)
        for rank, i in enumerate(order)
    }


HELD_SHARE = 0.15  # of each corpus's training groups, in whole stories (`--held-stories`)


def stories(parts: dict[str, list[Example]]) -> dict[str, str]:
    """Each training group ("corpus:claim or headline") and its story: the groups joined by
    what they share. FNC-1 and ARC headlines are joined through the bodies they are related
    to (every headline of one claim is paired with that claim's articles), and any two groups
    through the same text: FNC-1 was built from Emergent's articles, so an Emergent claim
    joins the FNC-1 headlines that are its own articles' headlines. Holding back whole stories
    keeps a held-back headline out of every reader's training under another corpus's name."""
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        parent.setdefault(key, key)
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    def join(a: str, b: str) -> None:
        parent[find(a)] = find(b)

    for name, part in parts.items():
        for e in part:
            group = f"{name}:{e.group}"
            if name == "emergent":
                join(group, "text:" + _plain(e.text))
            else:
                join(group, "text:" + _plain(e.claim))
                if e.label != "unrelated":
                    join(group, f"{name}:body:{e.body}")
    groups = {f"{name}:{e.group}" for name, part in parts.items() for e in part}
    return {g: find(g) for g in groups}


def _plain(text: str) -> str:
    return " ".join(text.lower().split())


SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def corpus_parser(description: str, out: Path) -> argparse.ArgumentParser:
    """The arguments every trainer takes: the three corpora (all three define the held-back
    set, whichever a trainer reads), where the weights go, and the split's seed."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--fnc", type=Path, default=SHARED_DATA / "fnc1", help="FNC-1 folder")
    parser.add_argument("--arc", type=Path, default=SHARED_DATA / "arc", help="ARC folder")
    parser.add_argument(
        "--emergent",
        type=Path,
        default=SHARED_DATA / "emergent" / "emergent-train.csv",
        help="Emergent train CSV",
    )
    parser.add_argument("--out", type=Path, default=out)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--held-stories",
        action="store_true",
        help="hold back whole stories (`train.stories`), none of them trained on under any "
        "corpus's name, instead of a tenth of the groups",
    )
    return parser


def corpus_args(parser: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    """Parsed arguments; a corpus path that does not exist stops the command."""
    args = parser.parse_args(argv)
    for name in ("fnc", "arc", "emergent"):
        if not getattr(args, name).exists():
            raise SystemExit(f"--{name}: {getattr(args, name)} does not exist")
    return args


def held_back(args: argparse.Namespace, seed: int) -> set[str]:
    """The training groups ("corpus:claim or headline") held back from every reader's
    training for early stopping and calibration: a tenth of the train parts' groups of the
    corpora `args` names, by a seeded shuffle. Every trainer and `bench/emergent_eval.py
    --part held` use this one set, so what one reader was not trained on, none was.

    With `args.held_stories`: whole stories (`stories`) instead, drawn by a seeded shuffle
    until they hold `HELD_SHARE` of each corpus's training groups, so that no reader was
    trained on a held-back headline under another corpus's name either (an experiment's
    set-up: the shipped readers hold back the tenth; docs/engine.md)."""
    if not getattr(args, "held_stories", False):
        groups = {
            f"{name}:{e.group}" for name, part in _corpus(args, "train").items() for e in part
        }
        return {g for g, which in _parts(sorted(groups), seed).items() if which == 1}
    story = stories(_corpus(args, "train"))
    members: dict[str, list[str]] = {}
    for group in sorted(story):
        members.setdefault(story[group], []).append(group)
    order = sorted(members)
    total = Counter(g.split(":")[0] for g in story)
    held: set[str] = set()
    taken: Counter[str] = Counter()
    for i in np.random.default_rng(seed).permutation(len(order)):
        corpora = {g.split(":")[0] for g in members[order[i]]}
        if all(taken[c] >= HELD_SHARE * total[c] for c in corpora):
            continue  # each corpus gets its share: a story is taken for one still short
        held.update(members[order[i]])
        taken.update(g.split(":")[0] for g in members[order[i]])
    return held


def _corpus(args: argparse.Namespace, which: str) -> dict[str, list[Example]]:
    """Each corpus's examples of one part (devsets: split by claim, body and headline)."""
    found: dict[str, list[Example]] = {}
    if args.fnc:
        found["fnc1"] = devsets.fnc_format(
            args.fnc / "train_bodies.csv", args.fnc / "train_stances.csv", which, "fnc1"
        )
    if args.arc:
        found["arc"] = devsets.fnc_format(
            args.arc / "arc_bodies.csv", args.arc / "arc_stances_train.csv", which, "arc"
        )
    if args.emergent:
        found["emergent"] = devsets.emergent(args.emergent, which)
    return found


def tune_bias_logits(logits: np.ndarray, y_val: np.ndarray) -> np.ndarray:
    """Per-class logit offsets that raise validation macro-F1 (rare classes are
    under-predicted by a network trained on skewed data)."""
    gold = [LABELS[i] for i in y_val]
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


def calibrate_logits(logits: np.ndarray, y_val: np.ndarray) -> float:
    """The temperature that makes validation probabilities honest (least log-loss), so a
    reading's confidence can be compared with a floor."""
    best, best_loss = 1.0, float("inf")
    for t in np.linspace(0.5, 3.0, 51):
        z = logits / t
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        loss = -float(np.mean(np.log(np.maximum(p[np.arange(len(y_val)), y_val], 1e-12))))
        if loss < best_loss:
            best, best_loss = float(t), loss
    return best


class _Rows:
    """Every pair as (claim tokens, passage tokens, scalar features, label)."""

    def __init__(self, examples: list[Example], say: Callable[[str], None]) -> None:
        texts = sorted({e.claim for e in examples})
        sentences = {}
        for e in examples:
            if e.text not in sentences:
                sentences[e.text] = [s.text for s in split_sentences(e.text)] or [e.text]
        flat = sorted({s for parts in sentences.values() for s in parts} | set(texts))
        say(f"encoding {len(flat)} texts (sentence and token vectors)")
        vectors, tokens = _encode(flat, say)
        at = {t: i for i, t in enumerate(flat)}
        self.claims: list[np.ndarray] = []
        self.passages: list[np.ndarray] = []
        scalars = []
        for n, e in enumerate(examples):
            if n and n % 10_000 == 0:
                say(f"pairs {n}/{len(examples)}")
            parts = sentences[e.text]
            part_vectors = np.stack([vectors[at[s]] for s in parts])
            features = pair_features(e.claim, vectors[at[e.claim]], parts, part_vectors)
            scalars.append(features.vector[: len(SCALAR_FEATURES)])
            chosen = cross.passage_indexes(features.similarities)
            self.claims.append(tokens[at[e.claim]])
            self.passages.append(cross.passage_tokens([tokens[at[parts[i]]] for i in chosen]))
        self.scalars = np.stack(scalars).astype(np.float32)
        self.labels = np.array([LABELS.index(e.label) for e in examples])


def _encode(texts: list[str], say: Callable[[str], None]) -> tuple[np.ndarray, list[np.ndarray]]:
    vectors = embeddings.encode(texts, batch_size=128)
    tokens: list[np.ndarray] = []
    step = 4096
    for start in range(0, len(texts), step):
        tokens += [
            t.astype(np.float16) for t in embeddings.token_vectors(texts[start : start + step])
        ]
        say(f"  tokens {min(start + step, len(texts))}/{len(texts)}")
    return vectors, tokens


def _network(features: int) -> Any:
    import torch

    class Net(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.proj = torch.nn.Linear(embeddings.DIMENSIONS, HIDDEN)
            self.cmp = torch.nn.Linear(4 * HIDDEN, HIDDEN)
            self.out1 = torch.nn.Linear(4 * HIDDEN + features, HIDDEN)
            self.out2 = torch.nn.Linear(HIDDEN, len(LABELS))
            self.drop = torch.nn.Dropout(0.2)

        def forward(self, c: Any, cm: Any, p: Any, pm: Any, s: Any) -> Any:
            a, b = self.proj(c), self.proj(p)
            e = a @ b.transpose(1, 2) / math.sqrt(HIDDEN)
            a_seen = torch.softmax(e.masked_fill(~pm[:, None, :], -1e4), dim=2) @ b
            b_seen = torch.softmax(e.masked_fill(~cm[:, :, None], -1e4), dim=1).transpose(1, 2) @ a
            ma = torch.relu(self.cmp(torch.cat([a, a_seen, a - a_seen, a * a_seen], -1)))
            mb = torch.relu(self.cmp(torch.cat([b, b_seen, b - b_seen, b * b_seen], -1)))
            ma, mb = ma * cm[..., None], mb * pm[..., None]
            x = torch.cat(
                [
                    ma.max(1).values,
                    ma.sum(1) / cm.sum(1, keepdim=True),
                    mb.max(1).values,
                    mb.sum(1) / pm.sum(1, keepdim=True),
                    s,
                ],
                -1,
            )
            return self.out2(self.drop(torch.relu(self.out1(self.drop(x)))))

    return Net()


def _batch(rows: _Rows, index: np.ndarray, mean: np.ndarray, std: np.ndarray) -> tuple[Any, ...]:
    import torch

    def pad(arrays: list[np.ndarray], limit: int) -> tuple[Any, Any]:
        length = min(limit, max(len(a) for a in arrays))
        out = np.zeros((len(arrays), length, embeddings.DIMENSIONS), np.float32)
        mask = np.zeros((len(arrays), length), bool)
        for k, a in enumerate(arrays):
            n = min(len(a), length)
            out[k, :n], mask[k, :n] = a[:n], True
        return torch.from_numpy(out), torch.from_numpy(mask)

    c, cm = pad([rows.claims[i] for i in index], cross.MAX_CLAIM_TOKENS)
    p, pm = pad([rows.passages[i] for i in index], cross.MAX_PASSAGE_TOKENS)
    s = torch.from_numpy((rows.scalars[index] - mean) / std)
    return c, cm, p, pm, s


def _logits(
    net: Any, rows: _Rows, index: np.ndarray, mean: np.ndarray, std: np.ndarray
) -> np.ndarray:
    import torch

    net.eval()
    out = []
    with torch.no_grad():
        for start in range(0, len(index), 256):
            out.append(net(*_batch(rows, index[start : start + 256], mean, std)).numpy())
    return np.concatenate(out) if out else np.zeros((0, len(LABELS)))


def main(argv: list[str] | None = None) -> None:
    import torch

    parser = corpus_parser(__doc__.split("\n")[0], cross.MODEL_PATH)
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--emergent-weight", type=int, default=3)
    args = corpus_args(parser, argv)
    started = time.time()

    def say(message: str) -> None:
        print(f"[{time.time() - started:5.0f} s] {message}", flush=True)

    torch.manual_seed(args.seed)
    train_parts, dev_parts = _corpus(args, "train"), _corpus(args, "dev")
    examples: list[Example] = []
    groups: list[str] = []
    for name, part in train_parts.items():
        repeat = args.emergent_weight if name == "emergent" else 1
        examples += part * repeat
        groups += [f"{name}:{e.group}" for e in part] * repeat
        say(f"{name}: {len(part)} train pairs (x{repeat}), {len(dev_parts[name])} dev pairs")
    rows = _Rows(examples, say)
    held = held_back(args, args.seed)
    is_val = np.array([g in held for g in groups])
    train, val = np.where(~is_val)[0], np.where(is_val)[0]
    mean = rows.scalars[train].mean(axis=0)
    std = rows.scalars[train].std(axis=0) + 1e-6
    counts = np.bincount(rows.labels[train], minlength=len(LABELS)).astype(np.float64)
    weights = torch.tensor((counts.sum() / np.maximum(counts, 1)) ** 0.5, dtype=torch.float32)
    net = _network(len(SCALAR_FEATURES))
    optimiser = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss(weight=weights / weights.mean())
    labels = torch.from_numpy(rows.labels)
    best: tuple[float, dict[str, Any]] | None = None
    patience = 0
    rng = np.random.default_rng(args.seed)
    gold_val = [LABELS[i] for i in rows.labels[val]]
    for epoch in range(args.epochs):
        net.train()
        order = rng.permutation(train)
        for start in range(0, len(order), 64):
            index = order[start : start + 64]
            optimiser.zero_grad()
            loss = loss_fn(net(*_batch(rows, index, mean, std)), labels[index])
            loss.backward()
            optimiser.step()
        predicted = _logits(net, rows, val, mean, std).argmax(axis=1)
        f1 = score(gold_val, [LABELS[i] for i in predicted]).macro_f1
        say(f"epoch {epoch + 1}: validation macro-F1 {f1:.3f}")
        if best is None or f1 > best[0] + 1e-4:
            best = (f1, {k: v.detach().clone() for k, v in net.state_dict().items()})
            patience = 0
        else:
            patience += 1
            if patience >= 3:
                break
    assert best is not None
    net.load_state_dict(best[1])
    val_logits = _logits(net, rows, val, mean, std)
    bias = tune_bias_logits(val_logits, rows.labels[val])
    temperature = calibrate_logits(val_logits + bias, rows.labels[val])
    state = net.state_dict()
    model = cross.CrossModel(
        weights={
            "proj_w": state["proj.weight"].numpy().T,
            "proj_b": state["proj.bias"].numpy(),
            "cmp_w": state["cmp.weight"].numpy().T,
            "cmp_b": state["cmp.bias"].numpy(),
            "out1_w": state["out1.weight"].numpy().T,
            "out1_b": state["out1.bias"].numpy(),
            "out2_w": state["out2.weight"].numpy().T,
            "out2_b": state["out2.bias"].numpy(),
        },
        mean=mean.astype(np.float32),
        std=std.astype(np.float32),
        bias=bias.astype(np.float32),
        temperature=temperature,
    )
    say(f"validation macro-F1 {best[0]:.3f}; temperature {temperature:.2f}")
    reports = {}
    for name, part in dev_parts.items():
        dev = _Rows(part, lambda m: None)
        predicted = [
            LABELS[int(np.argmax(model.probabilities(c, p, s)))]
            for c, p, s in zip(dev.claims, dev.passages, dev.scalars, strict=True)
        ]
        result = score([LABELS[i] for i in dev.labels], predicted)
        print(f"{name} dev ({len(part)} pairs, never trained on):\n{result.report()}", flush=True)
        reports[name] = {
            "fnc_score": result.fnc_score,
            "macro_f1": result.macro_f1,
            "f1": result.f1,
        }
    final = cross.CrossModel(
        **{
            **model.__dict__,
            "metadata": {
                "trained_on": ", ".join(f"{n} train part" for n in train_parts),
                "split_seed": str(args.seed),
                "validation_macro_f1": f"{best[0]:.4f}",
                "dev_scores": json.dumps(reports),
            },
        }
    )
    final.save(args.out)
    say(f"wrote {args.out} ({args.out.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
