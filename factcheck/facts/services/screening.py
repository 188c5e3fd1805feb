"""Reading a source into passages and screening it against the tracked claims."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any

import numpy as np
from django.contrib.postgres.search import SearchQuery
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Prefetch
from django.db.models.functions import MD5
from pgvector.django import CosineDistance

from factcheck.facts.models import (
    Claim,
    Evidence,
    EvidenceMethod,
    Passage,
    ProcessingState,
    ReviewPriority,
    ReviewState,
    Source,
    StatusTrigger,
)
from factcheck.facts.services.claims import claim_recompute_status, claim_request_recheck
from factcheck.facts.services.evidence import evidence_added_event, evidence_added_events
from factcheck.facts.services.matching import (
    Match,
    claim_embed,
    claim_spec,
    matches_from,
    speaker_index,
    speakers_named,
    text_screen,
)
from factcheck.matching import ENGINE_VERSION, embeddings, engine, lexical
from factcheck.matching.passages import Span, split_sentences


def source_read(*, source: Source) -> tuple[list[Any], Any]:
    """Split the source into sentences, embed them, and store them as its passages
    (replacing any from an earlier run, so reading twice ends the same)."""
    spans = split_sentences(source.text)
    vectors = embeddings.encode([s.text for s in spans])
    with transaction.atomic():
        Passage.objects.filter(source=source).delete()
        Passage.objects.bulk_create(
            [
                Passage(
                    source=source,
                    index=i,
                    start=span.start,
                    end=span.end,
                    text=span.text,
                    embedding=vector.tolist(),
                )
                for i, (span, vector) in enumerate(zip(spans, vectors, strict=True))
            ]
        )
    return spans, vectors


def _reading_fields(match: Match) -> dict[str, Any]:
    result = match.result
    figure = result.figure
    return {
        "stance": result.stance,
        "quote": result.passage.text,
        "quote_start": result.passage.start,
        "quote_end": result.passage.end,
        "figure_value": figure.value if figure is not None else None,
        "figure_text": figure.text[:200] if figure is not None else "",
        "confidence": min(max(result.confidence, 0.0), 1.0),
        "engine_version": ENGINE_VERSION,
        "engine_notes": {**result.features, "speaker_mention": match.speaker_mention},
        # Found in the source's current text: whatever a correction withdrew stands again.
        "withdrawn_at": None,
        "withdrawn_reason": "",
    }


def _refresh(existing: Evidence, fields: dict[str, Any]) -> str:
    """An existing row after a new reading: a person's stays, an automatic one takes a
    stronger or newer reading."""
    if existing.is_human:
        return "reviewed"
    unchanged = all(getattr(existing, k) == v for k, v in fields.items())
    if unchanged or (
        existing.engine_version == ENGINE_VERSION and existing.confidence > fields["confidence"]
    ):
        return "kept"
    for name, value in fields.items():
        setattr(existing, name, value)
    existing.save()
    return "updated"


def _automatic_row(source: Source, match: Match, fields: dict[str, Any]) -> Evidence:
    """A new automatic Evidence for a reading, not saved yet."""
    return Evidence(
        claim=match.claim,
        source=source,
        speaker=match.speaker,
        method=EvidenceMethod.AUTOMATIC,
        review_priority=ReviewPriority.OTHER,  # the claim's re-check places it
        **fields,
    )


def evidence_upsert_automatic(*, source: Source, match: Match) -> str:
    """Record what the engine found: one Evidence per (claim, source, speaker). Evidence a
    person entered or reviewed is never overwritten; an automatic one is replaced only by a
    stronger reading. Returns 'created', 'updated', 'kept' or 'reviewed'."""
    fields = _reading_fields(match)
    same = Evidence.objects.filter(claim=match.claim, source=source, speaker=match.speaker)
    with transaction.atomic():
        existing = same.select_for_update().first()
        if existing is None:
            try:
                # A savepoint: a backfill and a re-screen can both find no row and insert.
                with transaction.atomic():
                    created = _automatic_row(source, match, fields)
                    created.save(force_insert=True)
                    evidence_added_event(created)
                return "created"
            except IntegrityError:
                existing = same.select_for_update().get()  # the other one's, now committed
        return _refresh(existing, fields)


def evidence_upsert_many(*, source: Source, matches: list[Match]) -> list[str]:
    """`evidence_upsert_automatic` for every reading of one source at once, outcomes in the
    order of `matches`: the source's rows for those claims locked in one query, the new
    ones inserted in one statement with their events in another. Should another screening
    of the source insert one of them first (a backfill at the same moment), the batch's
    insert is rolled back to its savepoint and the readings are recorded one by one."""
    if not matches:
        return []
    with transaction.atomic():
        existing = {
            (e.claim_id, e.speaker_id): e
            for e in Evidence.objects.select_for_update().filter(
                source=source, claim_id__in={m.claim.pk for m in matches}
            )
        }
        fields = [_reading_fields(m) for m in matches]
        new: dict[tuple[int, int | None], Evidence] = {}
        for match, given in zip(matches, fields, strict=True):
            key = (match.claim.pk, match.speaker.pk if match.speaker else None)
            if key not in existing and key not in new:
                new[key] = _automatic_row(source, match, given)
        if new:
            try:
                with transaction.atomic():
                    evidence_added_events(Evidence.objects.bulk_create(list(new.values())))
            except IntegrityError:
                return [evidence_upsert_automatic(source=source, match=m) for m in matches]
        outcomes = []
        for match, given in zip(matches, fields, strict=True):
            key = (match.claim.pk, match.speaker.pk if match.speaker else None)
            if key in new:
                outcomes.append("created")
                existing[key] = new.pop(key)  # a second reading of the key refreshes it
            else:
                outcomes.append(_refresh(existing[key], given))
        return outcomes


def evidence_drop_unfound(*, source: Source, found: list[Match], claims: list[Claim]) -> set[int]:
    """Remove the automatic evidence of `source` on `claims` that the latest screening no
    longer finds (another speaker now, or nothing at all). Evidence a person entered or
    reviewed stays. Returns the ids of the claims that lost evidence."""
    kept = {(m.claim.pk, m.speaker.pk if m.speaker else None) for m in found}
    stale = {
        pk: claim_id
        for pk, claim_id, speaker_id in Evidence.objects.filter(
            source=source,
            claim__in=claims,
            method=EvidenceMethod.AUTOMATIC,
            review_state=ReviewState.UNREVIEWED,
            withdrawn_at__isnull=True,  # withdrawn evidence stays on record
        ).values_list("pk", "claim_id", "speaker_id")
        if (claim_id, speaker_id) not in kept
    }
    if stale:
        Evidence.objects.filter(pk__in=stale).delete()
    return set(stale.values())


COPY_SHARE = 0.8  # of a source's sentences found word for word in one earlier source
COPY_MIN_CHARACTERS = 40  # shorter sentences ("He added.") prove nothing


def source_link_copy(*, source: Source) -> Source | None:
    """If most of the source's sentences appear word for word in one earlier source (a
    republication with its own headline or boilerplate), link it to that source: its
    unattributed evidence then counts as the original's origin. Returns the original."""
    if source.copy_of_id is not None:
        return source.copy_of
    texts = [
        p.text
        for p in Passage.objects.filter(source=source).only("text")
        if len(p.text) >= COPY_MIN_CHARACTERS
    ]
    if not texts:
        return None
    hashes = {hashlib.md5(t.encode(), usedforsecurity=False).hexdigest() for t in texts}
    best = (
        Passage.objects.annotate(digest=MD5("text"))
        .filter(digest__in=hashes, source__created_at__lte=source.created_at)
        .exclude(source=source)
        .values("source_id")
        .annotate(shared=Count("text", distinct=True))
        .order_by("-shared", "source_id")
        .first()
    )
    if best is None or best["shared"] < COPY_SHARE * len(set(texts)):
        return None
    original = Source.objects.get(pk=best["source_id"])
    original = original.copy_of or original
    Source.objects.filter(pk=source.pk).update(copy_of=original)
    source.copy_of = original
    return original


def source_screen(*, source: Source) -> dict[str, Any]:
    """Read the source, link it to what it republishes, screen it, record evidence, and
    queue a re-check of every claim whose evidence changed."""
    spans, vectors = source_read(source=source)
    source_link_copy(source=source)
    published = source.published_at.date() if source.published_at else None
    matches = text_screen(text=source.text, spans=spans, vectors=vectors, published=published)
    outcomes: dict[str, int] = {}
    touched: dict[int, Claim] = {}
    for match, outcome in zip(
        matches, evidence_upsert_many(source=source, matches=matches), strict=True
    ):
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        if outcome in ("created", "updated"):
            touched[match.claim.pk] = match.claim
    # Screening again (a retry, a new engine) drops what is no longer found.
    earlier = {c.pk: c for c in Claim.objects.filter(evidence__source=source).distinct()}
    dropped = evidence_drop_unfound(source=source, found=matches, claims=list(earlier.values()))
    touched.update({pk: earlier[pk] for pk in dropped})
    with transaction.atomic():
        for claim in touched.values():
            claim_request_recheck(claim=claim, trigger=StatusTrigger.SOURCE, source=source)
    return {
        "passages": len(spans),
        "copy_of": source.copy_of_id,
        "claims_matched": len(matches),
        "evidence_created": outcomes.get("created", 0),
        "evidence_updated": outcomes.get("updated", 0),
        "evidence_kept": outcomes.get("kept", 0) + outcomes.get("reviewed", 0),
        "claims_rechecked": len(touched),
    }


NEAREST_PASSAGES = 50
LEXICAL_PASSAGES = 30
NEIGHBOUR_CLAIMS = 20


def claim_backfill(*, claim: Claim) -> dict[str, Any]:
    """Screen one claim against the passages already stored, so a claim added today finds
    last week's evidence. Sources come from the nearest passages by meaning (HNSW) and by
    words (full text); each is assessed whole, as at ingestion."""
    vector = (
        claim_embed(claim=claim) if claim.embedding is None else [float(x) for x in claim.embedding]
    )
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL hnsw.ef_search = 100")
        source_ids = list(
            Passage.objects.order_by(CosineDistance("embedding", vector)).values_list(
                "source_id", flat=True
            )[:NEAREST_PASSAGES]
        )
        neighbours = list(
            Claim.objects.exclude(pk=claim.pk)
            .filter(embedding__isnull=False)
            .order_by(CosineDistance("embedding", vector))
            .values_list("text", flat=True)[:NEIGHBOUR_CLAIMS]
        )
    query = SearchQuery(claim.text, search_type="plain", config="english")
    source_ids += list(
        Passage.objects.filter(search_vector=query).values_list("source_id", flat=True)[
            :LEXICAL_PASSAGES
        ]
    )
    weights = lexical.distinctive_terms([claim.text, *neighbours])[0]
    candidate = engine.Candidate(
        replace(claim_spec(claim), terms=tuple(sorted(weights.items()))),
        np.asarray(vector, dtype=np.float32),
    )
    index = speaker_index()
    outcomes: dict[str, int] = {}
    sources = Source.objects.filter(
        pk__in=set(source_ids), state=ProcessingState.PROCESSED
    ).prefetch_related(Prefetch("passages", queryset=Passage.objects.order_by("index")))
    read: list[tuple[Source, list[engine.Reading]]] = []
    for source in sources:
        rows = list(source.passages.all())
        if not rows:
            continue
        read.append(
            (
                source,
                engine.read(
                    source.text,
                    [candidate],
                    sentences=[Span(p.start, p.end, p.text) for p in rows],
                    sentence_vectors=np.stack(
                        [np.asarray(p.embedding, dtype=np.float32) for p in rows]
                    ),
                    published=source.published_at.date() if source.published_at else None,
                    speakers=index,
                ),
            )
        )
    # One look-up for every speaker the sources name.
    speakers = speakers_named([r for _, readings in read for r in readings])
    for source, readings in read:
        found = matches_from(readings, [claim], speakers)
        for match in found:
            outcome = evidence_upsert_automatic(source=source, match=match)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        if evidence_drop_unfound(source=source, found=found, claims=[claim]):
            outcomes["removed"] = outcomes.get("removed", 0) + 1
    claim_recompute_status(claim_id=claim.pk, trigger=StatusTrigger.EVIDENCE)
    return {
        "sources_screened": len(sources),
        "evidence_created": outcomes.get("created", 0),
        "evidence_updated": outcomes.get("updated", 0),
        "evidence_kept": outcomes.get("kept", 0) + outcomes.get("reviewed", 0),
        "sources_with_evidence_removed": outcomes.get("removed", 0),
    }
