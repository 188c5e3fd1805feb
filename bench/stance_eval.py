"""Predict FNC-1 stances for any pair of FNC-format files and score them when labelled.

    python bench/stance_eval.py --bodies B.csv --stances S.csv --out predictions.csv
    python bench/stance_eval.py --dev fnc1|arc [--data DIR] [--held]

Writes the stances file back with its columns and a predicted `Stance` (agree, disagree,
discuss, unrelated). When the input carries gold `Stance` labels, prints the FNC-1 score,
macro-F1, per-class F1 and the confusion matrix. `--dev` scores the dev part of FNC-1 or ARC
(`factcheck.matching.devsets`: bodies and headlines never trained on); `--held` scores the
tenth of its train part's groups that no reader was trained on (`train.held_back`), where
choices are made. Predictions are the engine's learned readers (`factcheck.matching.learned`)
on the whole body.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from factcheck.matching import devsets  # noqa: E402
from factcheck.matching.fnc import Pair, read_bodies, read_stances  # noqa: E402
from factcheck.matching.learned import predict_pairs  # noqa: E402
from factcheck.matching.metrics import score  # noqa: E402
from factcheck.matching.train import held_back  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
DEV_FILES = {
    "fnc1": ("fnc1", "train_bodies.csv", "train_stances.csv"),
    "arc": ("arc", "arc_bodies.csv", "arc_stances_train.csv"),
}


def _emergent_file(shared: Path) -> Path:
    return shared / "emergent" / "emergent-train.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bodies", type=Path)
    parser.add_argument("--stances", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--dev", choices=sorted(DEV_FILES))
    parser.add_argument("--data", type=Path, help="folder of the --dev corpus")
    parser.add_argument(
        "--held", action="store_true", help="with --dev: the held-back training groups instead"
    )
    parser.add_argument(
        "--held-stories",
        action="store_true",
        help="with --held: the whole stories readers trained with --held-stories hold back",
    )
    parser.add_argument(
        "--paired",
        action="store_true",
        help="average the cross reader with the pair encoder (headline against the same passage)",
    )
    args = parser.parse_args()

    started = time.time()
    if args.dev:
        folder, bodies_name, stances_name = DEV_FILES[args.dev]
        base = args.data or SHARED / folder
        if not (base / stances_name).exists():
            raise SystemExit(f"no {stances_name} in {base}")
        if args.held:
            shared = base.parent
            corpora = argparse.Namespace(
                fnc=shared / "fnc1",
                arc=shared / "arc",
                emergent=_emergent_file(shared),
                held_stories=args.held_stories,
            )
            held = held_back(corpora, 13)
            examples = [
                e
                for e in devsets.fnc_format(
                    base / bodies_name, base / stances_name, "train", args.dev
                )
                if f"{args.dev}:{e.group}" in held
            ]
        else:
            examples = devsets.fnc_format(base / bodies_name, base / stances_name, "dev", args.dev)
        bodies = {e.body: e.text for e in examples}
        pairs = [Pair(e.claim, e.body, e.label) for e in examples]
        rows: list[dict[str, str]] = []
    else:
        if not (args.bodies and args.stances and args.out):
            parser.error("give --bodies, --stances and --out, or --dev")
        bodies = read_bodies(args.bodies)
        pairs, rows = read_stances(args.stances)
        missing = sorted({p.body_id for p in pairs} - set(bodies))
        if missing:
            raise SystemExit(f"{len(missing)} body ids are not in {args.bodies}: {missing[:5]}")
    predicted = predict_pairs(
        pairs, bodies, paired=args.paired, progress=lambda m: print(m, file=sys.stderr)
    )
    if args.out:
        fields = list(rows[0].keys()) if rows else ["Headline", "Body ID", "Stance"]
        if "Stance" not in fields:
            fields.append("Stance")
        with open(args.out, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            for row, label in zip(rows, predicted, strict=True):
                writer.writerow({**row, "Stance": label})
    elapsed = time.time() - started
    print(
        f"{len(pairs)} pairs predicted in {elapsed:.0f} s "
        f"({len(pairs) / max(elapsed, 1e-9):.0f} pairs/s, embedding included)"
    )
    if pairs and all(p.stance for p in pairs):
        print(score([p.stance for p in pairs], predicted).report())


if __name__ == "__main__":
    main()
