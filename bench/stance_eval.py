"""Predict FNC-1 stances for any pair of FNC-format files and score them when labelled.

    python bench/stance_eval.py --bodies B.csv --stances S.csv --out predictions.csv

Writes the stances file back with its columns and a predicted `Stance` (agree, disagree,
discuss, unrelated). When the input carries gold `Stance` labels, prints the FNC-1 score,
macro-F1, per-class F1 and the confusion matrix. Uses the shipped model unless --model.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from factcheck.matching.fnc import build_features, read_bodies, read_stances
from factcheck.matching.metrics import score
from factcheck.matching.stance_model import MODEL_PATH, StanceModel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bodies", type=Path, required=True)
    parser.add_argument("--stances", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--model", type=Path, default=MODEL_PATH)
    args = parser.parse_args()

    started = time.time()
    model = StanceModel.load(args.model)
    bodies = read_bodies(args.bodies)
    pairs, rows = read_stances(args.stances)
    missing = sorted({p.body_id for p in pairs} - set(bodies))
    if missing:
        raise SystemExit(f"{len(missing)} body ids are not in {args.bodies}: {missing[:5]}")
    features = build_features(pairs, bodies, progress=lambda m: print(m, file=sys.stderr))
    predicted = model.predict(features)
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
