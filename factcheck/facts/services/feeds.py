"""Feeds: follow RSS and Atom feeds; each new entry becomes a source fetched by its URL.

- `feed_create` / `feed_update` store a feed (its URL normalised; one feed per URL).
- `feeds_queue_due` (beat, every minute) queues a poll for each active feed whose time has
  come, as a check run of kind `poll_feed` (one queued or running poll per feed).
- `feed_poll` (the worker) downloads the feed with a conditional GET through the same
  bounded, address-checked fetcher as pages, parses it with feedparser and records each
  entry once (by the feed's id for it, else its link). An entry whose URL is already held
  is linked to that source; a new one becomes a source queued for ingestion. A failed poll
  leaves the feed its error and waits longer before the next one (the interval doubled per
  failure, at most `MAX_BACKOFF`); a successful one starts the count over.
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from factcheck.facts.errors import AlreadyHeld
from factcheck.facts.models import (
    CheckRun,
    CheckRunKind,
    CheckRunState,
    Feed,
    FeedEntry,
    Outlet,
    Source,
    StatusTrigger,
)
from factcheck.facts.normalize import normalise_url
from factcheck.facts.services.fetch import FetchError, feed_fetch
from factcheck.facts.services.jobs import job_queue
from factcheck.facts.services.sources import source_create

MAX_BACKOFF = timedelta(days=1)


class FeedPollFailed(Exception):
    """The feed could not be had or read; the feed keeps the error and waits longer. Not
    retried by the task: the next poll is the retry."""


def _duplicate(url: str, *, exclude: int | None = None) -> AlreadyHeld | None:
    held = Feed.objects.filter(url=url)
    if exclude is not None:
        held = held.exclude(pk=exclude)
    same = held.values_list("pk", flat=True).first()
    if same is None:
        return None
    return AlreadyHeld("url", f"Feed {same} already has this URL.", existing_id=same, kind="feed")


def feed_create(
    *,
    url: str,
    title: str = "",
    outlet: Outlet | None = None,
    poll_interval: int = 900,
    active: bool = True,
    created_by: User | None = None,
) -> Feed:
    """Store a feed to follow; its first poll is due at once."""
    url = normalise_url(url)
    error = _duplicate(url)
    if error is not None:
        raise error
    feed = Feed(
        url=url,
        title=" ".join(title.split()),
        outlet=outlet,
        poll_interval=poll_interval,
        active=active,
        created_by=created_by,
    )
    feed.full_clean(exclude=["created_by"])
    try:
        with transaction.atomic():
            feed.save()
    except IntegrityError:
        error = _duplicate(url)
        if error is not None:
            raise error from None
        raise
    return feed


def feed_update(*, feed: Feed, **changes: Any) -> Feed:
    """Edit a feed. A new URL forgets the old one's validators; activating a feed, or a
    shorter interval, brings its next poll forward."""
    if "url" in changes:
        changes["url"] = normalise_url(changes["url"])
        error = _duplicate(changes["url"], exclude=feed.pk)
        if error is not None:
            raise error
        if changes["url"] != feed.url:
            feed.etag = feed.last_modified = ""
    was_active = feed.active
    for name, value in changes.items():
        setattr(feed, name, value)
    if "title" in changes:
        feed.title = " ".join(feed.title.split())
    now = timezone.now()
    if feed.active and not was_active:
        feed.next_poll_at = now
    elif feed.last_polled_at is not None and feed.failures == 0:
        feed.next_poll_at = min(
            feed.next_poll_at, feed.last_polled_at + timedelta(seconds=feed.poll_interval)
        )
    feed.full_clean(exclude=["created_by"])
    try:
        with transaction.atomic():
            feed.save()
    except IntegrityError:
        error = _duplicate(feed.url, exclude=feed.pk)
        if error is not None:
            raise error from None
        raise
    return feed


def feed_queue_poll(*, feed: Feed, requested_by: User | None = None) -> CheckRun:
    """Queue a poll of one feed now; a poll already queued or running is returned instead
    of a second one."""
    try:
        with transaction.atomic():
            run = CheckRun.objects.create(
                kind=CheckRunKind.POLL_FEED,
                feed=feed,
                trigger=StatusTrigger.SOURCE,
                requested_by=requested_by,
            )
    except IntegrityError:
        pending = CheckRun.objects.filter(
            kind=CheckRunKind.POLL_FEED,
            feed=feed,
            state__in=[CheckRunState.QUEUED, CheckRunState.RUNNING],
        ).first()
        if pending is None:  # it finished in between: try once more
            return feed_queue_poll(feed=feed, requested_by=requested_by)
        return pending
    return job_queue(run)


def feeds_queue_due(*, limit: int = 500) -> int:
    """Queue a poll for each active feed that is due and has none queued or running."""
    now = timezone.now()
    busy = CheckRun.objects.filter(
        kind=CheckRunKind.POLL_FEED,
        feed=OuterRef("pk"),
        state__in=[CheckRunState.QUEUED, CheckRunState.RUNNING],
    )
    due = (
        Feed.objects.filter(active=True, next_poll_at__lte=now)
        .filter(~Exists(busy))
        .order_by("next_poll_at")[:limit]
    )
    queued = 0
    for feed in due:
        with transaction.atomic():
            feed_queue_poll(feed=feed)
        queued += 1
    return queued


def _entry_time(entry: Any) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)


def _failed(feed_id: int, error: str) -> None:
    feed = Feed.objects.get(pk=feed_id)
    now = timezone.now()
    wait = min(timedelta(seconds=feed.poll_interval) * 2 ** (feed.failures + 1), MAX_BACKOFF)
    Feed.objects.filter(pk=feed_id).update(
        failures=feed.failures + 1,
        last_error=error[:4000],
        last_polled_at=now,
        next_poll_at=now + wait,
    )


def feed_poll(*, feed_id: int) -> dict[str, Any]:
    """Poll one feed; counts of what it found: `seen` (entries in the feed), `new` (entries
    never seen before), `sources` (sources created for them), `already_held` (their URL was
    a source already), `failed` (entries that could not become a source: no link, a URL
    that cannot be fetched), `not_modified` (the server said nothing changed)."""
    import feedparser

    feed = Feed.objects.get(pk=feed_id)
    try:
        fetched = feed_fetch(url=feed.url, etag=feed.etag, last_modified=feed.last_modified)
    except FetchError as exc:
        _failed(feed_id, f"{type(exc).__name__}: {exc}")
        raise FeedPollFailed(str(exc)) from None
    counts = {"seen": 0, "new": 0, "sources": 0, "already_held": 0, "failed": 0}
    now = timezone.now()
    if not fetched.changed:
        Feed.objects.filter(pk=feed_id).update(
            last_polled_at=now,
            last_success_at=now,
            failures=0,
            last_error="",
            next_poll_at=now + timedelta(seconds=feed.poll_interval),
        )
        return {**counts, "not_modified": True}
    parsed = feedparser.parse(fetched.body)
    if parsed.get("bozo") and not parsed.entries:
        error = parsed.get("bozo_exception")
        _failed(feed_id, f"not a feed that can be read: {error}")
        raise FeedPollFailed(f"not a feed that can be read: {error}")
    entries = parsed.entries[: settings.FACTCHECK_FEED_MAX_ENTRIES]
    counts["seen"] = len(entries)
    ids = [str(e.get("id") or e.get("link") or "")[:2000] for e in entries]
    known = set(
        FeedEntry.objects.filter(feed=feed, entry_id__in=[i for i in ids if i]).values_list(
            "entry_id", flat=True
        )
    )
    # Oldest first, so that sources are queued in the order they were published.
    for entry_id, entry in reversed(list(zip(ids, entries, strict=True))):
        if not entry_id or entry_id in known:
            continue
        known.add(entry_id)
        counts["new"] += 1
        counts[_entry_record(feed, entry_id, entry)] += 1
    Feed.objects.filter(pk=feed_id).update(
        title=feed.title or " ".join(str(parsed.feed.get("title", "")).split())[:500],
        etag=fetched.etag,
        last_modified=fetched.last_modified,
        last_polled_at=now,
        last_success_at=now,
        failures=0,
        last_error="",
        next_poll_at=now + timedelta(seconds=feed.poll_interval),
    )
    return counts


def _entry_record(feed: Feed, entry_id: str, entry: Any) -> str:
    """Record one new entry and its source; which count it adds to."""
    title = " ".join(str(entry.get("title", "")).split())[:500]
    published = _entry_time(entry)
    link = str(entry.get("link") or "")
    url = normalise_url(link) if link else ""
    record = FeedEntry(feed=feed, entry_id=entry_id, url=url, title=title, published_at=published)
    outcome = "failed"
    with transaction.atomic():
        if not url:
            record.error = "the entry has no link"
        else:
            # A URL held already comes back as AlreadyHeld with the source that holds it.
            try:
                with transaction.atomic():
                    record.source, _ = source_create(
                        text="",
                        url=url,
                        title=title,
                        outlet=feed.outlet,
                        published_at=published,
                        created_by=feed.created_by,
                    )
                outcome = "sources"
            except AlreadyHeld as exc:
                record.source = Source.objects.filter(pk=exc.existing_id).first()
                outcome = "already_held"
            except ValidationError as exc:
                record.error = "; ".join(exc.messages)[:4000]
        try:
            with transaction.atomic():
                record.save()
        except IntegrityError:  # another poll recorded it first
            return "already_held"
    return outcome
