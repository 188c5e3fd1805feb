"""Evidence: what a speaker, in a source, says of a claim. Every change recomputes the status."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from factcheck.facts.errors import PreconditionRequired
from factcheck.facts.models import (
    Claim,
    EventType,
    Evidence,
    EvidenceMethod,
    ReviewState,
    Source,
    Speaker,
    Stance,
    StatusTrigger,
)
from factcheck.facts.services.claims import claim_recompute_status
from factcheck.facts.services.events import event_record, events_record_many
from factcheck.facts.versions import evidence_etag, require


def _locate_quote(
    *, text: str, quote: str, start: int | None, end: int | None
) -> tuple[str, int | None, int | None]:
    """Quotes shown to users are exact substrings of the source: check or find the offsets."""
    if (start is None) != (end is None):
        raise ValidationError({"quote_start": "Give both quote_start and quote_end, or neither."})
    if start is not None and end is not None:
        if not 0 <= start <= end <= len(text):
            raise ValidationError(
                {"quote_end": f"Offsets must lie within the source text (0 to {len(text)})."}
            )
        if quote and text[start:end] != quote:
            raise ValidationError(
                {"quote": "The quote is not the source text between quote_start and quote_end."}
            )
        return text[start:end], start, end
    if not quote:
        return "", None, None
    found = text.find(quote)
    if found < 0:
        raise ValidationError({"quote": "The quote does not occur in the source text."})
    return quote, found, found + len(quote)


def _added(evidence: Evidence) -> dict[str, Any]:
    return {
        "evidence": evidence.pk,
        "stance": evidence.stance,
        "method": evidence.method,
        "confidence": evidence.confidence,
        "speaker": evidence.speaker_id,
        "quote": evidence.quote,
    }


def evidence_added_event(evidence: Evidence) -> None:
    """Tell the changes stream of new evidence, a person's or the engine's."""
    event_record(
        type=EventType.EVIDENCE_ADDED,
        claim=evidence.claim,
        source=evidence.source,
        data=_added(evidence),
    )


def evidence_added_events(rows: list[Evidence]) -> None:
    """`evidence_added_event` for many new rows at once: one insert of events."""
    events_record_many(
        type=EventType.EVIDENCE_ADDED, rows=[(e.claim, e.source, _added(e)) for e in rows]
    )


@transaction.atomic
def evidence_create(
    *,
    claim: Claim,
    source: Source,
    stance: str,
    speaker: Speaker | None = None,
    quote: str = "",
    quote_start: int | None = None,
    quote_end: int | None = None,
    figure_value: float | None = None,
    figure_text: str = "",
    confidence: float = 1.0,
    created_by: User | None = None,
) -> Evidence:
    """Record evidence a person entered (method manual) and recompute the claim's status."""
    if stance not in Stance.values:
        raise ValidationError({"stance": f"Unknown stance {stance!r}."})
    if not 0.0 <= confidence <= 1.0:
        raise ValidationError({"confidence": "Confidence lies between 0 and 1."})
    quote, quote_start, quote_end = _locate_quote(
        text=source.text, quote=quote, start=quote_start, end=quote_end
    )
    existing = Evidence.objects.filter(claim=claim, source=source, speaker=speaker).first()
    if existing is not None:
        raise ValidationError(
            {
                "non_field_errors": f"Evidence {existing.pk} already links this claim, source and "
                "speaker; review it instead."
            }
        )
    evidence = Evidence.objects.create(
        claim=claim,
        source=source,
        speaker=speaker,
        stance=stance,
        quote=quote,
        quote_start=quote_start,
        quote_end=quote_end,
        figure_value=figure_value,
        figure_text=figure_text,
        confidence=confidence,
        method=EvidenceMethod.MANUAL,
        created_by=created_by,
    )
    evidence_added_event(evidence)
    claim_recompute_status(claim_id=claim.pk, trigger=StatusTrigger.EVIDENCE, trigger_source=source)
    return evidence


@transaction.atomic
def evidence_review(
    *,
    evidence: Evidence,
    reviewer: User,
    stance: str | None = None,
    reject: bool = False,
    note: str = "",
    if_match: str | None = None,
) -> Evidence:
    """Confirm the stance (no `stance`, or the same one), override it, or `reject` the
    reading (it counts for nothing, and the engine never makes it again for this claim,
    source and speaker). Reviewed evidence outranks automatic evidence from the same origin
    and is never overwritten by the engine. `if_match` is the version the reviewer saw
    (versions.evidence_etag): another version is a stale write; evidence someone reviewed
    already is reviewed again only with one."""
    locked = Evidence.objects.select_for_update().get(pk=evidence.pk)
    require(if_match, evidence_etag(locked), what="evidence")
    if if_match is None and locked.review_state != ReviewState.UNREVIEWED:
        who = locked.reviewed_by.get_username() if locked.reviewed_by else "someone"
        raise PreconditionRequired(
            f"This evidence was {locked.review_state} by {who}; to review it again, send "
            "the ETag you read in If-Match, so that no review is overwritten unseen."
        )
    if stance is not None and stance not in Stance.values:
        raise ValidationError({"stance": f"Unknown stance {stance!r}."})
    if reject and stance is not None:
        raise ValidationError({"stance": "Reject a reading, or give its stance: not both."})
    if reject:
        locked.review_state = ReviewState.REJECTED
    elif stance is None or stance == locked.stance:
        locked.review_state = ReviewState.CONFIRMED
    else:
        if locked.method == EvidenceMethod.AUTOMATIC and not locked.automatic_stance:
            locked.automatic_stance = locked.stance
        locked.stance = stance
        locked.review_state = ReviewState.OVERRIDDEN
    locked.reviewed_by = reviewer
    locked.reviewed_at = timezone.now()
    locked.review_note = note
    locked.review_priority = None  # out of the queue
    locked.status_if_confirmed = locked.status_if_rejected = ""
    locked.save()
    event_record(
        type=EventType.EVIDENCE_REVIEWED,
        claim=locked.claim,
        source=locked.source,
        data={
            "evidence": locked.pk,
            "review_state": locked.review_state,
            "stance": locked.stance,
            "automatic_stance": locked.automatic_stance,
            "reviewer": reviewer.get_username(),
            "note": note,
        },
    )
    claim_recompute_status(
        claim_id=locked.claim_id, trigger=StatusTrigger.REVIEW, trigger_source=locked.source
    )
    return locked
