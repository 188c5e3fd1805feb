"""Play a labelled stream through the service, in-process, and score it as
`run_stream.py` does (strongest stance per claim and article; decisive precision and
recall, discusses found, status agreement).

    python bench/stream_service.py [STREAM_DIR] [--pairs]

The same services the API and the worker call, with Celery running tasks inline: load the
seeds, create the stream's claims from their text and `as_of` alone, post the articles in
date order (url, title, text, published_at, outlet, syndicated_from), let every job run.
`--pairs` prints each (claim, article) pair the service got wrong, with the passage and
the rule that decided it. `--floors` prints, for floors on the engine's confidence, how
many automatic readings of each stance would count, how many of those are right, and how
many statuses would agree (the statuses recomputed with those floors from the same
evidence). Uses the server in DATABASE_URL, or the embedded one, in a
throwaway database `factcheck_stream`.
"""

from __future__ import annotations

import glob
import json
import logging
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.throwaway import throwaway_database  # noqa: E402

STREAM_DB = "factcheck_stream"
RANK = {"contradicts": 3, "supports": 2, "discusses": 1}


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    stream = Path(args[0]) if args else ROOT.parent / "shared" / "data" / "stream-dev"
    if not (stream / "claims.json").exists():
        raise SystemExit(f"no labelled stream at {stream}")
    with throwaway_database(STREAM_DB):
        play(stream, show_pairs="--pairs" in sys.argv, show_floors="--floors" in sys.argv)


def play(stream: Path, *, show_pairs: bool, show_floors: bool = False) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from factcheck.celery import app
    from factcheck.facts.models import Claim, Evidence
    from factcheck.facts.services.claims import claim_create
    from factcheck.facts.services.outlets import outlet_get_or_create
    from factcheck.facts.services.sources import source_create

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    app.loader.import_default_modules()  # registers the tasks, which then run inline
    logging.getLogger("celery").setLevel(logging.WARNING)
    call_command("migrate", verbosity=0)
    call_command("load_seeds", verbosity=0)

    claims = json.loads((stream / "claims.json").read_text())
    articles = [json.loads(Path(p).read_text()) for p in glob.glob(str(stream / "articles/*.json"))]
    articles.sort(key=lambda a: (a["published_at"], a["id"]))
    started = time.time()
    claim_of: dict[str, Claim] = {
        c["id"]: claim_create(text=c["text"], as_of=date.fromisoformat(c["as_of"])) for c in claims
    }
    article_of: dict[int, dict[str, Any]] = {}
    for a in articles:
        wire = a.get("syndicated_from")
        source, _ = source_create(
            url=a["url"],
            title=a["title"],
            text=a["text"],
            outlet=outlet_get_or_create(name=a["outlet"]),
            syndicated_from=outlet_get_or_create(name=wire) if wire else None,
            published_at=datetime.fromisoformat(a["published_at"]).replace(hour=12, tzinfo=UTC),
        )
        article_of[source.pk] = a
    elapsed = time.time() - started

    tp = fp = fn = disc_found = disc_gold = status_ok = 0
    for c in claims:
        claim = Claim.objects.get(pk=claim_of[c["id"]].pk)
        found: dict[str, Evidence] = {}
        for e in Evidence.objects.filter(claim=claim).select_related("speaker", "source"):
            a = article_of.get(e.source_id)
            if a is None:
                continue
            best = found.get(a["id"])
            if best is None or RANK.get(e.stance, 0) > RANK.get(best.stance, 0):
                found[a["id"]] = e
        for a in articles:
            gold = a.get("labels", {}).get(c["id"], {}).get("stance")
            got = found.get(a["id"])
            stance = got.stance if got else None
            if gold in ("supports", "contradicts"):
                tp += stance == gold
                fn += stance != gold
            if stance in ("supports", "contradicts") and stance != gold:
                fp += 1
            disc_gold += gold == "discusses"
            disc_found += gold == "discusses" and stance == "discusses"
            if show_pairs and stance != gold:
                where = f"  {c['id']} {a['id']}: want {gold or '-':11} got {stance or '-':11}"
                if got is not None:
                    who = got.speaker.name if got.speaker else "-"
                    where += f" [{who}] {got.quote[:110]!r}"
                else:
                    hint = a.get("labels", {}).get(c["id"], {}).get("quote_hint", "")
                    where += f" (hint {hint[:80]!r})"
                print(where)
                for reading in _why(claim, a):
                    print(f"      {reading}")
        want = c["expected"]["status"]
        status_ok += claim.status == want
        print(f"{c['id']}: {claim.status:13} (want {want:13}) {claim.status_explanation[:150]}")
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    discusses = disc_found / disc_gold if disc_gold else 0.0
    if show_floors:
        floor_table(claims, claim_of, article_of)
    print(
        f"stream: {len(articles)} articles in {elapsed:.0f} s; decisive stance P {precision:.2f} "
        f"R {recall:.2f}; discusses found {discusses:.2f}; status agreement "
        f"{status_ok}/{len(claims)}"
    )


FLOORS = (0.0, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)


def floor_table(
    claims: list[dict[str, Any]], claim_of: dict[str, Any], article_of: dict[int, dict[str, Any]]
) -> None:
    """Per floor: the automatic readings of a stance that would count (and how many are
    right, against the article's label), and the statuses that would agree."""
    from factcheck.facts.corroboration import Floors, decide_status
    from factcheck.facts.models import Claim, Evidence
    from factcheck.facts.services.claims import claimant_origin, evidence_fact

    rows: list[tuple[str, float, bool]] = []  # stance, confidence, right
    per_claim: list[tuple[Any, list[Any], str]] = []
    for c in claims:
        claim = Claim.objects.get(pk=claim_of[c["id"]].pk)
        evidence = list(
            Evidence.objects.filter(claim=claim).select_related(
                "speaker__root",
                "source__outlet",
                "source__syndicated_from",
                "source__copy_of__outlet",
                "source__copy_of__syndicated_from",
            )
        )
        for e in evidence:
            a = article_of.get(e.source_id)
            if a is None or e.stance not in ("supports", "contradicts"):
                continue
            gold = a.get("labels", {}).get(c["id"], {}).get("stance")
            rows.append((e.stance, e.confidence, gold == e.stance))
        per_claim.append(
            (claimant_origin(claim), [evidence_fact(e) for e in evidence], c["expected"]["status"])
        )
    print("\nfloor: counted supports (right) | counted contradicts (right) | statuses agreeing")
    print("       (the statuses with that floor for both stances; then support floor 0.6)")
    for floor in FLOORS:
        cells = []
        for stance in ("supports", "contradicts"):
            kept = [right for s, conf, right in rows if s == stance and conf >= floor]
            cells.append(f"{len(kept):3} ({sum(kept):3})")
        agree = [
            sum(
                decide_status(claimant=who, evidence=facts, floors=floors).status == want
                for who, facts, want in per_claim
            )
            for floors in (Floors(floor, floor), Floors(0.6, floor))
        ]
        print(f"{floor:5.2f}: {cells[0]} | {cells[1]} | {agree[0]} / {agree[1]} of {len(claims)}")


def _why(claim: Any, article: dict[str, Any]) -> list[str]:
    """The engine's readings of the article for the claim, against all tracked claims."""
    from dataclasses import replace

    from factcheck.facts.models import Claim
    from factcheck.facts.services.matching import claim_spec
    from factcheck.matching import lexical
    from factcheck.matching.stance import readings

    others = list(Claim.objects.exclude(pk=claim.pk).values_list("text", flat=True))
    weights = lexical.distinctive_terms([claim.text, *others])[0]
    spec = replace(claim_spec(claim), terms=tuple(sorted(weights.items())))
    lines = []
    for r in readings(spec, article["text"], published=date.fromisoformat(article["published_at"])):
        f = r.features
        lines.append(
            f"{r.stance:11} {f.get('rule')}; cov {f.get('distinctive_coverage')} "
            f"sim {f.get('passage_similarity')} cls {f.get('classifier')} "
            f"{f.get('figures') or f.get('figures_not_compared') or ''} | {r.passage.text[:70]!r}"
        )
    return lines


if __name__ == "__main__":
    main()
