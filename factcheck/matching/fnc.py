"""FNC-1 files (headline x body pairs) turned into stance features."""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from factcheck.matching import embeddings
from factcheck.matching.features import pair_features
from factcheck.matching.passages import split_sentences

csv.field_size_limit(sys.maxsize)


@dataclass(frozen=True)
class Pair:
    headline: str
    body_id: str
    stance: str  # empty when the file carries no labels


def read_bodies(path: Path) -> dict[str, str]:
    with open(path, encoding="utf-8", newline="") as handle:
        return {row["Body ID"]: row["articleBody"] for row in csv.DictReader(handle)}


def read_stances(path: Path) -> tuple[list[Pair], list[dict[str, str]]]:
    """The pairs, and the raw rows (to write predictions back with the same columns)."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    pairs = [Pair(r["Headline"], r["Body ID"], r.get("Stance", "") or "") for r in rows]
    return pairs, rows


def build_features(
    pairs: list[Pair], bodies: dict[str, str], *, progress: Callable[[str], None] | None = None
) -> np.ndarray:
    """One feature row per pair. Bodies and headlines are embedded once each."""
    say = progress or (lambda message: None)
    body_ids = sorted({p.body_id for p in pairs})
    sentences = {b: [s.text for s in split_sentences(bodies[b])] for b in body_ids}
    flat = [s for b in body_ids for s in sentences[b]]
    say(f"embedding {len(flat)} body sentences from {len(body_ids)} bodies")
    vectors = embeddings.encode(flat, batch_size=128)
    body_vectors, offset = {}, 0
    for b in body_ids:
        n = len(sentences[b])
        body_vectors[b] = vectors[offset : offset + n]
        offset += n
    headlines = sorted({p.headline for p in pairs})
    say(f"embedding {len(headlines)} headlines")
    headline_vectors = dict(zip(headlines, embeddings.encode(headlines), strict=True))
    rows = []
    for i, pair in enumerate(pairs):
        if i and i % 5000 == 0:
            say(f"features {i}/{len(pairs)}")
        rows.append(
            pair_features(
                pair.headline,
                headline_vectors[pair.headline],
                sentences[pair.body_id],
                body_vectors[pair.body_id],
            ).vector
        )
    return np.stack(rows)
