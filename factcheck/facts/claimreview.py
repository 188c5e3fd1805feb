"""schema.org ClaimReview (JSON-LD) for a claim's published verdict."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from factcheck.facts.models import Claim, Rating, SpeakerKind, Verdict

# 5 = true ... 1 = false; `unproven` is off the scale and carries only its name.
RATING_VALUES = {
    Rating.TRUE: 5,
    Rating.MOSTLY_TRUE: 4,
    Rating.HALF_TRUE: 3,
    Rating.MOSTLY_FALSE: 2,
    Rating.FALSE: 1,
}


def claim_review_jsonld(*, claim: Claim, verdict: Verdict, url: str) -> dict[str, Any]:
    rating: dict[str, Any] = {
        "@type": "Rating",
        "alternateName": Rating(verdict.rating).label,
        "bestRating": 5,
        "worstRating": 1,
    }
    if verdict.rating in RATING_VALUES:
        rating["ratingValue"] = RATING_VALUES[Rating(verdict.rating)]
    item: dict[str, Any] = {"@type": "Claim"}
    if claim.speaker is not None:
        item["author"] = {
            "@type": "Person" if claim.speaker.kind == SpeakerKind.PERSON else "Organization",
            "name": claim.speaker.name,
        }
    if claim.as_of is not None:
        item["datePublished"] = claim.as_of.isoformat()
    if claim.first_source is not None and claim.first_source.url:
        item["appearance"] = {"@type": "CreativeWork", "url": claim.first_source.url}
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "datePublished": verdict.created_at.date().isoformat(),
        "author": {"@type": "Organization", "name": settings.FACTCHECK_ORGANIZATION_NAME},
        "claimReviewed": claim.text,
        "reviewRating": rating,
        "reviewBody": verdict.summary,
        "itemReviewed": item,
    }
