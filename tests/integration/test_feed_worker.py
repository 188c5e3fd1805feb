"""A feed followed end to end: API -> broker -> a real worker polls the feed served by a
local HTTP server -> its entries become sources -> the worker fetches and reads them."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from factcheck.facts.models import CheckRun, Source
from tests.facts.test_feeds import Site, _item
from tests.facts.test_feeds import site as site  # noqa: PLC0414 (a fixture, re-exported)
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_polled_feed_brings_in_its_articles(
    site: Site, fetching_worker: object, editor_client: APIClient
) -> None:
    site.items = [_item(site, "one"), _item(site, "two")]
    feed = editor_client.post(
        "/api/v1/feeds/", {"url": f"{site.base}/feed.xml"}, format="json"
    ).json()
    run_id = editor_client.post(f"/api/v1/feeds/{feed['id']}/poll/").json()["id"]
    run = wait_for(lambda: CheckRun.objects.filter(pk=run_id, state__in=["done", "failed"]).first())
    assert run.state == "done", run.error
    assert run.counts["sources"] == 2

    def processed() -> list[Source]:
        found = list(Source.objects.filter(feed_entries__feed_id=feed["id"]))
        return found if found and all(s.state == "processed" for s in found) else []

    sources = wait_for(processed, timeout=60)
    assert sorted(s.title for s in sources) == ["Story one", "Story two"]
    assert all("10,000 troops" in s.text for s in sources)

    # A new entry between polls: only it comes in.
    site.items.insert(0, _item(site, "three"))
    run_id = editor_client.post(f"/api/v1/feeds/{feed['id']}/poll/").json()["id"]
    run = wait_for(lambda: CheckRun.objects.filter(pk=run_id, state__in=["done", "failed"]).first())
    assert (run.state, run.counts["new"], run.counts["sources"]) == ("done", 1, 1)
    assert editor_client.get(f"/api/v1/feeds/{feed['id']}/").json()["source_count"] == 3
