"""Reading a source into passages and screening it against the tracked claims."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from factcheck.facts.models import (
    Claim,
    Evidence,
    EvidenceMethod,
    Passage,
    Source,
    StatusTrigger,
)
from factcheck.facts.services.matching import Match, text_screen
from factcheck.matching import ENGINE_VERSION, embeddings
from factcheck.matching.passages import split_sentences


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


def evidence_upsert_automatic(*, source: Source, match: Match) -> str:
    """Record what the engine found: one Evidence per (claim, source, speaker). Evidence a
    person entered or reviewed is never overwritten; an automatic one is replaced only by a
    stronger reading. Returns 'created', 'updated', 'kept' or 'reviewed'."""
    result = match.result
    figure = result.figure
    confidence = min(max(result.confidence, 0.0), 1.0)
    fields: dict[str, Any] = {
        "stance": result.stance,
        "quote": result.passage.text,
        "quote_start": result.passage.start,
        "quote_end": result.passage.end,
        "figure_value": figure.value if figure is not None else None,
        "figure_text": figure.text[:200] if figure is not None else "",
        "confidence": confidence,
        "engine_version": ENGINE_VERSION,
    }
    with transaction.atomic():
        existing = (
            Evidence.objects.select_for_update()
            .filter(claim=match.claim, source=source, speaker=match.speaker)
            .first()
        )
        if existing is None:
            Evidence.objects.create(
                claim=match.claim,
                source=source,
                speaker=match.speaker,
                method=EvidenceMethod.AUTOMATIC,
                **fields,
            )
            return "created"
        if existing.is_human:
            return "reviewed"
        unchanged = all(getattr(existing, k) == v for k, v in fields.items())
        if unchanged or (
            existing.engine_version == ENGINE_VERSION and existing.confidence > confidence
        ):
            return "kept"
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.save()
        return "updated"


def source_screen(*, source: Source) -> dict[str, Any]:
    """Read the source, screen it, record evidence, and queue a re-check of every claim
    whose evidence changed."""
    from factcheck.facts.services.claims import claim_request_recheck

    spans, vectors = source_read(source=source)
    published = source.published_at.date() if source.published_at else None
    matches = text_screen(text=source.text, spans=spans, vectors=vectors, published=published)
    outcomes: dict[str, int] = {}
    touched: dict[int, Claim] = {}
    for match in matches:
        outcome = evidence_upsert_automatic(source=source, match=match)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        if outcome in ("created", "updated"):
            touched[match.claim.pk] = match.claim
    with transaction.atomic():
        for claim in touched.values():
            claim_request_recheck(claim=claim, trigger=StatusTrigger.SOURCE, source=source)
    return {
        "passages": len(spans),
        "claims_matched": len(matches),
        "evidence_created": outcomes.get("created", 0),
        "evidence_updated": outcomes.get("updated", 0),
        "evidence_kept": outcomes.get("kept", 0) + outcomes.get("reviewed", 0),
        "claims_rechecked": len(touched),
    }
