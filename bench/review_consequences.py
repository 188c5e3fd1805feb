"""What a status recompute spends on the review queue: `review_consequences` for a claim
with N unreviewed readings from N/3 origins (no database).

    python bench/review_consequences.py [--sizes 100,1000,3000,10000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from factcheck.facts.corroboration import (
    EvidenceFact,
    Floors,
    Origin,
    SourceRef,
    review_consequences,
)

STANCES = ("supports", "contradicts", "discusses")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,1000,3000,10000")
    args = parser.parse_args()
    print(f"{'readings':>8} {'origins':>8} {'ms':>8}")
    for n in (int(x) for x in args.sizes.split(",")):
        origins = max(1, n // 3)
        facts = [
            EvidenceFact(
                i,
                Origin(f"outlet:{i % origins}", f"Outlet {i % origins}"),
                STANCES[i % 3],
                False,
                SourceRef(i, f"source {i}", "Wire"),
                (0.5, 0.65, 0.8, 0.95)[i % 4],
            )
            for i in range(n)
        ]
        started = time.perf_counter()
        found = review_consequences(
            claimant=Origin("outlet:1", "Outlet 1"), evidence=facts, floors=Floors(0.6, 0.7)
        )
        assert len(found) == n
        print(f"{n:>8} {origins:>8} {(time.perf_counter() - started) * 1000:>8.1f}")


if __name__ == "__main__":
    main()
