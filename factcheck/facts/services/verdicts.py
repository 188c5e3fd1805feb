"""Verdicts: append-only ratings by fact-checkers."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from factcheck.facts.models import Claim, EventType, Rating, Verdict
from factcheck.facts.services.corrections import verdict_flags_clear
from factcheck.facts.services.events import event_record


@transaction.atomic
def verdict_create(
    *, claim: Claim, rating: str, summary: str, author: User, published: bool = False
) -> Verdict:
    """Add a verdict; it becomes the claim's current one. Earlier verdicts stay as they were;
    the flags asking to look at them again (a source corrected or retracted) are answered."""
    if rating not in Rating.values:
        raise ValidationError({"rating": f"Unknown rating {rating!r}."})
    summary = summary.strip()
    if not summary:
        raise ValidationError({"summary": "A verdict needs a summary."})
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    verdict = Verdict.objects.create(
        claim=locked, rating=rating, summary=summary, author=author, published=published
    )
    Claim.objects.filter(pk=locked.pk).update(current_verdict=verdict)
    verdict_flags_clear(claim=locked, verdict=verdict)
    if published:
        event_record(
            type=EventType.VERDICT_PUBLISHED,
            claim=locked,
            data={
                "verdict": verdict.pk,
                "rating": rating,
                "summary": summary,
                "author": author.get_username(),
            },
        )
    return verdict
