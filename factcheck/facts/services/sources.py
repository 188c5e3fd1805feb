"""Sources: create with dedupe by normalised URL and content hash, ingest, retry."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from factcheck.facts.errors import AlreadyHeld, WrongState
from factcheck.facts.models import (
    CheckRun,
    CheckRunKind,
    Outlet,
    ProcessingState,
    Source,
    SourceStanding,
)
from factcheck.facts.normalize import content_hash, normalise_url
from factcheck.facts.services.fetch import FetchError, url_fetch
from factcheck.facts.services.jobs import job_create
from factcheck.facts.services.outlets import outlet_for_url
from factcheck.facts.services.screening import source_screen
from factcheck.matching.passages import split_sentences


def _duplicate_error(*, url: str) -> AlreadyHeld | None:
    if url:
        same_url = Source.objects.filter(url=url).values_list("pk", flat=True).first()
        if same_url is not None:
            return AlreadyHeld(
                "url",
                f"Source {same_url} already has this URL.",
                existing_id=same_url,
                kind="source",
            )
    return None


def _original_of(digest: str) -> Source | None:
    """The first source stored with this text, if any (copies link to it)."""
    if not digest:
        return None
    return Source.objects.filter(content_hash=digest, copy_of__isnull=True).first()


def source_create(
    *,
    text: str,
    url: str = "",
    title: str = "",
    outlet: Outlet | None = None,
    syndicated_from: Outlet | None = None,
    published_at: datetime | None = None,
    language: str = "en",
    created_by: User | None = None,
    dispatch: bool = True,
) -> tuple[Source, CheckRun]:
    """Store a new source and queue its ingestion (with only a URL, the worker fetches the
    page first). The URL is normalised; a URL already held is refused with the id of the
    source that holds it. A text already held, under another URL, is a republished copy: it
    is stored linked to the first source with that text (`copy_of`), and its ingestion only
    records the link. With no outlet, the outlet whose domains match the URL is used."""
    url = normalise_url(url)
    text = text.strip()
    if not text and not url:
        raise ValidationError({"text": "Give the source's text, or a URL to fetch it from."})
    digest = content_hash(text)
    if outlet is None and url:
        outlet = outlet_for_url(url=url)
    if syndicated_from is not None and outlet is not None and syndicated_from.pk == outlet.pk:
        syndicated_from = None  # the wire's own copy is not a republication
    error = _duplicate_error(url=url)
    if error is not None:
        raise error
    original = _original_of(digest)
    if original is not None and not url:
        raise AlreadyHeld(
            "text",
            f"Source {original.pk} already has this text; give the copy's URL "
            "to record it as a republication.",
            existing_id=original.pk,
            kind="source",
        )
    try:
        with transaction.atomic():
            source = Source.objects.create(
                copy_of=original,
                url=url,
                title=" ".join(title.split()),
                text=text,
                content_hash=digest,
                outlet=outlet,
                syndicated_from=syndicated_from,
                published_at=published_at,
                language=language or "en",
                created_by=created_by,
            )
            run = source_queue_ingest(source=source, requested_by=created_by, dispatch=dispatch)
    except IntegrityError:
        # A concurrent request stored the same URL first (or the same text: try once more,
        # now as a copy of it).
        error = _duplicate_error(url=url)
        if error is not None:
            raise error from None
        if _original_of(digest) is None:
            raise
        return source_create(
            text=text,
            url=url,
            title=title,
            outlet=outlet,
            syndicated_from=syndicated_from,
            published_at=published_at,
            language=language,
            created_by=created_by,
            dispatch=dispatch,
        )
    return source, run


def source_queue_ingest(
    *, source: Source, requested_by: User | None = None, dispatch: bool = True
) -> CheckRun:
    """Record the ingestion as a check run and send it to the workers once the transaction
    commits (`dispatch=False`: the caller runs it itself, as `manage.py ingest` does)."""
    return job_create(
        kind=CheckRunKind.INGEST_SOURCE,
        source=source,
        requested_by=requested_by,
        dispatch=dispatch,
    )


@transaction.atomic
def source_retry(*, source: Source, requested_by: User | None = None) -> CheckRun:
    """Queue a failed (or stuck) source again; its error is kept until the new run starts."""
    locked = Source.objects.select_for_update().get(pk=source.pk)
    if locked.state == ProcessingState.PROCESSED:
        raise WrongState({"state": "This source is processed already; nothing to retry."})
    return source_queue_ingest(source=locked, requested_by=requested_by)


class SourceTooLong(ValueError):
    """The text is longer than one ingestion reads: no retry can help."""


def source_ingest(*, source_id: int) -> dict[str, Any]:
    """Read a stored source into passages, screen it against the tracked claims, record the
    evidence found and queue a re-check of each claim whose evidence changed. A failure
    leaves the source `failed` with its error, to be retried."""
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source_id)
        source.state = ProcessingState.PROCESSING
        source.error = ""
        source.save(update_fields=["state", "error", "updated_at"])
    if source.standing == SourceStanding.RETRACTED:
        # Withdrawn by its publisher: nothing it says is evidence any more.
        Source.objects.filter(pk=source_id).update(state=ProcessingState.PROCESSED, error="")
        return {"retracted": True, "characters": len(source.text)}
    if source.copy_of is not None and source.content_hash == source.copy_of.content_hash:
        # The same text as its original: the original's evidence stands for both.
        Source.objects.filter(pk=source_id).update(state=ProcessingState.PROCESSED, error="")
        return {"copy_of": source.copy_of_id, "characters": len(source.text)}
    try:
        if not source.text.strip():
            if not source.url:
                raise ValueError("the source has neither text nor a URL")
            source = _source_fill_from_url(source)
        sentences = len(split_sentences(source.text))
        if sentences > settings.FACTCHECK_MAX_SOURCE_SENTENCES:
            raise SourceTooLong(
                f"the text has {sentences} sentences; at most "
                f"{settings.FACTCHECK_MAX_SOURCE_SENTENCES} are read (split it into parts)"
            )
        counts = source_screen(source=source)
    except Exception as exc:
        Source.objects.filter(pk=source_id).update(
            state=ProcessingState.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:4000],
            retryable=not isinstance(exc, SourceTooLong),
        )
        raise
    Source.objects.filter(pk=source_id).update(state=ProcessingState.PROCESSED, error="")
    counts["characters"] = len(source.text)
    return counts


REFETCH_FIRST = timedelta(hours=1)
REFETCH_LONGEST = timedelta(days=7)


def refetch_wait(age: timedelta) -> timedelta | None:
    """How long until a fetched page is fetched again, by how long we have held it: half its
    age, at least an hour and at most a week, so a story is looked at again often while it
    is fresh and corrected most; none once it is older than FACTCHECK_REFETCH_DAYS."""
    days = settings.FACTCHECK_REFETCH_DAYS
    if days <= 0 or age > timedelta(days=days):
        return None
    return min(max(age / 2, REFETCH_FIRST), REFETCH_LONGEST)


def source_next_refetch(source: Source, now: datetime) -> datetime | None:
    held_since = source.created_at or now
    wait = refetch_wait(now - held_since)
    return now + wait if wait is not None else None


def _source_fill_from_url(source: Source) -> Source:
    """Fetch the page and store its text, title and date; the same text under another URL
    is refused like a duplicate post. The page is fetched again later (`refetch_wait`)."""
    page = url_fetch(url=source.url)
    digest = content_hash(page.text)
    other = Source.objects.filter(content_hash=digest).exclude(pk=source.pk).first()
    if other is not None:
        raise FetchError(f"the page's text is already held as source {other.pk}")
    source.text = page.text
    source.content_hash = digest
    source.title = source.title or " ".join(page.title.split())[:500]
    source.published_at = source.published_at or page.published_at
    if source.outlet is None:
        source.outlet = outlet_for_url(url=page.url)
    source.etag, source.last_modified = page.etag, page.last_modified
    source.next_refetch_at = source_next_refetch(source, timezone.now())
    source.save(
        update_fields=[
            "text",
            "content_hash",
            "title",
            "published_at",
            "outlet",
            "etag",
            "last_modified",
            "next_refetch_at",
            "updated_at",
        ]
    )
    return source
