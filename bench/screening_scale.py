"""Screening one 800-word article against 1k / 10k / 100k *realistic* tracked claims.

    python bench/screening_scale.py [--sizes 1000,10000,100000] [--runs 5]

The claims are not random vectors: they are variants of real claims, so that, as in a
newsroom that follows a story, hundreds of them sit close to any article on it.
- 40% are variants of the story's claims (stream-dev's claims and the seed claims) with
  other figures, places, countries, forces and dates ("Iran has sent about 12,000 drones to
  Russia's Belgorod region ...");
- 60% are variants of other stories' claims and headlines (Emergent train claims and FNC-1
  train headlines) with other figures and names.
Each variant is embedded with the service's model (cached in the data folder after the
first run, a few minutes for 100,000) and loaded with the HNSW index dropped and built
again afterwards, as a bulk import should.

The article is stream-dev's articles joined up to 800 words. The claims it matches with the
story's real claims alone are the reference; at each size the bench prints the screening time
(median of --runs after a warm-up; the candidate search apart) and how many of the reference
matches are still found, with their stance. Needs ../shared/data; without it, the seed
claims and the seed page stand in.
Uses the server in DATABASE_URL, or the embedded one; creates and drops
`factcheck_screening`.
"""

from __future__ import annotations

import argparse
import csv
import glob
import hashlib
import json
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.throwaway import throwaway_database  # noqa: E402

BENCH_DB = "factcheck_screening"
SHARED = ROOT.parent / "shared" / "data"
STORY_SHARE = 0.4

# Substitution pools for the story's claims: what a newsroom's near-duplicate claims vary.
PLACES = [
    "Kursk", "Belgorod", "Bryansk", "Donetsk", "Luhansk", "Kherson", "Zaporizhzhia",
    "Kharkiv", "Crimea", "Rostov", "Khabarovsk", "Primorsky", "Sumy", "Odesa", "Mykolaiv",
    "Dnipro", "Pokrovsk", "Bakhmut", "Avdiivka", "Voronezh",
]  # fmt: skip
COUNTRIES = [
    "North Korea", "Iran", "China", "Belarus", "Syria", "Cuba", "Venezuela", "Eritrea",
    "Myanmar", "Laos", "South Korea", "Japan", "Poland", "Hungary", "Serbia",
]  # fmt: skip
DEMONYMS = [
    "North Korean", "Iranian", "Chinese", "Belarusian", "Syrian", "Cuban", "Venezuelan",
    "Eritrean", "Burmese", "Laotian", "South Korean", "Japanese", "Polish", "Hungarian",
    "Serbian",
]  # fmt: skip
# Not synonyms of one another: a variant must be another claim, not the same one reworded.
FORCES = [
    "troops", "engineers", "workers", "officers", "advisers", "drones", "missiles",
    "artillery shells", "tanks", "instructors", "doctors", "scientists",
]  # fmt: skip
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip
NUMBER = re.compile(r"\b\d{1,3}(?:,\d{3})+\b|\b\d+\b")


def _pool_pattern(pool: list[str]) -> re.Pattern[str]:
    return re.compile(r"\b(" + "|".join(re.escape(p) for p in sorted(pool, key=len)[::-1]) + r")\b")


POOLS = [(_pool_pattern(p), p) for p in (DEMONYMS, COUNTRIES, PLACES, FORCES, MONTHS)]


def _other_number(match: re.Match[str], rng: random.Random) -> str:
    text = match.group(0)
    value = int(text.replace(",", ""))
    if 1900 <= value <= 2100 and "," not in text:  # a year
        return str(rng.randint(2015, 2026))
    new = max(1, round(value * rng.choice([0.3, 0.5, 0.8, 1.2, 1.5, 2, 3, 5, 10])))
    return f"{new:,}" if "," in text else str(new)


def _chooser(pool: list[str], rng: random.Random) -> Callable[[re.Match[str]], str]:
    return lambda _match: rng.choice(pool)


def story_variant(text: str, rng: random.Random) -> str:
    text = text.replace("soldiers", "troops")  # the same thing: vary what is counted instead
    for pattern, pool in POOLS:
        text = pattern.sub(_chooser(pool, rng), text)
    return NUMBER.sub(lambda m: _other_number(m, rng), text)


def other_variant(text: str, names: list[str], rng: random.Random) -> str:
    words = text.split(" ")
    for i in range(1, len(words)):
        if words[i][:1].isupper() and words[i].isalpha() and rng.random() < 0.5:
            words[i] = rng.choice(names)
    return NUMBER.sub(lambda m: _other_number(m, rng), " ".join(words))


def story_claims() -> list[str]:
    texts = []
    claims = SHARED / "stream-dev" / "claims.json"
    if claims.exists():
        texts += [c["text"] for c in json.loads(claims.read_text())]
    seed = json.loads((ROOT / "seeds" / "nk-troops-2024-10-30.json").read_text())
    texts += [c["text"] for c in seed.get("claims", [])]
    return list(dict.fromkeys(texts))


def other_texts() -> list[str]:
    texts: list[str] = []
    emergent = SHARED / "emergent" / "emergent-train.csv"
    if emergent.exists():
        with emergent.open(newline="") as f:
            for row in csv.DictReader(f):
                texts += [row["claimHeadline"], row["articleHeadline"]]
    fnc = SHARED / "fnc1" / "train_stances.csv"
    if fnc.exists():
        with fnc.open(newline="") as f:
            texts += [row["Headline"] for row in csv.DictReader(f)]
    return list(dict.fromkeys(t.strip() for t in texts if len(t.split()) >= 4))


def variants(count: int, story: list[str], others: list[str]) -> list[str]:
    """`count` distinct claim texts, STORY_SHARE of them variants of the story's claims."""
    rng = random.Random(20241030)
    names = sorted({w for t in others for w in t.split() if w[:1].isupper() and w.isalpha()})
    names = names or PLACES
    seen = set(story) | {t.replace("soldiers", "troops") for t in story}
    out: list[str] = []
    story_count = round(count * STORY_SHARE) if others else count
    tries = 0
    while len(out) < count and tries < count * 50:
        tries += 1
        if len(out) < story_count:
            text = story_variant(rng.choice(story), rng)
        else:
            text = other_variant(rng.choice(others), names, rng)
        if text not in seen:
            seen.add(text)
            out.append(text)
    rng.shuffle(out)  # every size has the same mixture
    return out


def vectors_for(texts: list[str]) -> np.ndarray:
    """The texts' embeddings, cached in the data folder by the texts' hash."""

    from factcheck import embedded
    from factcheck.matching import embeddings

    digest = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    cache = embedded.data_dir() / "bench" / f"screening-{len(texts)}-{digest}.npy"
    if cache.exists():
        cached: np.ndarray = np.load(cache)
        return cached
    cache.parent.mkdir(parents=True, exist_ok=True)
    parts = []
    started = time.perf_counter()
    for i in range(0, len(texts), 2000):
        parts.append(embeddings.encode(texts[i : i + 2000]))
        done = min(i + 2000, len(texts))
        rate = done / (time.perf_counter() - started)
        print(f"  embedded {done:,} of {len(texts):,} claims ({rate:.0f}/s)", flush=True)
    vectors = np.concatenate(parts).astype(np.float32)
    np.save(cache, vectors)
    return vectors


def article(story: list[str]) -> str:
    paths = sorted(glob.glob(str(SHARED / "stream-dev" / "articles" / "*.json")))
    texts = [json.loads(Path(p).read_text())["text"] for p in paths]
    if not texts:
        texts = [(ROOT / "seeds" / "000_40f7a8c0a409f1f5.txt").read_text()]
    words: list[str] = []
    for text in texts * 10:
        words += text.split()
        if len(words) >= 800:
            break
    return " ".join(words[:800])


def clear_engine_caches() -> None:
    """Empty the engine's per-text caches (the model stays loaded)."""
    for name, module in list(sys.modules.items()):
        if name.startswith("factcheck.matching"):
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the database for the next run with --keep, and use one kept by an earlier",
    )
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]

    story, others = story_claims(), other_texts()
    texts = variants(max(sizes), story, others)
    print(
        f"{len(texts):,} synthetic claims: {STORY_SHARE:.0%} variants of {len(story)} story "
        f"claims, the rest of {len(others):,} other texts",
        flush=True,
    )
    with throwaway_database(BENCH_DB, keep=args.keep):
        run(sizes, args.runs, story, texts)


def run(sizes: list[int], runs: int, story: list[str], texts: list[str]) -> None:
    import django

    django.setup()
    import numpy as np
    from django.core.management import call_command
    from django.db import connection, transaction

    from factcheck.facts.models import Claim
    from factcheck.facts.services import matching
    from factcheck.facts.services.claims import claim_create
    from factcheck.facts.services.seeds import seeds_load
    from factcheck.matching import embeddings
    from factcheck.matching.passages import split_sentences

    vectors = vectors_for(texts)
    call_command("migrate", verbosity=0)
    seeds_load()
    have = set(Claim.objects.values_list("text", flat=True))
    for text in story:
        if text not in have:
            claim_create(text=text)
    real = dict(Claim.objects.filter(text__in=story).values_list("pk", "text"))

    text = article(story)
    spans = split_sentences(text)
    sentence_vectors = embeddings.encode([s.text for s in spans])

    def screen() -> tuple[float, float, dict[int, str]]:
        # Every timed screen starts with the engine's caches empty, as for a new article.
        clear_engine_caches()
        started = time.perf_counter()
        matching._candidate_claims(text, spans, sentence_vectors)
        search = time.perf_counter() - started
        started = time.perf_counter()
        found = matching.text_screen(
            text=text, spans=spans, vectors=sentence_vectors, published=None
        )
        total = time.perf_counter() - started
        best: dict[int, str] = {}
        for m in found:
            best.setdefault(m.claim.pk, m.result.stance)
        return search, total, best

    class Reference(Exception):
        """Rolls back the removal of the synthetic claims once the reference is read."""

    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("DROP INDEX IF EXISTS claim_embedding_hnsw")  # exact search
            Claim.objects.exclude(pk__in=real).delete()
            screen()
            _, _, reference = screen()
            raise Reference
    except Reference:
        pass
    decisive = {pk for pk, s in reference.items() if s != "discusses"}
    print(
        f"article: {len(text.split())} words, {len(spans)} sentences; with the "
        f"{len(real)} real claims alone it matches {len(reference)} "
        f"({len(decisive)} decisive)",
        flush=True,
    )
    table = Claim._meta.db_table
    loaded = Claim.objects.count() - len(real)  # a kept database's synthetic claims
    for n in sizes:
        want = n - len(real)
        if want > loaded:
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("DROP INDEX IF EXISTS claim_embedding_hnsw")
            batch = []
            for i in range(loaded, want):
                batch.append(Claim(text=texts[i], embedding=vectors[i].tolist()))
                if len(batch) == 5000:
                    Claim.objects.bulk_create(batch)
                    batch = []
            Claim.objects.bulk_create(batch)
            with connection.cursor() as cursor:
                cursor.execute("SET maintenance_work_mem = '1GB'")
                cursor.execute(
                    f"CREATE INDEX claim_embedding_hnsw ON {table} USING hnsw "
                    "(embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)"
                )
                cursor.execute(f"ANALYZE {table}")
            loaded = want
            print(
                f"  loaded {Claim.objects.count():,} claims and built the index in "
                f"{time.perf_counter() - started:.0f} s",
                flush=True,
            )
        screen()
        timings = [screen() for _ in range(runs)]
        search = statistics.median(t[0] for t in timings)
        total = statistics.median(t[1] for t in timings)
        found = timings[-1][2]
        kept = [pk for pk in reference if pk in found]
        same = [pk for pk in decisive if found.get(pk) == reference[pk]]
        near = int((np.asarray(vectors[:want]) @ sentence_vectors.T).max(axis=1).__ge__(0.6).sum())
        print(
            f"{Claim.objects.count():>7,} claims ({near:,} synthetic within cosine 0.6 of a "
            f"sentence): screen {1000 * total:.0f} ms (candidate search {1000 * search:.0f} "
            f"ms); reference matches found {len(kept)}/{len(reference)}, decisive readings "
            f"kept {len(same)}/{len(decisive)}; {len(found)} claims matched",
            flush=True,
        )


if __name__ == "__main__":
    main()
