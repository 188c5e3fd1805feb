"""List speed against the table size, in a throwaway database.

    python bench/list_queries.py [--sizes 10000,100000] [--repeat 15] [--per-claim 1]

For each size N: N claims (each with `--per-claim` evidence rows from as many speakers;
one claim in ten with a further, contradicting one), then `GET /api/v1/claims/?page_size=50`
and `GET /api/v1/evidence/?page_size=50` through the whole Django stack in-process (the
test client; authentication, filters, pagination, serialization), timed over `--repeat`
calls after one warm-up, and the SQL queries one list runs. Prints median and worst times.

Beside the API's claims list, a hand-written view (`raw_claims` below: the same query,
the same page and count, the same JSON built by hand from `.values()`, `JsonResponse`),
through the same middleware: requests per second of each, one after another in one
process, and the API's share of the hand-written view's rate; for numbered pages (with the
count of every claim) and for the first cursor page (`?cursor=`: no count).
Uses the server in DATABASE_URL, or the embedded one; creates and drops `factcheck_lists`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.throwaway import throwaway_database  # noqa: E402

LIST_DB = "factcheck_lists"
BATCH = 5000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--per-claim", type=int, default=1)
    args = parser.parse_args()
    with throwaway_database(LIST_DB):
        run([int(x) for x in args.sizes.split(",")], args.repeat, args.per_claim)


def raw_claims(request):  # type: ignore[no-untyped-def]
    """`GET /api/v1/claims/?page_size=50` written by hand: the API's query and page, its
    JSON keys and nesting, built from `.values()` (no model instances, no serializer)."""
    from django.http import JsonResponse

    from api.serializers import CLAIM_ROW_FIELDS
    from factcheck.facts import selectors
    from factcheck.facts.models import Claim

    by_cursor = "cursor" in request.GET  # a first cursor page: no count, one row more
    rows = list(selectors.claim_list().values(*CLAIM_ROW_FIELDS)[: 51 if by_cursor else 50])
    more = by_cursor and len(rows) > 50
    results = []
    for r in rows[:50]:
        quantity = None
        if any(r[k] is not None for k in ("quantity_value", "quantity_low", "quantity_high")):
            quantity = {
                "value": r["quantity_value"],
                "low": r["quantity_low"],
                "high": r["quantity_high"],
                "unit": r["quantity_unit"],
                "approximate": r["quantity_approximate"],
                "about": r["quantity_about"],
            }
        results.append(
            {
                "id": r["id"],
                "text": r["text"],
                "quantity": quantity,
                "as_of": r["as_of"],
                "speaker": {"id": r["speaker_id"], "name": r["speaker__name"]}
                if r["speaker_id"]
                else None,
                "first_source": r["first_source_id"],
                "tags": r["tags"],
                "status": r["status"],
                "status_basis": r["status_basis"],
                "status_explanation": r["status_explanation"],
                "status_detail": r["status_detail"],
                "last_checked_at": r["last_checked_at"],
                "current_verdict": {
                    "id": r["current_verdict_id"],
                    "rating": r["current_verdict__rating"],
                    "published": r["current_verdict__published"],
                }
                if r["current_verdict_id"]
                else None,
                "evidence_count": r["evidence_count"],
                "supporting_evidence_count": r["supporting_evidence_count"],
                "contradicting_evidence_count": r["contradicting_evidence_count"],
                "created_at": r["created_at"],
                "updated_at": r["updated_at"],
            }
        )
    if by_cursor:
        return JsonResponse(
            {"next": "?cursor=..." if more else None, "previous": None, "results": results}
        )
    count = Claim.objects.count()
    return JsonResponse(
        {
            "count": count,
            "next": "?page=2" if count > 50 else None,
            "previous": None,
            "results": results,
        }
    )


urlpatterns: list[Any] = []  # filled in `run`: the project's URLs and /raw/claims/


def run(sizes: list[int], repeat: int, per_claim: int) -> None:
    import os

    os.environ["FACTCHECK_THROTTLE_ANON"] = "off"  # the bench calls faster than a client may
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import clear_url_caches, include, path

    from factcheck.facts.models import Claim, Evidence, Outlet, Source, Speaker

    call_command("migrate", verbosity=0)
    urlpatterns[:] = [path("raw/claims/", raw_claims), path("", include("factcheck.urls"))]
    settings.ROOT_URLCONF = __name__
    clear_url_caches()
    outlet = Outlet.objects.create(name="Bench Wire")
    speaker = Speaker.objects.create(name="Bench Speaker")
    voices = [Speaker.objects.create(name=f"Bench voice {k}") for k in range(1, per_claim)]
    client = Client(HTTP_HOST="localhost")
    have = 0
    print(
        f"{'claims':>8} {'evidence':>9} | {'list':<16} {'median ms':>9} {'worst ms':>9} {'SQL':>4}"
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
                Evidence(claim=c, source=s, speaker=v, stance="supports", method="automatic")
                for c, s in zip(claims, sources, strict=True)
                for v in voices
            ]
            rows += [
                Evidence(claim=c, source=s, speaker=speaker, stance="contradicts", method="manual")
                for c, s in list(zip(claims, sources, strict=True))[::10]
            ]
            Evidence.objects.bulk_create(rows, batch_size=BATCH)
            have += n
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        evidence = Evidence.objects.count()
        print(f"  (loaded to {size} claims in {time.time() - started:.0f} s)", flush=True)
        for name, url in (
            ("claims", "/api/v1/claims/?page_size=50"),
            ("claims, cursor", "/api/v1/claims/?page_size=50&cursor="),
            ("evidence", "/api/v1/evidence/?page_size=50"),
            ("evidence, cursor", "/api/v1/evidence/?page_size=50&cursor="),
        ):
            assert client.get(url).status_code == 200
            times = []
            for _ in range(repeat):
                t = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t) * 1000)
                assert response.status_code == 200
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            print(
                f"{size:>8} {evidence:>9} | {name:<16} {statistics.median(times):>9.1f} "
                f"{max(times):>9.1f} {len(queries.captured_queries):>4}",
                flush=True,
            )
        for pages, query in (
            ("numbered pages", "?page_size=50"),
            ("cursor pages", "?page_size=50&cursor="),
        ):
            api, raw = f"/api/v1/claims/{query}", f"/raw/claims/{query}"
            a, b = client.get(api).json(), client.get(raw).json()
            assert a.get("count") == b.get("count") and [r["id"] for r in a["results"]] == [
                r["id"] for r in b["results"]
            ]
            rates: dict[str, float] = {}
            for name, target in (("api", api), ("raw", raw), ("api ", api), ("raw ", raw)):
                started = time.perf_counter()
                for _ in range(repeat):
                    client.get(target)
                rates[name.strip()] = max(
                    rates.get(name.strip(), 0.0), repeat / (time.perf_counter() - started)
                )
            print(
                f"{size:>8} {evidence:>9} | claims, {pages}: API {rates['api']:.1f} req/s, "
                f"hand-written view {rates['raw']:.1f} req/s: the API at "
                f"{rates['api'] / rates['raw']:.2f}x",
                flush=True,
            )


if __name__ == "__main__":
    main()
