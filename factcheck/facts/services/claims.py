"""Claims: create, edit, and recompute the corroboration status from evidence."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from factcheck.facts import corroboration
from factcheck.facts.corroboration import EvidenceFact, Floors, Origin, SourceRef, StatusResult
from factcheck.facts.errors import AlreadyHeld
from factcheck.facts.models import (
    CheckRun,
    CheckRunKind,
    CheckRunState,
    Claim,
    ClaimStatusChange,
    EventType,
    Evidence,
    Outlet,
    ReviewPriority,
    ReviewState,
    Source,
    Speaker,
    Stance,
    StatusTrigger,
)
from factcheck.facts.quantity import COLUMNS as QUANTITY_COLUMNS
from factcheck.facts.quantity import ClaimQuantity
from factcheck.facts.selectors import automatic_floors
from factcheck.facts.services.events import event_record
from factcheck.facts.services.jobs import job_queue
from factcheck.facts.services.matching import text_vector
from factcheck.facts.versions import claim_etag, require

EDITABLE_FIELDS = (
    "text",
    *QUANTITY_COLUMNS,
    "as_of",
    "speaker",
    "first_source",
    "tags",
)


def _validate_quantity(claim: Claim) -> None:
    quantity = ClaimQuantity.of(claim)
    problems = quantity.problems() if quantity else {}
    if problems:
        raise ValidationError({f"quantity_{name}": text for name, text in problems.items()})


def _clean_tags(tags: list[str]) -> list[str]:
    return sorted({t.strip().lower() for t in tags if t.strip()})


@transaction.atomic
def claim_create(
    *,
    text: str,
    as_of: date | None = None,
    speaker: Speaker | None = None,
    first_source: Source | None = None,
    tags: list[str] | None = None,
    quantity_value: float | None = None,
    quantity_low: float | None = None,
    quantity_high: float | None = None,
    quantity_unit: str = "",
    quantity_approximate: bool = False,
    quantity_about: str = "",
    created_by: User | None = None,
    force: bool = False,
) -> Claim:
    """Create a claim and compute its first status (the claimant alone: unverified). A
    create that repeats one the same account just made (`_retried_create`) is refused with
    that claim's id, unless `force`: a retried request must not track a claim twice."""
    claim = Claim(
        text=" ".join(text.split()),
        as_of=as_of,
        speaker=speaker,
        first_source=first_source,
        tags=_clean_tags(tags or []),
        quantity_value=quantity_value,
        quantity_low=quantity_low,
        quantity_high=quantity_high,
        quantity_unit=quantity_unit,
        quantity_approximate=quantity_approximate,
        quantity_about=quantity_about,
        created_by=created_by,
    )
    if not claim.text:
        raise ValidationError({"text": "A claim needs text."})
    _validate_quantity(claim)
    if not force and created_by is not None:
        same = _retried_create(claim)
        if same is not None:
            raise AlreadyHeld(
                "text",
                f"You posted this claim a moment ago as claim {same}; send force=true to "
                "track it again.",
                existing_id=same,
                kind="claim",
            )
    # The model runs before the first write: the request's transaction holds no id and no
    # lock meanwhile (a transaction with an id holds the changes stream back).
    claim.embedding = text_vector(claim.text)
    claim.save()
    claim_recompute_status(claim_id=claim.pk, trigger=StatusTrigger.EVIDENCE)
    claim_queue_backfill(claim=claim, requested_by=created_by)
    claim.refresh_from_db()
    event_record(
        type=EventType.CLAIM_CREATED,
        claim=claim,
        data={
            "text": claim.text,
            "status": claim.status,
            "tags": claim.tags,
            "as_of": claim.as_of.isoformat() if claim.as_of else None,
            "created_by": created_by.get_username() if created_by else None,
        },
    )
    return claim


@transaction.atomic
def _retried_create(claim: Claim) -> int | None:
    """The claim this create repeats, if it looks like a retry: the same account, the same
    text (spacing and case aside) and date, created within FACTCHECK_RETRY_WINDOW_SECONDS
    and with nothing recorded about it yet. Later, the same wording is a new claim to track
    (a desk may track it again, a stream may be played twice)."""
    since = timezone.now() - timedelta(seconds=settings.FACTCHECK_RETRY_WINDOW_SECONDS)
    return (
        Claim.objects.filter(
            text__iexact=claim.text,
            as_of=claim.as_of,
            created_by=claim.created_by,
            created_at__gte=since,
            evidence__isnull=True,
        )
        .values_list("pk", flat=True)
        .first()
    )


def claim_update(*, claim: Claim, data: dict[str, Any], if_match: str | None = None) -> Claim:
    """Change the editable fields; a new claimant or first source can change the status.
    `if_match` is the version the editor saw (versions.claim_etag); another is refused."""
    for name in data:
        if name not in EDITABLE_FIELDS:
            raise ValidationError({name: "This field cannot be changed."})
    text = " ".join(str(data["text"]).split()) if "text" in data else claim.text
    if not text:
        raise ValidationError({"text": "A claim needs text."})
    # A new text's vector is computed before the row lock is taken (and before the first
    # write): the model never runs while the claim is locked.
    vector = text_vector(text) if text != claim.text else None
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    require(if_match, claim_etag(locked), what="claim")
    changed_text = text != locked.text
    if changed_text and vector is None:  # edited by someone else since it was read
        vector = text_vector(text)
    for name, given in data.items():
        value: Any = given
        if name == "text":
            value = text
        elif name == "tags":
            value = _clean_tags(given)
        setattr(locked, name, value)
    if changed_text:
        locked.embedding = vector
    _validate_quantity(locked)
    locked.save()
    if changed_text:
        claim_queue_backfill(claim=locked)
    claim_recompute_status(claim_id=locked.pk, trigger=StatusTrigger.EVIDENCE)
    locked.refresh_from_db()
    return locked


def outlet_origin(outlet: Outlet) -> Origin:
    if outlet.owner_group:
        return Origin(key=f"group:{outlet.owner_group.lower()}", label=outlet.owner_group)
    return Origin(key=f"outlet:{outlet.pk}", label=outlet.name)


def source_origin(source: Source) -> Origin:
    """Unattributed material counts as the source it copies, else the wire it republishes,
    else its outlet."""
    if source.copy_of is not None:
        return source_origin(source.copy_of)
    if source.syndicated_from is not None:
        return outlet_origin(source.syndicated_from)
    if source.outlet is not None:
        return outlet_origin(source.outlet)
    return Origin(
        key=f"source:{source.pk}", label=source.title or source.url or f"source {source.pk}"
    )


def speaker_origin(speaker: Speaker) -> Origin:
    root = speaker.root or speaker
    return Origin(key=f"speaker:{root.pk}", label=root.name)


def claimant_origin(claim: Claim) -> Origin | None:
    if claim.speaker is not None:
        return speaker_origin(claim.speaker)
    if claim.first_source is not None:
        return source_origin(claim.first_source)
    return None


def evidence_fact(evidence: Evidence) -> EvidenceFact:
    source = evidence.source
    origin = speaker_origin(evidence.speaker) if evidence.speaker else source_origin(source)
    outlet = source.outlet.name if source.outlet else ""
    via = ""
    original = source.copy_of or source
    if original.syndicated_from is not None:
        via, outlet = outlet, original.syndicated_from.name
    elif source.copy_of is not None and original.outlet is not None:
        via, outlet = outlet, original.outlet.name
    return EvidenceFact(
        evidence_id=evidence.pk,
        origin=origin,
        stance=evidence.stance,
        human=evidence.is_human,
        source=SourceRef(id=source.pk, title=source.title, outlet=outlet, via=via),
        confidence=evidence.confidence,
    )


def _counted_evidence(claim: Claim) -> list[Evidence]:
    """The claim's evidence as the rules read it; rejected readings and withdrawn evidence
    (its passage corrected away, its source retracted) count for nothing."""
    return list(
        Evidence.objects.filter(claim=claim, withdrawn_at__isnull=True)
        .exclude(review_state=ReviewState.REJECTED)
        .select_related(
            "speaker__root",
            "source__outlet",
            "source__syndicated_from",
            "source__copy_of__outlet",
            "source__copy_of__syndicated_from",
        )
    )


def _queue_review(
    *,
    evidence: list[Evidence],
    facts: list[EvidenceFact],
    claimant: Origin | None,
    floors: Floors,
    result: StatusResult,
) -> None:
    """Place the claim's unreviewed readings in the review queue: first those whose review
    would change the status, then contradictions below the floor, then the rest."""
    found = corroboration.review_consequences(claimant=claimant, evidence=facts, floors=floors)
    suggested = set(result.suggested_evidence)
    changed = []
    for row in evidence:
        then = found.get(row.pk)
        if then is None:
            continue  # reviewed: out of the queue
        if result.status != then.if_confirmed or result.status != then.if_rejected:
            priority = ReviewPriority.CHANGES_STATUS
        elif row.pk in suggested and row.stance == Stance.CONTRADICTS:
            priority = ReviewPriority.SUGGESTED_CONTRADICTION
        else:
            priority = ReviewPriority.OTHER
        values = (priority, then.if_confirmed, then.if_rejected)
        if values != (row.review_priority, row.status_if_confirmed, row.status_if_rejected):
            row.review_priority, row.status_if_confirmed, row.status_if_rejected = values
            changed.append(row)
    Evidence.objects.bulk_update(
        changed, ["review_priority", "status_if_confirmed", "status_if_rejected"]
    )


@transaction.atomic
def claim_recompute_status(
    *, claim_id: int, trigger: str, trigger_source: Source | None = None
) -> Claim:
    """Recompute the status under a row lock. Records a ClaimStatusChange only when the status
    or its basis changes, so running it twice ends in the same state."""
    claim = (
        Claim.objects.select_for_update(of=("self",))
        .select_related("speaker__root", "first_source__outlet", "first_source__syndicated_from")
        .get(pk=claim_id)
    )
    evidence = _counted_evidence(claim)
    facts = [evidence_fact(e) for e in evidence]
    claimant, floors = claimant_origin(claim), automatic_floors()
    result = corroboration.decide_status(claimant=claimant, evidence=facts, floors=floors)
    _queue_review(evidence=evidence, facts=facts, claimant=claimant, floors=floors, result=result)
    now = timezone.now()
    previous, previous_basis = claim.status, claim.status_basis
    is_first = claim.last_checked_at is None
    claim.status = result.status
    claim.status_basis = result.basis
    claim.status_explanation = result.sentence
    claim.status_detail = result.as_dict()
    claim.last_checked_at = now
    claim.save(
        update_fields=[
            "status",
            "status_basis",
            "status_explanation",
            "status_detail",
            "last_checked_at",
        ]
    )
    if is_first or (previous, previous_basis) != (result.status, result.basis):
        ClaimStatusChange.objects.create(
            claim=claim,
            from_status="" if is_first else previous,
            to_status=result.status,
            from_basis="" if is_first else previous_basis,
            to_basis=result.basis,
            changed_at=now,
            trigger=trigger,
            trigger_source=trigger_source,
            explanation=result.sentence,
            detail=result.as_dict(),
        )
        if not is_first:
            event_record(
                type=EventType.CLAIM_STATUS_CHANGED,
                claim=claim,
                source=trigger_source,
                data={
                    "from": {"status": previous, "basis": previous_basis},
                    "to": {"status": result.status, "basis": result.basis},
                    "trigger": trigger,
                    "trigger_source": trigger_source.pk if trigger_source else None,
                    "explanation": result.sentence,
                },
            )
    return claim


def claim_first_status(claim: Claim) -> ClaimStatusChange:
    """For a claim about to be created in bulk (an import), with no evidence yet: set the
    status `claim_recompute_status` would give it (its claimant alone) and return its first
    status change, unsaved, for the caller to write with the claim."""
    result = corroboration.decide_status(
        claimant=claimant_origin(claim), evidence=[], floors=automatic_floors()
    )
    now = timezone.now()
    claim.status = result.status
    claim.status_basis = result.basis
    claim.status_explanation = result.sentence
    claim.status_detail = result.as_dict()
    claim.last_checked_at = now
    return ClaimStatusChange(
        claim=claim,
        from_status="",
        to_status=result.status,
        from_basis="",
        to_basis=result.basis,
        changed_at=now,
        trigger=StatusTrigger.EVIDENCE,
        explanation=result.sentence,
        detail=result.as_dict(),
    )


def claims_queue_embedding(*, requested_by: User | None = None) -> CheckRun:
    """Queue the embedding of claims stored without a vector (an import through the API):
    one queued run at a time, which later requests join."""
    return _claim_queue_once(
        kind=CheckRunKind.EMBED_CLAIMS,
        claim=None,
        trigger="",
        requested_by=requested_by,
        source=None,
    )


def claim_queue_backfill(*, claim: Claim, requested_by: User | None = None) -> CheckRun:
    """Queue the screening of a new or edited claim against the passages already stored."""
    return _claim_queue_once(
        kind=CheckRunKind.BACKFILL_CLAIM,
        claim=claim,
        trigger=StatusTrigger.EVIDENCE,
        requested_by=requested_by,
        source=None,
    )


def claim_request_recheck(
    *,
    claim: Claim,
    trigger: str = StatusTrigger.RECHECK,
    requested_by: User | None = None,
    source: Source | None = None,
) -> CheckRun:
    """Queue a background re-check; the task is sent once the transaction commits. `source`
    is the new source that caused it, recorded with any status change. A re-check already
    queued for the claim (not started yet) takes the request in: it will read every piece
    of evidence there is when it runs."""
    return _claim_queue_once(
        kind=CheckRunKind.RECHECK_CLAIM,
        claim=claim,
        trigger=trigger,
        requested_by=requested_by,
        source=source,
    )


def _claim_queue_once(
    *,
    kind: str,
    claim: Claim | None,
    trigger: str,
    requested_by: User | None,
    source: Source | None,
) -> CheckRun:
    """The claim's queued run of this kind, counting one more request, or a new one (the
    database allows one queued run per claim and kind; one queued embedding run, which
    has no claim)."""
    for _ in range(3):
        pending = CheckRun.objects.filter(kind=kind, claim=claim, state=CheckRunState.QUEUED)
        # The update locks the queued run until this transaction commits, so it cannot
        # start before the evidence that asked for it is there to read.
        if pending.update(absorbed=F("absorbed") + 1):
            run = pending.first()
            if run is not None:
                return run
        try:
            with transaction.atomic():
                run = CheckRun.objects.create(
                    kind=kind,
                    claim=claim,
                    trigger=trigger,
                    requested_by=requested_by,
                    source=source,
                )
        except IntegrityError:
            continue  # another request queued one just now: join it
        return job_queue(run)
    raise RuntimeError(f"could not queue a {kind} run for {claim or 'the claims'}")
