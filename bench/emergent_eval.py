"""Stance on Emergent's dev claims (a claim-disjoint quarter of its train split, never
trained on): each article headline read against its claim, as the engine reads a text.

    python bench/emergent_eval.py [--data ../shared/data/emergent/emergent-train.csv]
        [--part dev|held|train] [--wrong]

Three readings, each printed with accuracy, per-class F1 and the confusion matrix:
- readers alone: the learned readers' probabilities for the headline against its claim,
  no rules (what the rules add or cost);
- pairs: the headline against its own claim alone (`stance.assess`);
- match: every dev claim tracked at once, the headline screened against all of them as
  `POST /api/v1/match/` does (nearest claims, distinctive terms among them, readings); the
  stance for its own claim (none found counts as `unrelated`), and how many headlines
  contradict a claim of another story.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from factcheck.matching import candidates, embeddings, learned, lexical  # noqa: E402
from factcheck.matching.devsets import Example, emergent, fnc_format  # noqa: E402
from factcheck.matching.metrics import score  # noqa: E402
from factcheck.matching.passages import Span, split_sentences  # noqa: E402
from factcheck.matching.stance import ClaimSpec, readings  # noqa: E402
from factcheck.matching.train import held_back  # noqa: E402

TO_FNC = {"supports": "agree", "contradicts": "disagree", "discusses": "discuss"}
TO_PRODUCT = {v: k for k, v in TO_FNC.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--data", type=Path, default=ROOT.parent / "shared/data/emergent/emergent-train.csv"
    )
    parser.add_argument(
        "--part",
        default="dev",
        choices=("dev", "held", "train"),
        help="held: the tenth of the train part's claims no reader was trained on "
        "(`train.held_back`), where thresholds are chosen",
    )
    parser.add_argument(
        "--held-stories",
        action="store_true",
        help="with --part held: the whole stories readers trained with --held-stories hold back",
    )
    parser.add_argument("--wrong", action="store_true", help="print the pairs read wrongly")
    args = parser.parse_args()
    if not args.data.exists():
        raise SystemExit(f"no Emergent file at {args.data}")
    if args.part == "held":
        shared = args.data.parent.parent
        corpora = argparse.Namespace(
            fnc=shared / "fnc1",
            arc=shared / "arc",
            emergent=args.data,
            held_stories=args.held_stories,
        )
        held = held_back(corpora, 13)
        examples = [e for e in emergent(args.data, "train") if f"emergent:{e.group}" in held]
    else:
        examples = emergent(args.data, args.part)
    started = time.time()
    claims = sorted({e.claim for e in examples})
    claim_vectors = embeddings.encode(claims)
    vector_of = dict(zip(claims, claim_vectors, strict=True))
    headlines = sorted({e.text for e in examples})
    sentences = {h: split_sentences(h) for h in headlines}
    flat = [s.text for h in headlines for s in sentences[h]]
    flat_vectors = embeddings.encode(flat)
    sentence_vectors, at = {}, 0
    for h in headlines:
        sentence_vectors[h] = flat_vectors[at : at + len(sentences[h])]
        at += len(sentences[h])

    gold, paired, matched, alone = [], [], [], []
    confidences: list[float] = []
    cross = 0
    cross_confidences: list[float] = []  # per headline, its surest contradiction of another claim
    for e in examples:
        spans, vectors = sentences[e.text], sentence_vectors[e.text]
        own = readings(
            ClaimSpec(text=e.claim),
            e.text,
            sentences=spans,
            sentence_vectors=vectors,
            claim_vector=vector_of[e.claim],
        )[0]
        gold.append(e.label)
        paired.append(TO_FNC.get(own.stance, "unrelated"))
        probabilities = own.features["classifier"]
        alone.append(TO_FNC[max(TO_FNC, key=lambda stance: probabilities[stance])])
        found = _match(e.text, spans, vectors, claims, claim_vectors)
        mine = found.get(e.claim, ("unrelated", "", 0.0))
        matched.append(TO_FNC.get(mine[0], "unrelated"))
        confidences.append(mine[2])
        others = [c for c, s in found.items() if c != e.claim and s[0] == "contradicts"]
        cross += bool(others)
        cross_confidences.append(max((found[c][2] for c in others), default=-1.0))
        if args.wrong:
            for c in others:
                print(f"cross {found[c][1]} | {c[:60]!r} <- {e.text[:90]!r}")
        if args.wrong and paired[-1] != e.label:
            print(
                f"want {e.label:9} got {paired[-1]:9} {own.features.get('rule')} | "
                f"{e.claim[:60]!r} <- {e.text[:90]!r}"
            )
    elapsed = time.time() - started
    print(f"Emergent {args.part}: {len(examples)} pairs, {len(claims)} claims, {elapsed:.0f} s")
    for name, predicted in (
        (
            "readers alone, no rules (claim alone; the larger of supports, contradicts, discusses)",
            alone,
        ),
        ("pairs (claim alone)", paired),
        ("match (all claims)", matched),
    ):
        s = score(gold, predicted)
        print(
            f"\n{name}: accuracy {s.accuracy:.3f}; F1 "
            + ", ".join(f"{k} {s.f1[k]:.3f}" for k in ("agree", "disagree", "discuss"))
        )
        print("\n".join(s.report().splitlines()[-6:]))
    _contamination(args.data.parent.parent / "fnc1", examples, gold, alone, matched)
    print(
        f"\nheadlines contradicting a claim of another story: {cross} of {len(examples)} "
        f"({100 * cross / len(examples):.1f}%)"
    )
    print("predicted (match):", dict(Counter(matched)))
    print("\nreliability of decisive readings (match): confidence -> share right")
    for low, high in ((0.0, 0.5), (0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01)):
        for label in ("agree", "disagree"):
            picked = [
                g == p
                for g, p, c in zip(gold, matched, confidences, strict=True)
                if p == label and low <= c < high
            ]
            if picked:
                print(
                    f"  {TO_PRODUCT[label]:11} {low:.1f}-{min(high, 1):.1f}: "
                    f"{sum(picked)}/{len(picked)} = {sum(picked) / len(picked):.2f}"
                )
    print(
        "\nfloors (match): automatic readings at or above the floor that would count, "
        "right ones in brackets; headlines contradicting another story's claim"
    )
    for floor in FLOORS:
        cells = []
        for label in ("agree", "disagree"):
            kept = [
                g == p
                for g, p, c in zip(gold, matched, confidences, strict=True)
                if p == label and c >= floor
            ]
            precision = f"{sum(kept) / len(kept):.2f}" if kept else "-"
            cells.append(f"{TO_PRODUCT[label]} {len(kept):3} ({sum(kept):3}, {precision})")
        crossing = sum(c >= floor for c in cross_confidences)
        print(f"  {floor:4.2f}: {cells[0]} | {cells[1]} | other stories {crossing}")


def _contamination(
    fnc: Path,
    examples: list[Example],
    gold: list[str],
    alone: list[str],
    matched: list[str],
) -> None:
    """FNC-1 was built from Emergent's articles: many Emergent headlines are also headlines
    of FNC-1's train part (which the readers were trained on, unless held back). The scores
    of those headlines and of the others, apart: they differ even where no reader saw them."""
    if not (fnc / "train_stances.csv").exists():
        return
    pairs = fnc_format(fnc / "train_bodies.csv", fnc / "train_stances.csv", "train", "fnc1")
    seen = {_plain(p.claim) for p in pairs}
    print("\nheadlines also among FNC-1's train part's headlines, and the others:")
    for name, inside in (("also FNC-1's", True), ("the others", False)):
        index = [i for i, e in enumerate(examples) if (_plain(e.text) in seen) == inside]
        if not index:
            continue
        readers = sum(alone[i] == gold[i] for i in index) / len(index)
        match = sum(matched[i] == gold[i] for i in index) / len(index)
        print(
            f"  {name:17}: {len(index):3} headlines; accuracy, readers alone {readers:.3f}, "
            f"match {match:.3f}"
        )


def _plain(text: str) -> str:
    return " ".join(text.lower().split())


FLOORS = (0.0, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)


def _match(
    text: str,
    spans: list[Span],
    vectors: np.ndarray,
    claims: list[str],
    claim_vectors: np.ndarray,
) -> dict[str, tuple[str, str, float]]:
    # The service's choice of candidates (`candidates.rerank` over each sentence's nearest),
    # read nearest first as `services.matching.text_screen` reads them.
    shortlist = candidates.shortlist_exact(vectors, claims, claim_vectors)
    chosen = candidates.rerank(
        [s.text for s in spans], shortlist, k=candidates.assessed(len(spans))
    )
    sims = (vectors @ claim_vectors.T).max(axis=0)
    order = sorted((c.claim for c in chosen), key=lambda i: -sims[i])
    if not order:
        return {}
    terms = lexical.distinctive_terms([claims[i] for i in order])
    if len(spans) <= learned.SHORT_TEXT:
        learned.prepare_short([claims[i] for i in order], [s.text for s in spans])
    rank = {"contradicts": 0, "supports": 1, "discusses": 2}
    found: dict[str, tuple[str, str, float]] = {}
    for nearness, (i, weights) in enumerate(zip(order, terms, strict=True)):
        spec = ClaimSpec(text=claims[i], terms=tuple(sorted(weights.items())))
        results = [
            r
            for r in readings(
                spec,
                text,
                sentences=spans,
                sentence_vectors=vectors,
                claim_vector=claim_vectors[i],
                paired=nearness < learned.SHORT_PAIRED,
            )
            if r.stance != "unrelated"
        ]
        if results:
            strongest = min(results, key=lambda r: rank[r.stance])
            found[claims[i]] = (
                strongest.stance,
                str(strongest.features.get("rule")),
                strongest.confidence,
            )
    return found


if __name__ == "__main__":
    main()
