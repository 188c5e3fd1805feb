"""Feeds: polled from a local HTTP server (the remote web is outside), entries added between
polls, conditional GET, failures and back-off."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.utils import timezone

from factcheck.facts.errors import AlreadyHeld
from factcheck.facts.models import CheckRun, CheckRunKind, Feed, FeedEntry, Source
from factcheck.facts.services.feeds import (
    FeedPollFailed,
    feed_create,
    feed_poll,
    feed_queue_poll,
    feed_update,
    feeds_queue_due,
)


def _rss(items: list[dict[str, str]]) -> bytes:
    body = "".join(
        f"<item><title>{i['title']}</title><link>{i['link']}</link>"
        + (f"<guid>{i['guid']}</guid>" if "guid" in i else "")
        + f"<pubDate>{i.get('date', 'Mon, 28 Oct 2024 09:00:00 GMT')}</pubDate></item>"
        for i in items
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire World</title>'
        f"<link>http://example.org/</link><description>news</description>{body}</channel></rss>"
    ).encode()


class Site:
    """The feed's items (changed by the test between polls) and what the server saw."""

    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []
        self.status = 200
        self.requests: list[dict[str, str]] = []
        self.base = ""

    def etag(self) -> str:
        return f'"v{len(self.items)}"'


class Handler(BaseHTTPRequestHandler):
    site: Site

    def do_GET(self) -> None:
        site = self.site
        site.requests.append({"path": self.path, **{k: v for k, v in self.headers.items()}})
        if self.path == "/feed.xml":
            if site.status != 200:
                self._send(site.status, "text/plain", b"down")
            elif self.headers.get("If-None-Match") == site.etag():
                self.send_response(304)
                self.send_header("ETag", site.etag())
                self.end_headers()
            else:
                self._send(200, "application/rss+xml", _rss(site.items), {"ETag": site.etag()})
        elif self.path == "/page.html":
            self._send(200, "text/html", b"<html><body><p>not a feed</p></body></html>")
        elif self.path.startswith("/story/"):
            name = self.path.rsplit("/", 1)[1]
            html = (
                f"<html><head><title>Story {name}</title></head><body><article>"
                f"<p>Story {name}: North Korea has sent about 10,000 troops to Russia, "
                "officials said on Monday.</p></article></body></html>"
            )
            self._send(200, "text/html; charset=utf-8", html.encode())
        else:
            self._send(404, "text/plain", b"")

    def _send(
        self, code: int, kind: str, body: bytes, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site(settings: Any) -> Iterator[Site]:
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = True
    state = Site()
    handler = type("BoundHandler", (Handler,), {"site": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()


def _item(site: Site, name: str, **extra: str) -> dict[str, str]:
    return {"title": f"Story {name}", "link": f"{site.base}/story/{name}", **extra}


@pytest.mark.django_db
def test_new_entries_become_sources_once_and_an_unchanged_feed_is_not_read_again(
    site: Site,
) -> None:
    site.items = [_item(site, "b", guid="id-b"), _item(site, "a", guid="id-a")]
    feed = feed_create(url=f"{site.base}/feed.xml")

    counts = feed_poll(feed_id=feed.pk)

    assert counts == {"seen": 2, "new": 2, "sources": 2, "already_held": 0, "failed": 0}
    sources = Source.objects.filter(feed_entries__feed=feed).order_by("pk")
    # Oldest first (the feed lists the newest first), each queued for ingestion by URL.
    assert [s.url for s in sources] == [f"{site.base}/story/a", f"{site.base}/story/b"]
    assert all(s.check_runs.filter(kind=CheckRunKind.INGEST_SOURCE).exists() for s in sources)
    assert sources[0].title == "Story a" and sources[0].published_at is not None
    feed.refresh_from_db()
    assert feed.title == "Wire World" and feed.etag == '"v2"' and feed.failures == 0
    assert feed.next_poll_at > timezone.now() + timedelta(seconds=feed.poll_interval - 60)

    # Unchanged: the server answers 304 to the validator it gave.
    assert feed_poll(feed_id=feed.pk)["not_modified"] is True
    assert site.requests[-1].get("If-None-Match") == '"v2"'

    # A new entry, and an old one sent again: only the new one becomes a source.
    site.items.insert(0, _item(site, "c", guid="id-c"))
    counts = feed_poll(feed_id=feed.pk)
    assert counts == {"seen": 3, "new": 1, "sources": 1, "already_held": 0, "failed": 0}
    assert FeedEntry.objects.filter(feed=feed).count() == 3
    assert Source.objects.count() == 3


@pytest.mark.django_db
def test_an_entry_whose_url_is_held_links_to_that_source_and_one_without_a_link_is_reported(
    site: Site,
) -> None:
    held = Source.objects.create(url=f"{site.base}/story/a", text="Held already.")
    site.items = [_item(site, "a"), {"title": "No link", "link": "", "guid": "x-1"}]
    other_feed = feed_create(url=f"{site.base}/feed.xml?other=1")
    feed = feed_create(url=f"{site.base}/feed.xml")

    counts = feed_poll(feed_id=feed.pk)

    assert counts == {"seen": 2, "new": 2, "sources": 0, "already_held": 1, "failed": 1}
    assert FeedEntry.objects.get(feed=feed, url=held.url).source == held
    assert FeedEntry.objects.get(feed=feed, entry_id="x-1").error == "the entry has no link"
    assert Source.objects.count() == 1
    assert other_feed.entries.count() == 0


@pytest.mark.django_db
def test_a_failing_feed_keeps_its_error_and_waits_longer_each_time(site: Site) -> None:
    feed = feed_create(url=f"{site.base}/feed.xml", poll_interval=600)
    site.status = 404
    for failures, wait in ((1, 1200), (2, 2400)):
        before = timezone.now()
        with pytest.raises(FeedPollFailed, match="HTTP 404"):
            feed_poll(feed_id=feed.pk)
        feed.refresh_from_db()
        assert feed.failures == failures and "HTTP 404" in feed.last_error
        assert (feed.next_poll_at - before).total_seconds() == pytest.approx(wait, abs=5)

    site.status = 200
    site.items = [_item(site, "a")]
    feed_poll(feed_id=feed.pk)
    feed.refresh_from_db()
    assert feed.failures == 0 and feed.last_error == "" and feed.last_success_at is not None


@pytest.mark.django_db
def test_a_page_that_is_not_a_feed_fails_the_poll(site: Site) -> None:
    feed = feed_create(url=f"{site.base}/page.html")
    with pytest.raises(FeedPollFailed, match="not a feed"):
        feed_poll(feed_id=feed.pk)
    assert Feed.objects.get(pk=feed.pk).failures == 1


@pytest.mark.django_db
def test_due_feeds_are_queued_once_and_inactive_or_later_ones_not() -> None:
    due = feed_create(url="https://example.org/due.xml")
    later = feed_create(url="https://example.org/later.xml")
    Feed.objects.filter(pk=later.pk).update(next_poll_at=timezone.now() + timedelta(hours=1))
    feed_create(url="https://example.org/off.xml", active=False)

    assert feeds_queue_due() == 1
    assert feeds_queue_due() == 0  # its poll is queued already
    runs = CheckRun.objects.filter(kind=CheckRunKind.POLL_FEED)
    assert [r.feed_id for r in runs] == [due.pk]
    # Asking for a poll while one is queued returns that one.
    assert feed_queue_poll(feed=due).pk == runs[0].pk


@pytest.mark.django_db
def test_feed_urls_are_normalised_and_held_once() -> None:
    feed = feed_create(url="HTTPS://Example.org/feed.xml?utm_source=x")
    assert feed.url == "https://example.org/feed.xml"
    with pytest.raises(AlreadyHeld):
        feed_create(url="https://example.org/feed.xml")
    # Switching a feed back on brings its next poll forward.
    feed_update(feed=feed, active=False)
    Feed.objects.filter(pk=feed.pk).update(next_poll_at=timezone.now() + timedelta(days=1))
    feed.refresh_from_db()
    feed_update(feed=feed, active=True)
    assert feed.next_poll_at <= timezone.now()


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Desk</title>
<id>urn:desk</id><updated>2024-10-28T09:00:00Z</updated>
<entry><title>Story one</title><id>urn:story:1</id><link href="{base}/story/one"/>
<updated>2024-10-28T09:00:00Z</updated></entry>
<entry><title>Story one, corrected link</title><id>urn:story:1</id>
<link href="{base}/story/one-corrected"/><updated>2024-10-28T10:00:00Z</updated></entry>
</feed>"""


@pytest.mark.django_db
def test_an_atom_feed_is_read_and_an_entry_id_seen_twice_counts_once(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setattr(
        sys.modules[__name__], "_rss", lambda items: ATOM.format(base=site.base).encode()
    )
    feed = feed_create(url=f"{site.base}/feed.xml")

    counts = feed_poll(feed_id=feed.pk)

    # Two entries with one id: the feed's id decides; one source.
    assert counts == {"seen": 2, "new": 1, "sources": 1, "already_held": 0, "failed": 0}
    feed.refresh_from_db()
    assert feed.title == "Atom Desk"
    entry = FeedEntry.objects.get(feed=feed)
    assert entry.entry_id == "urn:story:1" and entry.published_at is not None
