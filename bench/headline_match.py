"""A headline screened against 100 tracked claims on one story as `POST /api/v1/match/`
screens it (`services.matching.text_match`: embedding, the database's candidate search, the
engine's choice of candidates and readings; no HTTP), and the memory of a process with the
whole engine loaded.

    python bench/headline_match.py [--claims 100] [--headlines 60]

The claims are the benchmark's synthetic ones on the seed story (bench/engine_throughput.py),
tracked in a throwaway database (`factcheck_headline`, on the server in DATABASE_URL or the
embedded one); the headlines are the seed article's sentences, then its pairs of neighbouring
sentences. Prints p50 and p95 latency per headline once the claims are known to the process,
the first headline's time, and the peak resident memory; then the process's memory at three
moments (Django and the database only, as a web worker that never embeds; with the model
loaded by creating claims; with the whole engine after the headlines): resident, and its
anonymous part, which is what each further process holding the same would add (the rest is
libraries' code, which processes share through the page cache).
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
from bench.throwaway import throwaway_database  # noqa: E402

BENCH_DB = "factcheck_headline"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--claims", type=int, default=100)
    parser.add_argument("--headlines", type=int, default=60)
    args = parser.parse_args()
    with throwaway_database(BENCH_DB):
        run(args.claims, args.headlines)


def run(claim_count: int, headline_count: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from factcheck.facts.services.claims import claim_create
    from factcheck.facts.services.matching import text_match
    from factcheck.matching.passages import split_sentences

    call_command("migrate", verbosity=0)
    memory = [("Django and the database", _memory())]
    for text in synthetic_claims(claim_count):
        claim_create(text=text)
    memory.append(("with the model (claims created)", _memory()))
    sentences = [s.text for s in split_sentences(SEED.read_text())]
    # Each sentence, then each two neighbours (a short text is two sentences at most).
    pairs = [f"{a} {b}" for a, b in itertools.pairwise(sentences)]
    headlines = [*sentences, *pairs][:headline_count]
    times: list[float] = []
    first = 0.0
    for n, headline in enumerate(headlines):
        if n == 1:
            # A service reads its tracked claims again and again: their token vectors (and
            # spaCy's reading of them) are cached after the first request, which is timed
            # and reported on its own.
            first, times = times[0], []
        started = time.perf_counter()
        text_match(text=headline)
        times.append(time.perf_counter() - started)
    p50, p95 = np.percentile(times, [50, 95]) * 1000
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"headline against {claim_count} claims: p50 {p50:.0f} ms, p95 {p95:.0f} ms "
        f"({len(times)} headlines after the first; the first, with the claims new to the "
        f"process, {first * 1000:.0f} ms); peak resident memory {peak:.0f} MB"
    )
    memory.append(("with the whole engine (after the headlines)", _memory()))
    for moment, (resident, anonymous) in memory:
        print(f"  {moment:44}: resident {resident:5.0f} MB, anonymous {anonymous:5.0f} MB")


def _memory() -> tuple[float, float]:
    """Resident and anonymous memory of this process now, in MB (Linux's smaps_rollup)."""
    found = {"Rss": 0.0, "Anonymous": 0.0}
    rollup = Path("/proc/self/smaps_rollup")
    if rollup.exists():
        for line in rollup.read_text().splitlines():
            name, _, rest = line.partition(":")
            if name in found:
                found[name] = float(rest.split()[0]) / 1024
    return found["Rss"], found["Anonymous"]


if __name__ == "__main__":
    main()
