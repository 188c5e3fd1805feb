"""A headline screened against 100 tracked claims on one story, as `POST /api/v1/match/`
reads it (nearest claims, distinctive terms among them, readings), and the memory of a
process with the whole engine loaded.

    python bench/headline_match.py [--claims 100] [--headlines 60]

The claims are the benchmark's synthetic ones on the seed story (bench/engine_throughput.py);
the headlines are the seed article's sentences, then its pairs of neighbouring sentences.
The database's candidate search (pgvector, a few milliseconds) is left out: this is the
engine's share. Prints p50 and p95 latency per headline once the claims are known to the
process, the first headline's time, and the peak resident memory.
"""

from __future__ import annotations

import argparse
import itertools
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.engine_throughput import SEED, synthetic_claims  # noqa: E402
from factcheck.matching import embeddings, learned, lexical  # noqa: E402
from factcheck.matching.passages import split_sentences  # noqa: E402
from factcheck.matching.stance import ClaimSpec, readings  # noqa: E402

NEAR = 0.3
CANDIDATES = 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--claims", type=int, default=100)
    parser.add_argument("--headlines", type=int, default=60)
    args = parser.parse_args()
    claims = synthetic_claims(args.claims)
    claim_vectors = embeddings.encode(claims)
    sentences = [s.text for s in split_sentences(SEED.read_text())]
    # Each sentence, then each two neighbours (a short text is two sentences at most).
    pairs = [f"{a} {b}" for a, b in itertools.pairwise(sentences)]
    headlines = [*sentences, *pairs][: args.headlines]
    readings(ClaimSpec(text=claims[0]), headlines[0])  # load both readers and spaCy
    times: list[float] = []
    for n, headline in enumerate(headlines):
        if n == 1:
            # A service reads its tracked claims again and again: their token vectors (and
            # spaCy's reading of them) are cached after the first request, which is timed
            # and reported on its own.
            first, times = times[0], []
        started = time.perf_counter()
        spans = split_sentences(headline)
        vectors = learned.embed_short([s.text for s in spans])
        sims = (vectors @ claim_vectors.T).max(axis=0)
        order = [int(i) for i in np.argsort(-sims)[:CANDIDATES] if sims[i] >= NEAR]
        terms = lexical.distinctive_terms([claims[i] for i in order]) if order else []
        learned.prepare_short([claims[i] for i in order], [s.text for s in spans])
        for nearness, (i, weights) in enumerate(zip(order, terms, strict=True)):
            readings(
                ClaimSpec(text=claims[i], terms=tuple(sorted(weights.items()))),
                headline,
                sentences=spans,
                sentence_vectors=vectors,
                claim_vector=claim_vectors[i],
                paired=nearness < learned.SHORT_PAIRED,
            )
        times.append(time.perf_counter() - started)
    p50, p95 = np.percentile(times, [50, 95]) * 1000
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"headline against {args.claims} claims: p50 {p50:.0f} ms, p95 {p95:.0f} ms "
        f"({len(times)} headlines after the first; the first, with the claims new to the "
        f"process, {first * 1000:.0f} ms); peak resident memory {peak:.0f} MB"
    )


if __name__ == "__main__":
    main()
