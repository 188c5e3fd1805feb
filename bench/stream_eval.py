"""Score the engine alone on a labelled stream (default ../shared/data/stream-dev).

    python bench/stream_eval.py [STREAM_DIR]

For every (claim, article) pair the engine decides a stance; prints accuracy against the
labels (a pair with no label should come out unrelated), decisive (supports / contradicts)
precision and recall, and then the status the corroboration rules give each claim from
this automatic evidence alone, next to the expected status. Origins come from the engine's
own attribution, resolved against the speakers in seeds/; nothing from the labels' ground
truth is used but the labels themselves.
"""

from __future__ import annotations

import glob
import json
import sys
import time
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from factcheck.facts.corroboration import (  # noqa: E402
    EvidenceFact,
    Origin,
    SourceRef,
    decide_status,
)
from factcheck.matching import embeddings  # noqa: E402
from factcheck.matching.attribution import (  # noqa: E402
    KnownSpeaker,
    SpeakerIndex,
    find_attributions,
    speaker_for_span,
)
from factcheck.matching.lexical import distinctive_terms  # noqa: E402
from factcheck.matching.passages import split_sentences  # noqa: E402
from factcheck.matching.quantities import Bound, Quantity, normalise_unit  # noqa: E402
from factcheck.matching.stance import ClaimSpec, assess  # noqa: E402


def seed_speakers() -> tuple[SpeakerIndex, dict[str, str]]:
    """The index of seed speakers and each speaker's root name."""
    specs = []
    for manifest in sorted((ROOT / "seeds").glob("*.json")):
        specs += json.loads(manifest.read_text()).get("speakers", [])
    parent = {s["name"]: s.get("organization") for s in specs}

    def root(name: str) -> str:
        while parent.get(name):
            name = parent[name]  # type: ignore[assignment]
        return name

    known = [
        KnownSpeaker(
            s["name"],
            s["name"],
            tuple(s.get("aliases", [])),
            s.get("kind", "person"),
            s.get("country", "") if not s.get("organization") else "",
        )
        for s in specs
    ]
    return SpeakerIndex(known), {s["name"]: root(s["name"]) for s in specs}


def claim_spec(claim: dict) -> ClaimSpec:
    q = claim.get("quantity")
    quantity = None
    if q:
        low, high, value = q.get("low"), q.get("high"), q.get("value")
        if low is not None and high is not None:
            bound = Bound.RANGE
        elif low is not None:
            bound = Bound.AT_LEAST
        else:
            bound = Bound.APPROXIMATE if q.get("approx") else Bound.EXACT
        if bound == Bound.EXACT:
            low = high = value
        quantity = Quantity(
            value=value,
            low=low,
            high=high,
            unit=normalise_unit(q.get("unit", "").split(" ")[0]),
            bound=bound,
        )
    return ClaimSpec(
        text=claim["text"],
        quantity=quantity,
        as_of=date.fromisoformat(claim["as_of"]) if claim.get("as_of") else None,
    )


def main() -> None:
    stream = (
        Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data" / "stream-dev"
    )
    if not (stream / "claims.json").exists():
        raise SystemExit(f"no labelled stream at {stream}")
    claims = json.loads((stream / "claims.json").read_text())
    articles = [
        json.loads(Path(p).read_text())
        for p in sorted(glob.glob(str(stream / "articles" / "*.json")))
    ]
    index, roots = seed_speakers()
    started = time.time()
    confusion: Counter[tuple[str, str]] = Counter()
    facts: dict[str, list[EvidenceFact]] = {c["id"]: [] for c in claims}
    claim_vectors = embeddings.encode([c["text"] for c in claims])
    terms = distinctive_terms([c["text"] for c in claims])
    evidence_id = 0
    for article in articles:
        spans = split_sentences(article["text"])
        vectors = embeddings.encode([s.text for s in spans])
        published = date.fromisoformat(article["published_at"])
        attributions = find_attributions(article["text"], index)
        for claim, vector, weights in zip(claims, claim_vectors, terms, strict=True):
            spec = replace(claim_spec(claim), terms=tuple(sorted(weights.items())))
            result = assess(
                spec,
                article["text"],
                published=published,
                sentences=spans,
                sentence_vectors=vectors,
                claim_vector=vector,
            )
            gold = article.get("labels", {}).get(claim["id"], {}).get("stance", "unrelated")
            confusion[(gold, result.stance)] += 1
            if result.stance not in ("supports", "contradicts"):
                continue
            # The origin: whoever says the passage, else the wire or outlet.
            said_by = speaker_for_span(attributions, result.passage.start, result.passage.end)
            if said_by is not None and said_by.speaker:
                name = said_by.speaker
                origin = Origin(f"speaker:{roots.get(name, name)}", roots.get(name, name))
            else:
                outlet = article.get("syndicated_from") or article["outlet"]
                origin = Origin(f"outlet:{outlet}", outlet)
            evidence_id += 1
            facts[claim["id"]].append(
                EvidenceFact(
                    evidence_id,
                    origin,
                    result.stance,
                    False,
                    SourceRef(evidence_id, article["title"], article["outlet"]),
                )
            )
    elapsed = time.time() - started

    labels = ("supports", "contradicts", "discusses", "unrelated")
    total = sum(confusion.values())
    correct = sum(confusion[(label, label)] for label in labels)
    tp = sum(confusion[(label, label)] for label in ("supports", "contradicts"))
    predicted = sum(v for (g, p), v in confusion.items() if p in ("supports", "contradicts"))
    gold_decisive = sum(v for (g, p), v in confusion.items() if g in ("supports", "contradicts"))
    print(f"{len(articles)} articles x {len(claims)} claims = {total} pairs in {elapsed:.1f} s")
    print(f"stance accuracy: {correct / total:.3f}")
    print(
        f"decisive precision: {tp / max(predicted, 1):.3f}  recall: "
        f"{tp / max(gold_decisive, 1):.3f}"
    )
    print("confusion (rows gold, columns engine):")
    print("             " + "".join(f"{p:>12}" for p in labels))
    for gold in labels:
        print(f"{gold:>12} " + "".join(f"{confusion[(gold, p)]:>12}" for p in labels))
    agree = 0
    print("statuses from automatic evidence (claimant resolved from the claim's speaker):")
    for claim in claims:
        found = index.find(claim.get("speaker", ""))
        claimant = None
        if found:
            root = roots.get(found[0].key, found[0].key)
            claimant = Origin(f"speaker:{root}", root)
        status = decide_status(claimant=claimant, evidence=facts[claim["id"]])
        want = claim["expected"]["status"]
        agree += status.status == want
        print(f"  {claim['id']}: {status.status:13} (want {want:13}) {status.rule}")
    print(f"status agreement: {agree}/{len(claims)}")


if __name__ == "__main__":
    main()
