"""The service side of the engine: claim vectors, and "which tracked claims does this text
speak to?" (`text_match`), which stores nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import numpy as np
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, transaction
from django.db.models import F

from factcheck.facts.models import Claim, Speaker
from factcheck.facts.quantity import ClaimQuantity
from factcheck.facts.selectors import automatic_floors
from factcheck.matching import candidates, embeddings, engine, learned, lexical
from factcheck.matching.attribution import KnownSpeaker, SpeakerIndex
from factcheck.matching.learned import SHORT_TEXT
from factcheck.matching.passages import Span, split_sentences
from factcheck.matching.quantities import Bound, Quantity, normalise_unit
from factcheck.matching.stance import (
    ClaimSpec,
    StanceResult,
)

LEXICAL_CANDIDATES = 30
NAMED_SCAN = 2000


def text_vector(text: str) -> list[float]:
    """A claim text's vector, as stored on the claim."""
    return [float(x) for x in embeddings.encode([text])[0]]


def claim_embed(*, claim: Claim) -> list[float]:
    """Store and return the claim's vector (used to find the passages and texts it speaks
    to)."""
    vector = text_vector(claim.text)
    Claim.objects.filter(pk=claim.pk).update(embedding=vector)
    claim.embedding = vector
    return vector


EMBED_BATCH = 256


def claims_embed(claims: list[Claim]) -> None:
    """Set the vectors of unsaved claims (a bulk create), one model call per batch."""
    for start in range(0, len(claims), EMBED_BATCH):
        chunk = claims[start : start + EMBED_BATCH]
        for claim, vector in zip(
            chunk, embeddings.encode([c.text for c in chunk], batch_size=64), strict=True
        ):
            claim.embedding = [float(x) for x in vector]


def claims_embed_pending(*, limit: int) -> dict[str, int]:
    """Embed up to `limit` stored claims that have no vector yet (oldest first); until then
    no text is matched against them. Returns how many were embedded and how many remain."""
    done = 0
    while done < limit:
        chunk = list(
            Claim.objects.filter(embedding__isnull=True)
            .order_by("pk")
            .only("pk", "text")[: min(EMBED_BATCH, limit - done)]
        )
        if not chunk:
            break
        claims_embed(chunk)
        for claim in chunk:
            # Only if nobody edited the claim meanwhile (an edit embeds the new text itself).
            Claim.objects.filter(pk=claim.pk, text=claim.text, embedding__isnull=True).update(
                embedding=claim.embedding
            )
        done += len(chunk)
    return {"embedded": done, "remaining": Claim.objects.filter(embedding__isnull=True).count()}


def claim_spec(claim: Claim) -> ClaimSpec:
    """The engine's view of a claim; a person's structured figure overrides the parse."""
    quantity = None
    given = ClaimQuantity.of(claim)
    if given is not None:
        value, low, high = given.value, given.low, given.high
        if low is not None and high is not None and (value is None or low != high):
            bound = Bound.RANGE
        elif low is not None and high is None:
            bound = Bound.AT_LEAST
        elif high is not None and low is None:
            bound = Bound.AT_MOST
        elif given.approximate:
            bound = Bound.APPROXIMATE
        else:
            bound = Bound.EXACT
            low = high = value
        quantity = Quantity(value=value, low=low, high=high, bound=bound, unit=_unit(given.unit))
    return ClaimSpec(text=claim.text, quantity=quantity, as_of=claim.as_of, key=str(claim.pk))


def _unit(unit: str) -> str:
    return normalise_unit(unit.split(" ", 1)[0]) if unit else ""


def speaker_index() -> SpeakerIndex:
    """Every known speaker, by name and alias, for attribution."""
    rows = Speaker.objects.values_list(
        "pk", "name", "aliases", "kind", "country", "organization_id"
    )
    return SpeakerIndex(
        [
            KnownSpeaker(str(pk), name, tuple(aliases), kind, country if org is None else "")
            for pk, name, aliases, kind, country, org in rows
        ]
    )


@dataclass(frozen=True)
class Match:
    claim: Claim
    result: StanceResult
    speaker: Speaker | None
    speaker_mention: str


def _candidate_claims(text: str, spans: list[Span], vectors: np.ndarray) -> list[Claim]:
    """The claims the text may speak to, as many as the engine assesses for a text of its
    length (`candidates.assessed`). A shortlist comes from the database: each sentence's
    nearest claims by meaning (the HNSW index) and the claims sharing the text's names and
    figures (full text). The engine chooses among them by meaning, words, names and
    figures, in turns by sentence (`candidates.rerank`): a long article's last paragraph
    counts as much as its first, and many claims close in meaning to one sentence (the same
    story told with other figures and places) cannot crowd out the claims the other
    sentences state."""
    rows = _nearest_by_sentence(vectors)
    known = {row[1] for row in rows}
    named = [pk for pk in _sharing_names(text) if pk not in known]
    if named:
        found = Claim.objects.filter(pk__in=named, embedding__isnull=False).values_list(
            "pk", "text", "quantity_unit", "embedding"
        )
        for pk, claim_text, unit, embedding in found:
            similarity = vectors @ np.asarray(embedding, dtype=np.float32)
            best = int(similarity.argmax())
            rows.append((best, pk, float(similarity[best]), claim_text, unit))
    shortlist = [
        candidates.Shortlisted(
            claim=pk, text=claim_text, similarity=similarity, sentence=sentence, unit=_unit(unit)
        )
        for sentence, pk, similarity, claim_text, unit in rows
        if similarity >= candidates.MIN_SIMILARITY
    ]
    ranked = candidates.rerank(
        [s.text for s in spans], shortlist, k=candidates.assessed(len(spans))
    )
    chosen = [c.claim for c in ranked]
    by_pk = Claim.objects.select_related("speaker").in_bulk(chosen)
    return [by_pk[pk] for pk in chosen if pk in by_pk]


def _nearest_by_sentence(vectors: np.ndarray) -> list[tuple[int, int, float, str, str]]:
    """Each sentence's `candidates.SHORTLIST_PER_SENTENCE` nearest claims by meaning, in one
    query: (sentence, claim id, cosine similarity, claim text, the unit of its figure)."""
    if not len(vectors):
        return []
    table = Claim._meta.db_table
    values = ", ".join(["(%s, %s::vector)"] * len(vectors))
    params: list[Any] = []
    for i, vector in enumerate(vectors):
        params += [i, "[" + ",".join(f"{x:.7g}" for x in vector) + "]"]
    params.append(candidates.SHORTLIST_PER_SENTENCE)
    with transaction.atomic(), connection.cursor() as cursor:
        # An HNSW scan returns at most ef_search rows (40 by default), fewer when rows are
        # filtered out: search wider than the rows asked for.
        cursor.execute("SET LOCAL hnsw.ef_search = 100")
        cursor.execute(
            f"""
            SELECT s.i, c.id, 1 - c.distance, c.text, c.quantity_unit
            FROM (VALUES {values}) AS s (i, v)
            CROSS JOIN LATERAL (
                SELECT id, text, quantity_unit, embedding <=> s.v AS distance
                FROM {table} WHERE embedding IS NOT NULL
                ORDER BY embedding <=> s.v LIMIT %s
            ) AS c
            """,  # noqa: S608 (placeholders and the table's name; the values are parameters)
            params,
        )
        return [
            (int(sentence), int(pk), float(similarity), claim_text, unit)
            for sentence, pk, similarity, claim_text, unit in cursor.fetchall()
        ]


def _sharing_names(text: str) -> list[int]:
    """Claims that share the text's names or figures (full text), best ranked first. Ranking
    stops at NAMED_SCAN matching claims: when more share them, the names do not tell the
    claims apart and the meaning does."""
    terms = sorted(
        {w for name in lexical.entities(text) for w in lexical.tokens(name)}
        | {t for t in lexical.tokens(text) if t[:1].isdigit()}
    )
    terms = [t for t in terms if t not in lexical.STOPWORDS and re.fullmatch(r"[\w.,'-]+", t)]
    if not terms:
        return []
    query = SearchQuery(" OR ".join(terms[:200]), search_type="websearch", config="english")
    matching = Claim.objects.filter(search_vector=query).values("pk")[:NAMED_SCAN]
    return list(
        Claim.objects.filter(pk__in=matching.values("pk"))
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank")
        .values_list("pk", flat=True)[:LEXICAL_CANDIDATES]
    )


def text_match(*, text: str, published: date | None = None, limit: int = 20) -> list[Match]:
    """The tracked claims `text` speaks to, with stance, passage and explanation, strongest
    first. Stores nothing."""
    spans = split_sentences(text)
    if not spans:
        return []
    texts = [s.text for s in spans]
    # A short text's token vectors (the cross reader's input) come from the same pass.
    vectors = learned.embed_short(texts) if len(spans) <= SHORT_TEXT else embeddings.encode(texts)
    return text_screen(text=text, spans=spans, vectors=vectors, published=published)[:limit]


def text_screen(
    *, text: str, spans: list[Span], vectors: np.ndarray, published: date | None
) -> list[Match]:
    """Screen a text (its sentences already embedded) against the tracked claims: the same
    path for `match` and for ingesting a source."""
    claims = _candidate_claims(text, spans, vectors)
    if not claims:
        return []
    missing = [c for c in claims if c.embedding is None]
    if missing:
        fresh = embeddings.encode([c.text for c in missing])
        for claim, vector in zip(missing, fresh, strict=True):
            claim.embedding = vector
    claim_vectors = np.stack([np.asarray(c.embedding, dtype=np.float32) for c in claims])
    # Nearest first; claims no sentence comes near are unrelated, and assessing them would
    # only cost time.
    similarity = (vectors @ claim_vectors.T).max(axis=0)
    order = [
        int(i)
        for i in np.argsort(-similarity, kind="stable")
        if similarity[i] >= candidates.MIN_SIMILARITY
    ]
    claims = [claims[i] for i in order]
    claim_vectors = claim_vectors[order]
    if not claims:
        return []
    terms = lexical.distinctive_terms([c.text for c in claims])
    read = engine.read(
        text,
        [
            engine.Candidate(replace(claim_spec(c), terms=tuple(sorted(w.items()))), v)
            for c, v, w in zip(claims, claim_vectors, terms, strict=True)
        ],
        sentences=spans,
        sentence_vectors=vectors,
        published=published,
        speakers=speaker_index(),
    )
    matches = matches_from(read, claims, speakers_named(read))
    rank = {"contradicts": 0, "supports": 1, "discusses": 2}
    matches.sort(key=lambda m: (rank.get(m.result.stance, 3), -m.result.confidence))
    return matches


def matches_from(
    readings: list[engine.Reading], claims: list[Claim], speakers: dict[str, Speaker]
) -> list[Match]:
    """The engine's readings with their claims and speakers resolved (`speakers`: by key,
    from `speakers_named`). A speaker key that names no stored speaker any more counts as
    nobody known; one match per claim and speaker."""
    by_key = {str(c.pk): c for c in claims}
    matches: list[Match] = []
    seen: set[tuple[str, int | None]] = set()
    for reading in readings:
        speaker = speakers.get(reading.speaker_key or "")
        key = (reading.claim_key, speaker.pk if speaker else None)
        if key in seen:
            continue
        seen.add(key)
        matches.append(
            Match(
                claim=by_key[reading.claim_key],
                result=reading.result,
                speaker=speaker,
                speaker_mention=reading.speaker_mention,
            )
        )
    return matches


def speakers_named(readings: list[engine.Reading]) -> dict[str, Speaker]:
    """The stored speakers the readings' speaker keys name, by key: one query."""
    keys = {r.speaker_key for r in readings if r.speaker_key}
    return {str(s.pk): s for s in Speaker.objects.filter(pk__in=keys)} if keys else {}


def match_as_dict(match: Match) -> dict[str, Any]:
    result = match.result
    figure = result.figure
    return {
        "claim": {"id": match.claim.pk, "text": match.claim.text, "status": match.claim.status},
        "stance": result.stance,
        "confidence": result.confidence,
        "suggested": automatic_floors().below(result.stance, result.confidence),
        "passage": {
            "text": result.passage.text,
            "start": result.passage.start,
            "end": result.passage.end,
        },
        "figure": None
        if figure is None
        else {
            "text": figure.text,
            "start": figure.start,
            "end": figure.end,
            "value": figure.value,
            "low": figure.low,
            "high": figure.high,
            "unit": figure.unit,
        },
        "speaker": None
        if match.speaker is None
        else {"id": match.speaker.pk, "name": match.speaker.name},
        "speaker_mention": match.speaker_mention,
        "explanation": result.features,
    }
