"""Development splits of the training corpora, fixed by hashing the grouping key, so that
every command (training, evaluation) sees the same parts and no dev claim or body is ever
trained on.

- Emergent: split by claim (`claimId`); a quarter of the claims are dev.
- FNC-1 and ARC: split by body *and* headline; a pair is dev only when both its body and its
  headline are dev, train only when both are train; mixed pairs are left out.
"""

from __future__ import annotations

import csv
import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

csv.field_size_limit(sys.maxsize)

DEV_SHARE = 0.25
EMERGENT_LABELS = {"for": "agree", "against": "disagree", "observing": "discuss"}


def part(key: str, salt: str) -> str:
    """'dev' or 'train' for a grouping key, stable across runs and machines."""
    digest = hashlib.sha256(f"{salt}:{key}".encode()).digest()
    return "dev" if int.from_bytes(digest[:4], "big") / 2**32 < DEV_SHARE else "train"


@dataclass(frozen=True)
class Example:
    claim: str
    text: str  # a headline, or a whole body
    label: str  # agree, disagree, discuss, unrelated
    group: str  # the claim's id (Emergent) or the headline (FNC-1, ARC)
    body: str = ""  # body id (FNC-1, ARC)


def emergent(path: Path, which: str) -> list[Example]:
    """Emergent pairs (claim, article headline) of one part, labels in FNC terms."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        Example(
            claim=r["claimHeadline"],
            text=r["articleHeadline"],
            label=EMERGENT_LABELS[r["articleHeadlineStance"]],
            group=r["claimId"],
        )
        for r in rows
        if part(r["claimId"], "emergent") == which
    ]


def fnc_format(bodies_csv: Path, stances_csv: Path, which: str, salt: str) -> list[Example]:
    """FNC-format pairs of one part: body and headline both in it."""
    with open(bodies_csv, encoding="utf-8", newline="") as handle:
        bodies = {r["Body ID"]: r["articleBody"] for r in csv.DictReader(handle)}
    with open(stances_csv, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        Example(
            claim=r["Headline"],
            text=bodies[r["Body ID"]],
            label=r["Stance"],
            group=r["Headline"],
            body=r["Body ID"],
        )
        for r in rows
        if part(r["Body ID"], salt + ":body") == which and part(r["Headline"], salt) == which
    ]
