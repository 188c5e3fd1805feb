"""Corrections and retractions: a source's text can change after it was read (its page
changed when fetched again, or an editor gives the corrected text), and a publisher can
withdraw it. The old text stays readable as a version; evidence whose passage is gone, or
all of a retracted source's, is withdrawn (kept on record, counted for nothing); the claims
that counted the source are re-checked, and their verdicts made since its evidence arrived
are flagged for review."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from factcheck.facts.errors import AlreadyHeld, WrongState
from factcheck.facts.models import (
    CheckRun,
    CheckRunKind,
    Claim,
    EventType,
    Evidence,
    ProcessingState,
    ReviewState,
    Source,
    SourceStanding,
    SourceVersion,
    StatusTrigger,
    Verdict,
    VerdictFlag,
    VersionReason,
)
from factcheck.facts.normalize import content_hash
from factcheck.facts.services.claims import claim_request_recheck
from factcheck.facts.services.events import event_record
from factcheck.facts.services.fetch import FetchError, url_fetch
from factcheck.facts.services.jobs import job_queue
from factcheck.facts.services.sources import source_next_refetch, source_queue_ingest

REFETCH_BATCH = 100  # due sources queued per beat


def source_revise(
    *,
    source_id: int,
    text: str,
    reason: str,
    note: str = "",
    by: User | None = None,
) -> dict[str, Any]:
    """Replace a source's text with its corrected version: the old text is kept as a
    version, evidence whose quote the new text no longer holds is withdrawn (the rest
    points into the new text), the source is read again, and the claims that counted it
    are re-checked and their verdicts flagged. The same text again changes nothing."""
    text = text.strip()
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source_id)
        _check_revisable(source)
        digest = content_hash(text)
        if digest == source.content_hash:
            return {"changed": False}
        other = (
            Source.objects.filter(content_hash=digest, copy_of__isnull=True)
            .exclude(pk=source.pk)
            .first()
        )
        if other is not None:
            raise AlreadyHeld(
                "text",
                f"This text is already held as source {other.pk}.",
                existing_id=other.pk,
                kind="source",
            )
        SourceVersion.objects.create(
            source=source,
            text=source.text,
            title=source.title,
            content_hash=source.content_hash,
            reason=reason,
            note=note,
            replaced_by=by,
        )
        now = timezone.now()
        source.text, source.content_hash = text, digest
        source.standing, source.standing_note, source.standing_changed_at = (
            SourceStanding.CORRECTED,
            note,
            now,
        )
        source.save()
        # Before any is withdrawn: the claims that counted the source are the ones to tell.
        arrived = _counted_by(source)
        withdrawn, lost = _evidence_follow_text(source, f"no longer in the source's text ({note})")
        # A page that changed on its own (a time stamp, a related-links box) puts a verdict
        # in doubt only where the claim lost evidence; an editor's correction, everywhere.
        claims, flagged = _consequences(
            source,
            f"source {source.pk} was corrected: {note}",
            arrived,
            flag_only=lost if reason == VersionReason.REFETCH else None,
        )
        # Read the new text: evidence it states again is found again, the rest dropped.
        run = source_queue_ingest(source=source, requested_by=by)
        return _told(
            EventType.SOURCE_CORRECTED,
            source,
            {"reason": reason, "note": note, "versions": source.versions.count()},
            by=by,
            withdrawn=withdrawn,
            claims=claims,
            flagged=flagged,
            run=run,
        )


def source_mark_corrected(*, source_id: int, note: str, by: User | None = None) -> dict[str, Any]:
    """An editor says the source was corrected without giving the new text: its claims are
    re-checked and their verdicts flagged; its text and evidence stay as they are."""
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source_id)
        _check_revisable(source)
        Source.objects.filter(pk=source.pk).update(
            standing=SourceStanding.CORRECTED,
            standing_note=note,
            standing_changed_at=timezone.now(),
        )
        claims, flagged = _consequences(
            source, f"source {source.pk} was corrected: {note}", _counted_by(source)
        )
        return _told(
            EventType.SOURCE_CORRECTED,
            source,
            {"reason": VersionReason.EDITOR, "note": note, "versions": source.versions.count()},
            by=by,
            withdrawn=0,
            claims=claims,
            flagged=flagged,
        )


def source_retract(*, source_id: int, note: str, by: User | None = None) -> dict[str, Any]:
    """The publisher withdrew the source: all its evidence is withdrawn (kept on record),
    it is not read again, and the claims that counted it are re-checked and their verdicts
    flagged."""
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source_id)
        if source.standing == SourceStanding.RETRACTED:
            raise WrongState({"standing": "This source is retracted already."})
        now = timezone.now()
        Source.objects.filter(pk=source.pk).update(
            standing=SourceStanding.RETRACTED,
            standing_note=note,
            standing_changed_at=now,
            next_refetch_at=None,
        )
        claims, flagged = _consequences(
            source, f"source {source.pk} was retracted: {note}", _counted_by(source)
        )
        withdrawn = Evidence.objects.filter(source=source, withdrawn_at__isnull=True).update(
            withdrawn_at=now, withdrawn_reason=f"the source was retracted ({note})"
        )
        return _told(
            EventType.SOURCE_RETRACTED,
            source,
            {"note": note},
            by=by,
            withdrawn=withdrawn,
            claims=claims,
            flagged=flagged,
        )


def _told(
    type: EventType,
    source: Source,
    data: dict[str, Any],
    *,
    by: User | None,
    withdrawn: int,
    claims: list[Claim],
    flagged: list[int],
    run: CheckRun | None = None,
) -> dict[str, Any]:
    """Write the change's event (in its transaction) and return the report for the caller."""
    event_record(
        type=type,
        source=source,
        data={
            "source": source.pk,
            **data,
            "by": by.get_username() if by else None,
            "evidence_withdrawn": withdrawn,
            "claims_rechecked": [c.pk for c in claims],
            "verdicts_flagged": flagged,
        },
    )
    return {
        "changed": type == EventType.SOURCE_RETRACTED or run is not None,
        "evidence_withdrawn": withdrawn,
        "claims_rechecked": len(claims),
        "verdicts_flagged": len(flagged),
        "check_run": run.pk if run is not None else None,
    }


def _check_revisable(source: Source) -> None:
    if source.standing == SourceStanding.RETRACTED:
        raise WrongState({"standing": "This source is retracted; it cannot be corrected."})
    if source.state != ProcessingState.PROCESSED:
        raise WrongState(
            {"state": f"This source is {source.state}; correct it once it has been read."}
        )


def _evidence_follow_text(source: Source, reason: str) -> tuple[int, set[int]]:
    """Point each piece of the source's evidence at its quote in the new text; withdraw
    what the new text no longer holds. Returns how many were withdrawn, and the claims
    that lost evidence."""
    now = timezone.now()
    lost: set[int] = set()
    withdrawn = 0
    for evidence in Evidence.objects.filter(source=source, withdrawn_at__isnull=True).exclude(
        quote=""
    ):
        found = source.text.find(evidence.quote)
        if found < 0:
            evidence.withdrawn_at, evidence.withdrawn_reason = now, reason
            evidence.quote_start = evidence.quote_end = None
            withdrawn += 1
            lost.add(evidence.claim_id)
        else:
            evidence.quote_start, evidence.quote_end = found, found + len(evidence.quote)
        evidence.save(
            update_fields=[
                "withdrawn_at",
                "withdrawn_reason",
                "quote_start",
                "quote_end",
                "updated_at",
            ]
        )
    return withdrawn, lost


def _counted_by(source: Source) -> dict[int, Any]:
    """The claims that count the source's evidence, each with when that evidence arrived."""
    arrived: dict[int, Any] = {}
    for claim_id, created_at in (
        Evidence.objects.filter(source=source, withdrawn_at__isnull=True)
        .exclude(review_state=ReviewState.REJECTED)
        .values_list("claim_id", "created_at")
    ):
        arrived[claim_id] = min(created_at, arrived.get(claim_id, created_at))
    return arrived


def _consequences(
    source: Source, reason: str, arrived: dict[int, Any], *, flag_only: set[int] | None = None
) -> tuple[list[Claim], list[int]]:
    """Re-check every claim that counted the source (`arrived`), and flag each such claim's
    current verdict (those in `flag_only`, when given) if it was made after the source's
    evidence on it arrived. Returns the claims and the flagged verdicts' ids."""
    claims = list(Claim.objects.filter(pk__in=arrived).select_related("current_verdict"))
    flagged: list[int] = []
    for claim in claims:
        claim_request_recheck(claim=claim, trigger=StatusTrigger.SOURCE, source=source)
        verdict = claim.current_verdict
        if verdict is None or verdict.created_at < arrived[claim.pk]:
            continue
        if flag_only is not None and claim.pk not in flag_only:
            continue
        try:
            with transaction.atomic():
                VerdictFlag.objects.create(
                    verdict=verdict, claim=claim, source=source, reason=reason
                )
        except IntegrityError:
            continue  # flagged for this source already and not cleared
        flagged.append(verdict.pk)
    return claims, flagged


def verdict_flags_clear(*, claim: Claim, verdict: Verdict) -> int:
    """A new verdict on the claim answers the flags on the earlier ones."""
    return VerdictFlag.objects.filter(claim=claim, cleared_at__isnull=True).update(
        cleared_at=timezone.now(), cleared_by_verdict=verdict
    )


def sources_queue_due_refetch(*, limit: int = REFETCH_BATCH) -> int:
    """Beat: queue a re-fetch of each page whose time has come (one per source at a time)."""
    due = list(
        Source.objects.filter(next_refetch_at__lte=timezone.now())
        .exclude(url="")
        .exclude(standing=SourceStanding.RETRACTED)
        .order_by("next_refetch_at")
        .values_list("pk", flat=True)[:limit]
    )
    queued = 0
    for source_id in due:
        try:
            with transaction.atomic():
                run = CheckRun.objects.create(
                    kind=CheckRunKind.REFETCH_SOURCE,
                    source_id=source_id,
                    trigger=StatusTrigger.SOURCE,
                )
                job_queue(run)
        except IntegrityError:
            continue  # one is queued or running for it
        queued += 1
    return queued


def source_refetch(*, source_id: int) -> dict[str, Any]:
    """Fetch a page again with a conditional GET. Unchanged (304, or the same text): only
    the next time is set. Changed: a new version (`source_revise`). A page that cannot be
    fetched keeps its error on the source and is tried at the next time; it is not taken
    for a retraction (pages move and servers fail)."""
    source = Source.objects.get(pk=source_id)
    now = timezone.now()
    if source.standing == SourceStanding.RETRACTED or not source.url:
        Source.objects.filter(pk=source_id).update(next_refetch_at=None)
        return {"skipped": "retracted" if source.url else "no URL"}
    following = {"last_refetched_at": now, "next_refetch_at": source_next_refetch(source, now)}
    try:
        page = url_fetch(url=source.url, etag=source.etag, last_modified=source.last_modified)
    except FetchError as exc:
        Source.objects.filter(pk=source_id).update(refetch_error=str(exc)[:2000], **following)
        return {"error": str(exc)}
    Source.objects.filter(pk=source_id).update(
        etag=page.etag, last_modified=page.last_modified, refetch_error="", **following
    )
    if not page.changed:
        return {"changed": False, "not_modified": True}
    if content_hash(page.text) == source.content_hash:
        return {"changed": False, "not_modified": False}
    if source.state != ProcessingState.PROCESSED:
        return {"changed": False, "not_read_yet": True}
    return source_revise(
        source_id=source_id,
        text=page.text,
        reason=VersionReason.REFETCH,
        note="the page changed when fetched again",
    )
