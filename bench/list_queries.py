"""List speed against the table size, in a throwaway database.

    python bench/list_queries.py [--sizes 10000,100000] [--repeat 15]

For each size N: N claims (each with one evidence row; one claim in ten with a second,
contradicting one), then `GET /api/v1/claims/?page_size=50` and
`GET /api/v1/evidence/?page_size=50` through the whole Django stack in-process (the test
client; authentication, filters, pagination, serialization), timed over `--repeat` calls
after one warm-up, and the SQL queries one list runs. Prints median and worst times.
Uses the server in DATABASE_URL, or the embedded one; creates and drops `factcheck_lists`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.throwaway import throwaway_database  # noqa: E402

LIST_DB = "factcheck_lists"
BATCH = 5000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with throwaway_database(LIST_DB):
        run([int(x) for x in args.sizes.split(",")], args.repeat)


def run(sizes: list[int], repeat: int) -> None:
    import os

    os.environ["FACTCHECK_THROTTLE_ANON"] = "off"  # the bench calls faster than a client may
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from factcheck.facts.models import Claim, Evidence, Outlet, Source, Speaker

    call_command("migrate", verbosity=0)
    outlet = Outlet.objects.create(name="Bench Wire")
    speaker = Speaker.objects.create(name="Bench Speaker")
    client = Client(HTTP_HOST="localhost")
    have = 0
    print(
        f"{'claims':>8} {'evidence':>9} | {'list':<10} {'median ms':>9} {'worst ms':>9} {'SQL':>4}"
    )
    for size in sizes:
        started = time.time()
        while have < size:
            n = min(BATCH, size - have)
            claims = Claim.objects.bulk_create(
                Claim(text=f"Bench claim {have + i}: a figure of {have + i} troops.")
                for i in range(n)
            )
            sources = Source.objects.bulk_create(
                Source(
                    url=f"https://bench.example.org/{have + i}",
                    title=f"Bench source {have + i}",
                    text=f"Bench source {have + i} says {have + i} troops.",
                    content_hash=f"{have + i:064d}",
                    outlet=outlet,
                )
                for i in range(n)
            )
            rows = [
                Evidence(claim=c, source=s, stance="supports", method="automatic", confidence=0.9)
                for c, s in zip(claims, sources, strict=True)
            ]
            rows += [
                Evidence(claim=c, source=s, speaker=speaker, stance="contradicts", method="manual")
                for c, s in list(zip(claims, sources, strict=True))[::10]
            ]
            Evidence.objects.bulk_create(rows)
            have += n
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        evidence = Evidence.objects.count()
        print(f"  (loaded to {size} claims in {time.time() - started:.0f} s)", flush=True)
        for name, path in (
            ("claims", "/api/v1/claims/?page_size=50"),
            ("evidence", "/api/v1/evidence/?page_size=50"),
        ):
            assert client.get(path).status_code == 200
            times = []
            for _ in range(repeat):
                t = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - t) * 1000)
                assert response.status_code == 200
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
            print(
                f"{size:>8} {evidence:>9} | {name:<10} {statistics.median(times):>9.1f} "
                f"{max(times):>9.1f} {len(queries.captured_queries):>4}",
                flush=True,
            )


if __name__ == "__main__":
    main()
