"""The changes stream: what changed, in order, with a cursor that never skips an event, even
one written by a transaction that was still running when a page was read."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from django.db import connection
from rest_framework.test import APIClient

from factcheck.facts.models import Event, EventType
from factcheck.facts.services.events import event_record
from tests import factories as f

# Transactional: the stream shows only transactions that are over, so each request must
# commit as it does in the service.
pytestmark = pytest.mark.django_db(transaction=True)


def _all(client: Any, query: str = "", limit: int = 100) -> list[dict[str, Any]]:
    """Every event the stream gives, page by page."""
    found: list[dict[str, Any]] = []
    after = ""
    while True:
        page = client.get(f"/api/v1/changes/?limit={limit}&after={after}{query}").json()
        found += page["results"]
        if not page["has_more"]:
            return found
        after = page["next"]


def test_the_stream_tells_a_claims_story_in_order(
    editor_client: APIClient, checker_client: APIClient
) -> None:
    source = f.source("Officials said on Friday that Pyongyang denied sending any troops.")
    speaker = f.org("North Korea government")
    created = editor_client.post(
        "/api/v1/claims/",
        {"text": "North Korea has sent troops to Russia.", "tags": ["Korea"]},
        format="json",
    ).json()
    evidence = editor_client.post(
        "/api/v1/evidence/",
        {
            "claim": created["id"],
            "source": source.pk,
            "speaker": speaker.pk,
            "stance": "contradicts",
            "quote": "Pyongyang denied sending any troops",
        },
        format="json",
    ).json()
    reviewed = checker_client.post(
        f"/api/v1/evidence/{evidence['id']}/review/", {"reject": True}, format="json"
    )
    assert reviewed.status_code == 200, reviewed.json()
    checker_client.post(
        "/api/v1/verdicts/",
        {"claim": created["id"], "rating": "unproven", "summary": "Not shown.", "published": True},
        format="json",
    )
    checker_client.post(
        "/api/v1/verdicts/",
        {"claim": created["id"], "rating": "false", "summary": "Draft.", "published": False},
        format="json",
    )

    events = _all(editor_client)
    assert [e["type"] for e in events] == [
        "claim.created",
        "evidence.added",
        "claim.status_changed",  # unverified -> contested
        "evidence.reviewed",
        "claim.status_changed",  # contested -> unverified again
        "verdict.published",  # the draft verdict is not published: no event
    ]
    assert events[0]["data"]["tags"] == ["korea"]
    assert events[0]["claim"] == created["id"]
    assert events[1]["data"]["stance"] == "contradicts"
    assert events[1]["data"]["method"] == "manual"
    assert events[2]["data"]["from"]["status"] == "unverified"
    assert events[2]["data"]["to"]["status"] == "contested"
    assert events[2]["data"]["trigger_source"] == source.pk
    assert events[2]["source"] == source.pk
    assert events[3]["data"]["review_state"] == "rejected"
    assert events[3]["data"]["reviewer"] == "checker"
    assert events[4]["data"]["to"]["status"] == "unverified"
    assert events[5]["data"]["rating"] == "unproven"

    # Page by page, the same events in the same order; each cursor resumes after its event.
    assert _all(editor_client, limit=2) == events
    after_third = editor_client.get(f"/api/v1/changes/?after={events[2]['cursor']}").json()
    assert [e["cursor"] for e in after_third["results"]] == [e["cursor"] for e in events[3:]]
    assert after_third["next"] == events[-1]["cursor"]
    # Nothing new: the same cursor back, to ask again later.
    idle = editor_client.get(f"/api/v1/changes/?after={events[-1]['cursor']}").json()
    assert idle == {"results": [], "next": events[-1]["cursor"], "has_more": False}


def test_filters_by_type_tag_and_claim(editor_client: APIClient) -> None:
    for text, tags in (("Claim about Korea.", ["korea"]), ("Claim about an outage.", ["it"])):
        editor_client.post("/api/v1/claims/", {"text": text, "tags": tags}, format="json")
    korea = editor_client.get("/api/v1/changes/?tag=Korea").json()["results"]
    assert [e["data"]["text"] for e in korea] == ["Claim about Korea."]
    claim_id = korea[0]["claim"]
    assert [e["claim"] for e in _all(editor_client, f"&claim={claim_id}")] == [claim_id]
    created = _all(editor_client, "&type=claim.created,verdict.published")
    assert {e["type"] for e in created} == {"claim.created"} and len(created) == 2
    assert _all(editor_client, "&type=evidence.reviewed") == []


def test_now_starts_after_the_history(editor_client: APIClient) -> None:
    editor_client.post("/api/v1/claims/", {"text": "An old claim."}, format="json")
    now = editor_client.get("/api/v1/changes/?after=now").json()
    assert now["results"] == [] and now["next"]
    editor_client.post("/api/v1/claims/", {"text": "A new claim."}, format="json")
    later = editor_client.get(f"/api/v1/changes/?after={now['next']}").json()["results"]
    assert [e["data"]["text"] for e in later] == ["A new claim."]


def test_bad_queries_are_refused_with_the_reason(reader_client: APIClient) -> None:
    for query, field in (
        ("after=not-a-cursor", "after"),
        ("after=LTEuNQ", "after"),  # "-1.5"
        ("type=claim.deleted", "type"),
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("claim=x", "claim"),
        ("claim=", "claim"),
        ("limit=", "limit"),
        ("claim=99999999999999999999", "claim"),
        ("after=OTk5OTk5OTk5OTk5OTk5OTk5OTkuMQ", "after"),  # "99999999999999999999.1"
    ):
        response = reader_client.get(f"/api/v1/changes/?{query}")
        assert response.status_code == 400, query
        assert field in str(response.json()), (query, response.json())
    assert reader_client.get("/api/v1/changes/").status_code == 200


def _other_connection() -> psycopg.Connection[Any]:
    s = connection.settings_dict
    return psycopg.connect(
        dbname=s["NAME"],
        user=s["USER"],
        password=s["PASSWORD"] or None,
        host=s["HOST"] or None,
        port=s["PORT"] or None,
    )


def _insert_event(conn: psycopg.Connection[Any], kind: str) -> None:
    conn.execute(
        "INSERT INTO facts_event (transaction_id, type, data, occurred_at) "
        "VALUES (pg_current_xact_id()::text::bigint, %s, '{}', now())",
        (kind,),
    )


def test_an_event_committed_late_is_not_skipped(reader_client: APIClient) -> None:
    """A transaction that began before a page was read and commits after it: its event still
    comes after that page's cursor, whatever id it was given."""
    event_record(type=EventType.CLAIM_CREATED, data={"n": 1})
    first = reader_client.get("/api/v1/changes/").json()
    assert len(first["results"]) == 1

    slow = _other_connection()
    try:
        # The slow transaction takes its transaction id first (a write) ...
        slow.execute("SELECT pg_current_xact_id()")
        # ... a quick one writes and commits ...
        event_record(type=EventType.EVIDENCE_ADDED, data={"n": 3})
        # ... and only then does the slow one write its event (a larger event id).
        _insert_event(slow, EventType.VERDICT_PUBLISHED)
        held = reader_client.get(f"/api/v1/changes/?after={first['next']}").json()
        # The quick commit is held back while the older transaction runs: showing it would
        # move the cursor past the slow one's place.
        assert held["results"] == [] and held["next"] == first["next"]
        slow.commit()
    finally:
        slow.close()

    rest = reader_client.get(f"/api/v1/changes/?after={first['next']}").json()["results"]
    assert [e["type"] for e in rest] == ["verdict.published", "evidence.added"]
    assert Event.objects.count() == 3


def test_a_rolled_back_change_leaves_no_event(reader_client: APIClient) -> None:
    slow = _other_connection()
    try:
        _insert_event(slow, EventType.CLAIM_CREATED)
        slow.rollback()
    finally:
        slow.close()
    event_record(type=EventType.EVIDENCE_ADDED)
    assert [e["type"] for e in _all(reader_client)] == ["evidence.added"]
