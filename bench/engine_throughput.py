"""Engine speed on this machine: embedding, stance assessment, and screening one article
against growing numbers of tracked claims.

    python bench/engine_throughput.py [--claims 1000,10000,100000]

Claims are synthetic (generated here from templates); their vectors are random unit vectors
for the 10k and 100k runs' search part, since only the search cost grows with the count.
Prints one line per measurement. Single process; set OMP_NUM_THREADS=1 for per-core figures.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from factcheck.matching import embeddings
from factcheck.matching.candidates import rank
from factcheck.matching.passages import split_sentences
from factcheck.matching.quantities import claim_quantity
from factcheck.matching.stance import ClaimSpec, assess

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_40f7a8c0a409f1f5.txt"
PLACES = ["Russia", "Kursk", "Khabarovsk", "Vladivostok", "Ukraine", "Pyongyang", "Seoul"]
SUBJECTS = [
    "North Korean troops",
    "Russian forces",
    "Ukrainian units",
    "South Korean spies",
    "NATO officials",
    "Chinese diplomats",
]
VERBS = ["arrived in", "left", "trained near", "were seen in", "fought around", "moved toward"]


def synthetic_claims(n: int) -> list[str]:
    rng = np.random.default_rng(1)
    return [
        f"About {int(rng.integers(1, 200)) * 100:,} {rng.choice(SUBJECTS)} "
        f"{rng.choice(VERBS)} {rng.choice(PLACES)} in week {i % 52 + 1}."
        for i in range(n)
    ]


def article_800_words() -> str:
    text = SEED.read_text()
    while len(text.split()) < 800:
        text += "\n\n" + SEED.read_text()
    return " ".join(text.split()[:800])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", default="1000,10000,100000")
    args = parser.parse_args()
    sizes = [int(x) for x in args.claims.split(",")]

    embeddings.model()
    sentences = [s.text for s in split_sentences(article_800_words())]
    texts = synthetic_claims(2000)
    started = time.perf_counter()
    embeddings.encode(texts, batch_size=128)
    elapsed = time.perf_counter() - started
    print(f"embedding: {len(texts) / elapsed:.0f} sentences/s ({len(texts)} short sentences)")

    article = article_800_words()
    spans = split_sentences(article)
    vectors = embeddings.encode([s.text for s in spans])
    claim_texts = texts[:200]
    claim_vectors = embeddings.encode(claim_texts)
    started = time.perf_counter()
    for text, vector in zip(claim_texts, claim_vectors, strict=True):
        assess(
            ClaimSpec(text=text),
            article,
            sentences=spans,
            sentence_vectors=vectors,
            claim_vector=vector,
        )
    elapsed = time.perf_counter() - started
    print(
        f"stance: {len(claim_texts) / elapsed:.0f} assessments/s against one 800-word "
        f"article ({len(spans)} sentences), embeddings cached"
    )

    rng = np.random.default_rng(2)
    for n in sizes:
        claims = synthetic_claims(n)
        claim_vectors = rng.normal(size=(n, embeddings.DIMENSIONS)).astype(np.float32)
        claim_vectors /= np.linalg.norm(claim_vectors, axis=1, keepdims=True)
        figures = [claim_quantity(c) for c in claims]
        started = time.perf_counter()
        article_vectors = embeddings.encode(sentences)
        candidates = rank(
            sentences, article_vectors, claims, claim_vectors, claim_figures=figures, k=20
        )
        for c in candidates:
            assess(
                ClaimSpec(text=claims[c.claim]),
                article,
                sentences=spans,
                sentence_vectors=article_vectors,
                claim_vector=claim_vectors[c.claim],
            )
        elapsed = time.perf_counter() - started
        print(
            f"screen one 800-word article against {n:>7,} claims: {elapsed * 1000:.0f} ms "
            f"(embed, exact search, assess the top 20)"
        )


if __name__ == "__main__":
    main()
