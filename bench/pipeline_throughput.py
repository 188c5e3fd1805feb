"""Pipeline speed against a real PostgreSQL + pgvector, in a throwaway database.

    python bench/pipeline_throughput.py [--sizes 1000,10000,100000] [--articles 36]

1. Articles read and screened per minute by one worker process (the ingest task body, as a
   solo worker runs it; embedding included): the stream-dev articles (or the seed page)
   repeated with distinct URLs, against the stream-dev and seed claims.
2. Time to screen one 800-word article against N tracked claims (synthetic claims with
   random unit vectors, stored with their HNSW index).
3. Time to backfill one new claim against N stored passages.
Uses the server in DATABASE_URL, or the embedded one; creates and drops `factcheck_bench`.
"""

from __future__ import annotations

import argparse
import glob
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.throwaway import throwaway_database  # noqa: E402

BENCH_DB = "factcheck_bench"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--articles", type=int, default=36)
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]

    with throwaway_database(BENCH_DB):
        run(sizes, args.articles)


def insert_random(model: Any, count: int, make: Any, *, batch: int = 5000) -> None:
    """Insert `count` rows built by `make(i, vector)`, each with a random unit vector."""
    import numpy as np

    rng = np.random.default_rng(count)
    rows = []
    for i in range(count):
        vector = rng.normal(size=384)
        rows.append(make(i, (vector / np.linalg.norm(vector)).tolist()))
        if len(rows) == batch:
            model.objects.bulk_create(rows)
            rows = []
    model.objects.bulk_create(rows)


def run(sizes: list[int], article_count: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from factcheck.facts.models import CheckRun, Claim, Passage, Source
    from factcheck.facts.services.claims import claim_create
    from factcheck.facts.services.screening import claim_backfill
    from factcheck.facts.services.seeds import seeds_load
    from factcheck.facts.services.sources import source_create
    from factcheck.facts.tasks import source_ingest
    from factcheck.matching import embeddings
    from factcheck.matching.passages import split_sentences

    call_command("migrate", verbosity=0)
    seeds_load()
    embeddings.model()
    stream = ROOT.parent / "shared" / "data" / "stream-dev"
    if (stream / "claims.json").exists():
        for claim in json.loads((stream / "claims.json").read_text()):
            claim_create(text=claim["text"])
        articles = [
            json.loads(Path(p).read_text())
            for p in sorted(glob.glob(str(stream / "articles" / "*.json")))
        ]
        texts = [a["text"] for a in articles]
    else:
        texts = [(ROOT / "seeds" / "000_40f7a8c0a409f1f5.txt").read_text()]

    # 1. Articles per minute, one process.
    runs = []
    for i in range(article_count):
        text = texts[i % len(texts)] + f"\n\n(Copy {i}.)"
        _source, run = source_create(
            text=text, url=f"https://bench.example.org/{i}", title=f"Bench {i}", dispatch=False
        )
        runs.append(run.pk)
    words = sum(len(texts[i % len(texts)].split()) for i in range(article_count))
    started = time.perf_counter()
    for run_id in runs:
        source_ingest.run(run_id)
    elapsed = time.perf_counter() - started
    done = CheckRun.objects.filter(pk__in=runs, state="done").count()
    print(
        f"ingest: {done}/{len(runs)} articles (about {words // max(len(runs), 1)} words "
        f"each) in {elapsed:.1f} s = {60 * done / elapsed:.0f} articles/minute, one process",
        flush=True,
    )

    # 1b. 800-word articles against the embedding ceiling: the model alone embedding the
    # same sentences, in the same process, then the articles through ingestion with the
    # re-checks they queue run too (what a worker does for them).
    from factcheck.facts.tasks import claim_recheck

    pool = " ".join(" ".join(t.split()) for t in texts).split()
    long_texts = [
        " ".join((pool * 3)[(i * 131) % len(pool) :][:800]) + f" (Long copy {i}.)"
        for i in range(max(article_count // 3, 4))
    ]
    sentences = [s.text for t in long_texts for s in split_sentences(t)]
    started = time.perf_counter()
    embeddings.encode(sentences)
    ceiling = len(sentences) / (time.perf_counter() - started)
    long_runs = []
    for i, text in enumerate(long_texts):
        _source, run = source_create(
            text=text, url=f"https://bench.example.org/long/{i}", title=f"Long {i}", dispatch=False
        )
        long_runs.append(run.pk)
    # The re-checks the short articles queued run first, so that these articles' own are
    # not folded into them (a claim has one queued re-check at a time).
    for run_id in CheckRun.objects.filter(kind="recheck_claim", state="queued").values_list(
        "pk", flat=True
    ):
        claim_recheck.run(run_id)
    queued_before = set(CheckRun.objects.filter(kind="recheck_claim").values_list("pk", flat=True))
    started = time.perf_counter()
    for run_id in long_runs:
        source_ingest.run(run_id)
    ingest_only = time.perf_counter() - started
    rechecks = list(
        CheckRun.objects.filter(kind="recheck_claim", state="queued")
        .exclude(pk__in=queued_before)
        .values_list("pk", flat=True)
    )
    for run_id in rechecks:
        claim_recheck.run(run_id)
    sustained = time.perf_counter() - started
    print(
        f"ingest, {len(long_texts)} articles of 800 words ({len(sentences)} sentences): "
        f"model alone {ceiling:.0f} sentences/s; ingestion {len(sentences) / ingest_only:.0f} "
        f"sentences/s = {len(sentences) / ingest_only / ceiling:.0%} of it "
        f"({60 * len(long_texts) / ingest_only:.0f} articles/minute); with the "
        f"{len(rechecks)} re-checks they queued, {len(sentences) / sustained:.0f} sentences/s "
        f"= {len(sentences) / sustained / ceiling:.0%}",
        flush=True,
    )

    seed = (ROOT / "seeds" / "000_40f7a8c0a409f1f5.txt").read_text()
    article_text = " ".join(((seed + " ") * 3).split()[:800])
    from factcheck.facts.services.matching import text_screen

    spans = split_sentences(article_text)
    have = Claim.objects.count()
    for n in sizes:
        if n > have:
            insert_random(
                Claim,
                n - have,
                lambda i, v, first=have: Claim(
                    text=f"Synthetic claim {first + i} about event {i % 997}.", embedding=v
                ),
            )
            have = n
        started = time.perf_counter()
        vectors = embeddings.encode([s.text for s in spans])
        matches = text_screen(text=article_text, spans=spans, vectors=vectors, published=None)
        elapsed = time.perf_counter() - started
        print(
            f"screen one 800-word article against {Claim.objects.count():>7,} claims: "
            f"{1000 * elapsed:.0f} ms ({len(matches)} claims matched)",
            flush=True,
        )

    base = Source.objects.create(
        url="https://bench.example.org/passages",
        title="Passages",
        text="Synthetic passages.",
        state="processed",
    )
    have = Passage.objects.count()
    for n in sizes:
        if n > have:
            start_index = Passage.objects.filter(source=base).count()
            insert_random(
                Passage,
                n - have,
                lambda i, v, offset=start_index: Passage(
                    source=base,
                    index=offset + i,
                    start=0,
                    end=10,
                    text=f"Synthetic passage {i}.",
                    embedding=v,
                ),
            )
            have = n
        claim = claim_create(text=f"North Korean troops reached the front line (run {n}).")
        started = time.perf_counter()
        claim_backfill(claim=claim)
        elapsed = time.perf_counter() - started
        print(
            f"backfill one new claim against {Passage.objects.count():>7,} passages: "
            f"{1000 * elapsed:.0f} ms",
            flush=True,
        )


if __name__ == "__main__":
    main()
