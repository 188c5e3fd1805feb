from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from factcheck.facts.models import CheckRun, Feed, FeedEntry, Source

pytestmark = pytest.mark.django_db


def test_an_editor_follows_a_feed_and_polls_it_now(
    editor_client: APIClient, reader_client: APIClient
) -> None:
    response = editor_client.post(
        "/api/v1/feeds/",
        {"url": "https://www.example.org/rss?utm_medium=x", "outlet": "Example News"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["url"] == "https://www.example.org/rss"
    assert body["outlet"]["name"] == "Example News"
    assert (body["active"], body["poll_interval"], body["failures"]) == (True, 900, 0)
    assert body["entry_count"] == 0

    poll = editor_client.post(f"/api/v1/feeds/{body['id']}/poll/")
    assert poll.status_code == 202
    assert (poll.json()["kind"], poll.json()["feed"]) == ("poll_feed", body["id"])
    # A second request while it is queued gets the same run.
    assert editor_client.post(f"/api/v1/feeds/{body['id']}/poll/").json()["id"] == poll.json()["id"]
    assert CheckRun.objects.filter(feed_id=body["id"]).count() == 1

    # Readers see feeds; they do not add them.
    assert reader_client.get("/api/v1/feeds/").json()["count"] == 1
    assert (
        reader_client.post(
            "/api/v1/feeds/", {"url": "https://a.example/f"}, format="json"
        ).status_code
        == 403
    )


def test_a_feed_held_already_is_a_conflict_and_bad_values_are_refused(
    editor_client: APIClient,
) -> None:
    first = editor_client.post("/api/v1/feeds/", {"url": "https://example.org/rss"}, format="json")
    again = editor_client.post("/api/v1/feeds/", {"url": "https://EXAMPLE.org/rss/"}, format="json")
    assert again.status_code == 409
    assert again.json()["existing"] == {"kind": "feed", "id": first.json()["id"]}
    for bad in (
        {"url": "ftp://example.org/rss"},
        {"url": "not a url"},
        {"url": "https://example.org/b", "poll_interval": 5},
        {"url": "https://example.org/c", "poll_interval": "often"},
    ):
        response = editor_client.post("/api/v1/feeds/", bad, format="json")
        assert response.status_code == 400, bad
    assert Feed.objects.count() == 1


def test_entries_and_failing_feeds_are_listed(editor_client: APIClient) -> None:
    ok = Feed.objects.create(url="https://example.org/ok")
    failing = Feed.objects.create(url="https://example.org/bad", failures=2, last_error="HTTP 404")
    source = Source.objects.create(url="https://example.org/story", text="Text.")
    FeedEntry.objects.create(feed=ok, entry_id="1", url=source.url, source=source)
    FeedEntry.objects.create(feed=ok, entry_id="2", error="the entry has no link")

    listed = editor_client.get("/api/v1/feeds/?failing=true").json()
    assert [f["id"] for f in listed["results"]] == [failing.pk]
    detail = editor_client.get(f"/api/v1/feeds/{ok.pk}/").json()
    assert (detail["entry_count"], detail["source_count"]) == (2, 1)
    entries = editor_client.get(f"/api/v1/feeds/{ok.pk}/entries/").json()["results"]
    assert [(e["entry_id"], e["source"], e["error"]) for e in entries] == [
        ("2", None, "the entry has no link"),
        ("1", source.pk, ""),
    ]


def test_pausing_a_feed_and_changing_its_url(editor_client: APIClient) -> None:
    feed = Feed.objects.create(url="https://example.org/rss", etag='"v1"')
    response = editor_client.patch(
        f"/api/v1/feeds/{feed.pk}/",
        {"active": False, "url": "https://example.org/atom"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    feed.refresh_from_db()
    assert (feed.active, feed.url, feed.etag) == (False, "https://example.org/atom", "")
