"""Read-side queries. Lists fetch what they show in a fixed number of queries."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from factcheck.facts.corroboration import Floors
from factcheck.facts.models import (
    CheckRun,
    CheckRunState,
    Claim,
    ClaimStatus,
    ClaimStatusChange,
    Event,
    Evidence,
    EvidenceMethod,
    ExternalReview,
    Feed,
    FeedEntry,
    Rating,
    ReviewPriority,
    ReviewState,
    Source,
    SourceVersion,
    Speaker,
    Stance,
    StatusBasis,
    Verdict,
    VerdictFlag,
    WebhookDelivery,
    WebhookSubscription,
)


def _evidence_count(**where: Any) -> Coalesce:
    """A claim's evidence rows (of a stance), counted for each row the list returns: a
    correlated subquery runs for the page only, where a join and GROUP BY would aggregate
    the whole table before the LIMIT."""
    rows = (
        Evidence.objects.filter(claim=OuterRef("pk"), **where)
        .order_by()
        .values("claim")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def claim_list() -> QuerySet[Claim]:
    return (
        Claim.objects.select_related("speaker__root", "first_source__outlet", "current_verdict")
        .defer("embedding", "search_vector")
        .annotate(
            evidence_count=_evidence_count(),
            supporting_evidence_count=_evidence_count(stance=Stance.SUPPORTS),
            contradicting_evidence_count=_evidence_count(stance=Stance.CONTRADICTS),
        )
        .order_by("-created_at", "-id")
    )


def claim_ids_stale(*, before: datetime, limit: int) -> list[int]:
    return list(
        Claim.objects.filter(Q(last_checked_at__lt=before) | Q(last_checked_at__isnull=True))
        .order_by(F("last_checked_at").asc(nulls_first=True), "id")
        .values_list("pk", flat=True)[:limit]
    )


def source_list() -> QuerySet[Source]:
    return (
        Source.objects.select_related("outlet", "syndicated_from")
        .annotate(evidence_count=Count("evidence"))
        .order_by(F("published_at").desc(nulls_last=True), "-id")
    )


def automatic_floors() -> Floors:
    """The confidence automatic evidence needs to count (FACTCHECK_AUTO_*_FLOOR)."""
    return Floors(
        supports=settings.FACTCHECK_AUTO_SUPPORT_FLOOR,
        contradicts=settings.FACTCHECK_AUTO_CONTRADICT_FLOOR,
    )


def evidence_suggested_q() -> Q:
    """Evidence that is only suggested: the engine's supports or contradicts below its floor,
    not reviewed by anyone (the same rule as Floors.suggested, in SQL)."""
    floors = automatic_floors()
    return Q(method=EvidenceMethod.AUTOMATIC, review_state=ReviewState.UNREVIEWED) & (
        Q(stance=Stance.SUPPORTS, confidence__lt=floors.supports)
        | Q(stance=Stance.CONTRADICTS, confidence__lt=floors.contradicts)
    )


# Columns an evidence list never shows: a claim's vector and search terms, a source's text.
_UNSHOWN = ("claim__embedding", "claim__search_vector")
_UNSHOWN_TEXT = ("source__text", "source__copy_of__text")


def _evidence_rows() -> QuerySet[Evidence]:
    return (
        Evidence.objects.select_related(
            "claim",
            "source__outlet",
            "source__syndicated_from",
            "source__copy_of__outlet",
            "source__copy_of__syndicated_from",
            "speaker__root",
            "reviewed_by",
        )
        .defer(*_UNSHOWN)
        .annotate(suggested=ExpressionWrapper(evidence_suggested_q(), output_field=BooleanField()))
    )


def evidence_list() -> QuerySet[Evidence]:
    return _evidence_rows().defer(*_UNSHOWN_TEXT)


def review_queue() -> QuerySet[Evidence]:
    """Readings nobody has reviewed, most consequential first (ReviewPriority), then the
    newest claims first, the surest reading first."""
    return (
        _evidence_rows()  # with the source's text: each entry shows its paragraph
        .filter(
            review_priority__isnull=False,
            review_state=ReviewState.UNREVIEWED,
            withdrawn_at__isnull=True,
        )
        .select_related("source__copy_of", "claim__speaker")
        .order_by("review_priority", "-claim__created_at", "-claim_id", "-confidence", "id")
    )


CONTEXT_CHARACTERS = 320  # at most this much text each side of a quote


@dataclass(frozen=True)
class Context:
    before: str
    quote: str
    after: str


def passage_in_context(text: str, start: int | None, end: int | None) -> Context:
    """The quote with the rest of its paragraph around it (cut at a word, at most
    CONTEXT_CHARACTERS each side), so that a reviewer reads it as it was written."""
    if start is None or end is None:
        return Context("", "", "")
    low = max(text.rfind("\n", 0, start) + 1, start - CONTEXT_CHARACTERS)
    high = text.find("\n", end)
    high = min(len(text) if high < 0 else high, end + CONTEXT_CHARACTERS)
    before, after = text[low:start], text[end:high]
    if low > 0 and text[low - 1] != "\n" and " " in before:
        before = "…" + before[before.index(" ") + 1 :]
    if high < len(text) and text[high] != "\n" and " " in after:
        after = after[: after.rindex(" ")] + "…"
    return Context(before, text[start:end], after)


def speaker_list() -> QuerySet[Speaker]:
    return Speaker.objects.select_related("organization", "root")


def verdict_list() -> QuerySet[Verdict]:
    return Verdict.objects.select_related("claim", "author").annotate(
        needs_review=Exists(VerdictFlag.objects.filter(verdict=OuterRef("pk"), cleared_at=None))
    )


def verdict_flags() -> QuerySet[VerdictFlag]:
    """Verdicts to look at again, newest first: a source their claim's evidence came from
    was corrected or retracted."""
    return VerdictFlag.objects.select_related("verdict", "source").order_by("-created_at", "-id")


def source_versions(*, source: Source) -> QuerySet[SourceVersion]:
    return SourceVersion.objects.filter(source=source).select_related("replaced_by")


def _count_of(model: Any, *, link: str, **where: Any) -> Coalesce:
    """A correlated COUNT(*) of `model` rows pointing at the outer row: computed for the
    rows of the page only, where a join and GROUP BY would aggregate the whole table."""
    counted = (
        model.objects.filter(**{link: OuterRef("pk")}, **where)
        .order_by()
        .values(link)
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def feed_list() -> QuerySet[Feed]:
    return Feed.objects.select_related("outlet").annotate(
        entry_count=_count_of(FeedEntry, link="feed"),
        source_count=_count_of(FeedEntry, link="feed", source__isnull=False),
    )


def feed_entries(*, feed: Feed) -> QuerySet[FeedEntry]:
    return feed.entries.order_by("-created_at", "-id")


def check_run_list() -> QuerySet[CheckRun]:
    return CheckRun.objects.all()


def published_verdict(*, verdict_id: int) -> Verdict | None:
    return (
        Verdict.objects.filter(pk=verdict_id, published=True)
        .select_related("claim__speaker", "claim__first_source", "author")
        .first()
    )


def claimreview_feed() -> QuerySet[Verdict]:
    """Each claim's latest published verdict, newest first."""
    latest = (
        Verdict.objects.filter(published=True)
        .order_by("claim_id", "-created_at", "-id")
        .distinct("claim_id")
        .values("pk")
    )
    return (
        Verdict.objects.filter(pk__in=latest)
        .select_related("claim__speaker", "claim__first_source")
        .order_by("-created_at", "-id")
    )


def claim_published_verdict(*, claim: Claim) -> Verdict | None:
    return (
        Verdict.objects.filter(claim=claim, published=True)
        .select_related("author")
        .order_by("-created_at", "-id")
        .first()
    )


@dataclass(frozen=True)
class HistoryEntry:
    kind: str  # "status" or "verdict"
    at: datetime
    item: ClaimStatusChange | Verdict


def claim_history(*, claim: Claim) -> list[HistoryEntry]:
    """Status changes and verdicts of a claim in time order (oldest first)."""
    changes = ClaimStatusChange.objects.filter(claim=claim).select_related("trigger_source")
    verdicts = Verdict.objects.filter(claim=claim).select_related("author")
    entries = [HistoryEntry("status", c.changed_at, c) for c in changes]
    entries += [HistoryEntry("verdict", v.created_at, v) for v in verdicts]
    return sorted(entries, key=lambda e: (e.at, e.kind, e.item.pk))


def stats(*, since: datetime | None) -> dict[str, Any]:
    """Counts for dashboards: claims by status and verdict, review queue, failed jobs."""
    by_status = dict(Claim.objects.values_list("status").annotate(n=Count("id")).order_by())
    by_verdict = dict(
        Claim.objects.filter(current_verdict__isnull=False)
        .values_list("current_verdict__rating")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_basis = dict(Claim.objects.values_list("status_basis").annotate(n=Count("id")).order_by())
    runs = dict(CheckRun.objects.values_list("state").annotate(n=Count("id")).order_by())
    out: dict[str, Any] = {
        "claims": Claim.objects.count(),
        "claims_by_status": {s: by_status.get(s, 0) for s in ClaimStatus.values},
        "claims_by_basis": {b: by_basis.get(b, 0) for b in StatusBasis.values},
        "claims_by_verdict": {r: by_verdict.get(r, 0) for r in Rating.values},
        "claims_without_verdict": Claim.objects.filter(current_verdict__isnull=True).count(),
        "sources": Source.objects.count(),
        "sources_by_state": dict(
            Source.objects.values_list("state").annotate(n=Count("id")).order_by()
        ),
        "evidence": Evidence.objects.count(),
        "evidence_awaiting_review": Evidence.objects.filter(
            method=EvidenceMethod.AUTOMATIC,
            review_state=ReviewState.UNREVIEWED,
            withdrawn_at__isnull=True,
        ).count(),
        "evidence_changing_a_status": Evidence.objects.filter(
            review_priority=ReviewPriority.CHANGES_STATUS,
            review_state=ReviewState.UNREVIEWED,
            withdrawn_at__isnull=True,
        ).count(),
        "verdicts_to_look_at_again": VerdictFlag.objects.filter(cleared_at__isnull=True)
        .values("verdict")
        .distinct()
        .count(),
        "check_runs_by_state": {s: runs.get(s, 0) for s in CheckRunState.values},
        "failed_check_runs": runs.get(CheckRunState.FAILED, 0),
        "since": since,
        "claims_changed_since": None,
        "status_changes_since": None,
    }
    if since is not None:
        out["claims_changed_since"] = (
            Claim.objects.filter(
                Q(status_changes__changed_at__gte=since)
                | Q(verdicts__created_at__gte=since)
                | Q(updated_at__gte=since)
            )
            .distinct()
            .count()
        )
        out["status_changes_since"] = ClaimStatusChange.objects.filter(
            changed_at__gte=since
        ).count()
    return out


def evidence_for_claim(*, claim: Claim) -> QuerySet[Evidence]:
    return evidence_list().filter(claim=claim)


@dataclass(frozen=True)
class ChangeCursor:
    """A position in the changes stream: the (transaction id, event id) of the last event a
    client has seen. Opaque to clients."""

    transaction_id: int
    event_id: int

    def encode(self) -> str:
        raw = f"{self.transaction_id}.{self.event_id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str) -> ChangeCursor:
        """Raises ValueError for anything this service did not give out."""
        try:
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
            transaction_id, event_id = (int(part) for part in raw.split("."))
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValueError("not a cursor of this stream") from exc
        if not (0 <= transaction_id < 2**63 and 0 <= event_id < 2**63):
            raise ValueError("not a cursor of this stream")
        return cls(transaction_id, event_id)


# Transactions older than this are over (committed or rolled back): every event they wrote
# is visible, and no event can still appear before it in the stream.
_STREAM_HORIZON = "pg_snapshot_xmin(pg_current_snapshot())::text::bigint"


def change_cursor_now() -> ChangeCursor:
    """The position after every event visible now and before any still to come."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_STREAM_HORIZON}")
        horizon = cursor.fetchone()[0]
    return ChangeCursor(horizon - 1, 2**63 - 1)


def change_list(
    *,
    after: ChangeCursor | None,
    types: list[str] | None = None,
    tag: str | None = None,
    claim_id: int | None = None,
    limit: int = 100,
) -> tuple[list[Event], bool]:
    """Events after `after` in stream order, at most `limit`, and whether more follow.
    Only transactions that are over are shown (see `Event`), so a page never has a gap that
    a later commit could fill."""
    # A constant SQL expression, no input in it.
    rows = Event.objects.filter(transaction_id__lt=RawSQL(_STREAM_HORIZON, ()))  # noqa: S611
    if after is not None:
        rows = rows.filter(
            Q(transaction_id__gt=after.transaction_id)
            | Q(transaction_id=after.transaction_id, id__gt=after.event_id)
        )
    if types:
        rows = rows.filter(type__in=types)
    if tag:
        rows = rows.filter(claim__tags__contains=[tag])
    if claim_id is not None:
        rows = rows.filter(claim_id=claim_id)
    page = list(rows.order_by("transaction_id", "id")[: limit + 1])
    return page[:limit], len(page) > limit


def webhook_list(*, owner: Any) -> QuerySet[WebhookSubscription]:
    return WebhookSubscription.objects.filter(owner=owner).order_by("-created_at", "-id")


def webhook_deliveries(
    *, owner: Any = None, subscription: WebhookSubscription | None = None
) -> QuerySet[WebhookDelivery]:
    rows = WebhookDelivery.objects.select_related("event").order_by("-created_at", "-id")
    if subscription is not None:
        rows = rows.filter(subscription=subscription)
    if owner is not None:
        rows = rows.filter(subscription__owner=owner)
    return rows


def external_reviews_for_claim(*, claim: Claim) -> QuerySet[ExternalReview]:
    return ExternalReview.objects.filter(claim=claim).order_by(
        F("published").desc(nulls_last=True), "-id"
    )
