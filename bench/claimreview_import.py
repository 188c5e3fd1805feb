"""Importing an archive of ClaimReviews as `manage.py import_claimreview` does: reading the
JSON-LD, then creating claims, their first statuses, events and reviews a batch at a time
with the claims' vectors computed in the same pass (the HNSW index on claims kept up as
rows arrive), in a throwaway database (`factcheck_claimreviews`).

    python bench/claimreview_import.py [--reviews 10000] [--again]

The reviews are synthetic, one DataFeed: a claim of 12 to 25 words each (a person or an
organisation says something happened, with a figure, a place and a date), a tenth of them
reviewed twice by another publisher (they join the claim). `--again` imports the same file a
second time (nothing changes: every review is found unchanged). Prints reviews per second
for reading, for importing, and for the model's embedding alone on the same texts, so the
import's share of the embedding ceiling can be read off.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.throwaway import throwaway_database  # noqa: E402

BENCH_DB = "factcheck_claimreviews"

PEOPLE = ["Senator Ann Ruiz", "Governor Tom Beck", "Mayor Lee Park", "Minister Ola Berg"]
PEOPLE += ["Dr. Sam Idris", "Representative Joy Hale", "the Health Ministry", "a viral post"]
PLACES = ["Texas", "Ohio", "Lagos", "Manila", "Leeds", "Quebec", "Kerala", "Bavaria", "Chile"]
EVENTS = [
    "cut the school budget by {n} million dollars",
    "hired {n} new police officers",
    "closed {n} rural hospitals",
    "recorded {n} cases of measles",
    "deported {n} people",
    "built {n} miles of new road",
    "lost {n} manufacturing jobs",
    "planted {n} trees",
]
WHEN = ["last year", "since 2019", "in March", "over the past decade", "this spring"]
RATINGS = [("False", 1), ("Mostly false", 2), ("Half true", 3), ("Mostly true", 4), ("True", 5)]


def synthetic_feed(count: int, seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed)
    elements: list[dict[str, Any]] = []
    for i in range(count):
        if i % 10 == 9 and elements:  # another publisher reviews an earlier claim
            text = elements[rng.randrange(len(elements))]["claimReviewed"]
            publisher = "Second Checks"
        else:
            event = rng.choice(EVENTS).format(n=f"{rng.randrange(2, 90_000):,}")
            text = (
                f"{rng.choice(PEOPLE).capitalize()} said {rng.choice(PLACES)} {event} "
                f"{rng.choice(WHEN)} (claim {i})."
            )
            publisher = "Example Checks"
        rating, value = rng.choice(RATINGS)
        elements.append(
            {
                "@context": "https://schema.org",
                "@type": "ClaimReview",
                "url": f"https://{publisher.split()[0].lower()}.example/checks/{i}",
                "datePublished": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "author": {"@type": "Organization", "name": publisher},
                "claimReviewed": text,
                "reviewRating": {
                    "@type": "Rating",
                    "ratingValue": value,
                    "bestRating": 5,
                    "worstRating": 1,
                    "alternateName": rating,
                },
                "itemReviewed": {
                    "@type": "Claim",
                    "author": {"@type": "Person", "name": rng.choice(PEOPLE)},
                    "datePublished": "2025-01-15",
                    "appearance": {"url": f"https://social.example/p/{i}"},
                },
            }
        )
    return {"@context": "https://schema.org", "@type": "DataFeed", "dataFeedElement": elements}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reviews", type=int, default=10_000)
    parser.add_argument("--again", action="store_true")
    args = parser.parse_args()
    with throwaway_database(BENCH_DB):
        run(args.reviews, args.again)


def run(count: int, again: bool) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from factcheck.facts.claimreview import reviews_in_text
    from factcheck.facts.models import Claim, ExternalReview
    from factcheck.facts.services.reviews import reviews_import
    from factcheck.matching import embeddings

    call_command("migrate", verbosity=0)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "feed.json"
        path.write_text(json.dumps(synthetic_feed(count)))
        print(f"{count:,} ClaimReviews, {path.stat().st_size / 1e6:.1f} MB of JSON-LD")
        started = time.perf_counter()
        items, skipped = reviews_in_text(path.read_text())
        read_s = time.perf_counter() - started
    print(f"read: {read_s:.2f} s ({count / read_s:,.0f} reviews/s), skipped {len(skipped)}")

    embeddings.encode(["warm the model up"])
    done = [0]
    last = [time.perf_counter()]

    def progress(n: int) -> None:
        done[0] += n
        if time.perf_counter() - last[0] > 30:
            last[0] = time.perf_counter()
            print(f"  {done[0]:,} / {len(items):,}", flush=True)

    started = time.perf_counter()
    report = reviews_import(items=items, skipped=skipped, progress=progress)
    import_s = time.perf_counter() - started
    print(
        f"import: {import_s:.1f} s ({count / import_s:,.0f} reviews/s); claims created "
        f"{report.claims_created:,}, joined {report.claims_joined:,}; reviews "
        f"{report.reviews_created:,}"
    )
    assert Claim.objects.filter(embedding__isnull=True).count() == 0
    assert ExternalReview.objects.count() == report.reviews_created

    texts = [i.claim_text for i in items[:2000]]
    started = time.perf_counter()
    for start in range(0, len(texts), 256):
        embeddings.encode(texts[start : start + 256], batch_size=64)
    embed_rate = len(texts) / (time.perf_counter() - started)
    claim_rate = report.claims_created / import_s
    print(
        f"embedding alone: {embed_rate:,.0f} claims/s; the import created "
        f"{claim_rate:,.0f} claims/s ({claim_rate / embed_rate:.0%} of that ceiling); "
        f"{count:,} reviews would take {count / (count / import_s) / 60:.1f} min, "
        f"100,000 about {100_000 / (count / import_s) / 60:.0f} min"
    )
    if again:
        started = time.perf_counter()
        second = reviews_import(items=items, skipped=skipped)
        again_s = time.perf_counter() - started
        print(
            f"again: {again_s:.1f} s ({count / again_s:,.0f} reviews/s); unchanged "
            f"{second.reviews_unchanged:,}, created {second.reviews_created}"
        )


if __name__ == "__main__":
    main()
