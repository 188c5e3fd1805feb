"""Importing other publishers' fact-checks (schema.org ClaimReview): each becomes a tracked
claim (or joins the claim already tracked with the same words) with the publisher's verdict
kept beside it as an ExternalReview. New texts are then matched against those claims like
any other."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from factcheck.facts.claimreview import ReviewItem, Skipped
from factcheck.facts.models import (
    Claim,
    ClaimStatusChange,
    EventType,
    ExternalReview,
    Speaker,
    SpeakerKind,
)
from factcheck.facts.services.claims import (
    claim_first_status,
    claim_queue_backfill,
    claims_queue_embedding,
)
from factcheck.facts.services.events import events_record_many
from factcheck.facts.services.matching import claims_embed
from factcheck.facts.services.speakers import speaker_get_or_create

BATCH = 500  # reviews per transaction
IMPORT_TAG = "claimreview"
REPORTED_SKIPS = 100  # the report lists this many skipped items (and counts them all)
REVIEW_FIELDS = (
    "url",
    "publisher",
    "publisher_url",
    "claim_reviewed",
    "rating_text",
    "rating_value",
    "best_rating",
    "worst_rating",
    "published",
    "claimant",
    "appearances",
    "language",
    "raw",
)


@dataclass
class ImportReport:
    found: int = 0
    claims_created: int = 0
    claims_joined: int = 0  # new reviews of a claim already tracked
    reviews_created: int = 0
    reviews_updated: int = 0
    reviews_unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    embedded: int = 0
    embedding_run: int | None = None
    backfills_queued: int = 0
    created_claim_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "found": self.found,
            "claims_created": self.claims_created,
            "claims_joined": self.claims_joined,
            "reviews_created": self.reviews_created,
            "reviews_updated": self.reviews_updated,
            "reviews_unchanged": self.reviews_unchanged,
            "skipped": len(self.skipped),
            "skipped_by_reason": dict(Counter(s.reason for s in self.skipped).most_common()),
            "skipped_items": [
                {"where": s.where, "reason": s.reason} for s in self.skipped[:REPORTED_SKIPS]
            ],
            "embedded": self.embedded,
            "embedding_run": self.embedding_run,
            "backfills_queued": self.backfills_queued,
        }


def reviews_import(
    *,
    items: list[ReviewItem],
    skipped: Iterable[Skipped] = (),
    tags: Iterable[str] = (),
    imported_by: User | None = None,
    embed: bool = True,
    backfill: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import parsed ClaimReviews, `BATCH` to a transaction (a failure loses one batch, and
    a second run picks up where it stopped: importing again is idempotent).

    `embed`: compute the new claims' vectors here, a batch at a time (the command line);
    otherwise a queued job does (the API: the web process does not run the model).
    `backfill`: also screen each new claim against the sources already stored (one job per
    claim; off by default, since an archive of fact-checks is mostly about old stories)."""
    report = ImportReport(found=len(items), skipped=list(skipped))
    report.found += len(report.skipped)
    tag_list = sorted({t.strip().lower() for t in [IMPORT_TAG, *tags] if t.strip()})
    unique: dict[str, ReviewItem] = {}
    for item in items:
        first = unique.setdefault(item.key, item)
        if first is not item:
            report.skipped.append(Skipped(item.where, f"repeats the review at {first.where}"))
    pending = list(unique.values())
    speakers: dict[str, Speaker] = {}
    for start in range(0, len(pending), BATCH):
        batch = pending[start : start + BATCH]
        # The model runs before the batch's transaction opens: it holds no lock and no
        # transaction id (which would hold the changes stream back) meanwhile.
        vectors = _new_claim_vectors(batch) if embed else {}
        with transaction.atomic():
            _import_batch(batch, report, tag_list, imported_by, vectors, speakers)
        if progress is not None:
            progress(len(batch))
    if report.claims_created > report.embedded:  # left to the workers (or raced)
        report.embedding_run = claims_queue_embedding(requested_by=imported_by).pk
    if backfill:
        for claim in Claim.objects.filter(pk__in=report.created_claim_ids):
            with transaction.atomic():
                claim_queue_backfill(claim=claim, requested_by=imported_by)
            report.backfills_queued += 1
    return report


def _new_claim_vectors(batch: list[ReviewItem]) -> dict[str, list[float]]:
    """The vectors of the claims the batch will likely create (its reviews not held yet,
    its words not tracked yet), read without locks; the transaction checks again."""
    held = set(
        ExternalReview.objects.filter(key__in=[i.key for i in batch]).values_list("key", flat=True)
    )
    texts = {i.claim_text for i in batch if i.key not in held}
    texts -= set(Claim.objects.filter(text__in=texts).values_list("text", flat=True))
    ordered = sorted(texts)
    made = [Claim(text=t) for t in ordered]
    claims_embed(made)
    return {c.text: list(c.embedding) for c in made if c.embedding is not None}


def _review_values(item: ReviewItem) -> dict[str, Any]:
    return {
        "url": item.url,
        "publisher": item.publisher,
        "publisher_url": item.publisher_url,
        "claim_reviewed": item.claim_text,
        "rating_text": item.rating_text,
        "rating_value": item.rating_value,
        "best_rating": item.best_rating,
        "worst_rating": item.worst_rating,
        "published": item.published,
        "claimant": item.claimant,
        "appearances": list(item.appearances),
        "language": item.language,
        "raw": item.raw,
    }


def _import_batch(
    batch: list[ReviewItem],
    report: ImportReport,
    tags: list[str],
    imported_by: User | None,
    vectors: dict[str, list[float]],
    speakers: dict[str, Speaker],
) -> None:
    held = {
        r.key: r
        for r in ExternalReview.objects.select_for_update().filter(key__in=[i.key for i in batch])
    }
    changed = []
    for item in batch:
        review = held.get(item.key)
        if review is None:
            continue
        values = _review_values(item)
        if all(getattr(review, name) == value for name, value in values.items()):
            report.reviews_unchanged += 1
            continue
        for name, value in values.items():
            setattr(review, name, value)
        changed.append(review)
    if changed:
        ExternalReview.objects.bulk_update(changed, [*REVIEW_FIELDS, "updated_at"])
        report.reviews_updated += len(changed)

    fresh = [i for i in batch if i.key not in held]
    if not fresh:
        return
    claims: dict[str, Claim] = {}
    for claim in Claim.objects.filter(text__in={i.claim_text for i in fresh}).order_by("-pk"):
        claims[claim.text] = claim  # the oldest claim with these words
    new_claims: list[Claim] = []
    created = set(report.created_claim_ids)
    held_texts = {text for text, claim in claims.items() if claim.pk not in created}
    for item in fresh:
        if item.claim_text in claims:
            report.claims_joined += item.claim_text in held_texts
            continue
        claim = Claim(
            text=item.claim_text,
            as_of=item.claim_date,
            speaker=_speaker(item, speakers),
            tags=tags,
            created_by=imported_by,
        )
        claims[item.claim_text] = claim
        new_claims.append(claim)
    if new_claims:
        for claim in new_claims:
            claim.embedding = vectors.get(claim.text)
        report.embedded += sum(c.embedding is not None for c in new_claims)
        changes = [claim_first_status(c) for c in new_claims]
        Claim.objects.bulk_create(new_claims)
        ClaimStatusChange.objects.bulk_create(changes)
        events_record_many(
            type=EventType.CLAIM_CREATED,
            rows=[
                (
                    c,
                    None,
                    {
                        "text": c.text,
                        "status": c.status,
                        "tags": c.tags,
                        "as_of": c.as_of.isoformat() if c.as_of else None,
                        "created_by": imported_by.get_username() if imported_by else None,
                        "imported_from": "claimreview",
                    },
                )
                for c in new_claims
            ],
        )
        report.claims_created += len(new_claims)
        report.created_claim_ids += [c.pk for c in new_claims]
    ExternalReview.objects.bulk_create(
        [
            ExternalReview(
                claim=claims[item.claim_text],
                key=item.key,
                imported_by=imported_by,
                **_review_values(item),
            )
            for item in fresh
        ]
    )
    report.reviews_created += len(fresh)


def _speaker(item: ReviewItem, known: dict[str, Speaker]) -> Speaker | None:
    """The claimant as a speaker (found by name or alias, or created)."""
    if not item.claimant:
        return None
    name = item.claimant[:200]
    if name.casefold() not in known:
        known[name.casefold()] = speaker_get_or_create(
            name=name,
            kind=SpeakerKind.PERSON if item.claimant_is_person else SpeakerKind.ORGANIZATION,
        )
    return known[name.casefold()]
