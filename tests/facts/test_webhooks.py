"""Webhooks: events delivered to a real receiver on a loopback port, signatures verified with
the Standard Webhooks library, retries with back-off, a receiver that is down, replays."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.utils import timezone
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient
from standardwebhooks import Webhook

from factcheck.facts.models import DeliveryState, EventType, WebhookDelivery
from factcheck.facts.services.claims import claim_create
from factcheck.facts.services.events import event_record
from factcheck.facts.services.webhooks import (
    webhook_create,
    webhook_deliver,
    webhook_replay,
    webhooks_due,
)
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


class Receiver:
    """What the receiver was sent, and the status it answers with."""

    def __init__(self) -> None:
        self.status = 204
        self.delay = 0.0  # seconds before it answers (a slow receiver)
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.url = ""


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = True  # the receiver is on loopback
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            time.sleep(state.delay)
            self.send_response(state.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    yield state
    server.shutdown()


def _due_now(delivery: WebhookDelivery) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def test_an_event_is_delivered_signed_to_the_subscriptions_that_want_it(receiver: Receiver) -> None:
    owner = f.user("newsroom")
    wanted = webhook_create(
        owner=owner, url=receiver.url, event_types=[EventType.CLAIM_CREATED], tag="Kursk"
    )
    webhook_create(owner=owner, url=receiver.url, event_types=[EventType.VERDICT_PUBLISHED])

    claim = claim_create(text="North Korean troops are in Kursk.", tags=["kursk"])
    claim_create(text="An unrelated claim.", tags=["other"])

    deliveries = list(WebhookDelivery.objects.all())
    assert [(d.subscription_id, d.event.claim_id) for d in deliveries] == [(wanted.pk, claim.pk)]
    assert webhook_deliver(delivery_id=deliveries[0].pk) == "delivered"

    ((headers, body),) = receiver.received
    payload = Webhook(wanted.secret).verify(body, headers)
    assert payload["type"] == "claim.created"
    assert payload["data"]["claim"] == claim.pk
    assert payload["data"]["text"] == "North Korean troops are in Kursk."
    assert payload["data"]["cursor"]
    assert headers["webhook-id"] == f"evt_{deliveries[0].event_id}"
    # Another secret does not verify it.
    with pytest.raises(Exception, match="signature"):
        Webhook("whsec_" + "A" * 32).verify(body, headers)

    delivery = WebhookDelivery.objects.get(pk=deliveries[0].pk)
    assert (delivery.state, delivery.attempts, delivery.status_code) == ("delivered", 1, 204)
    assert delivery.latency_ms is not None and delivery.log[0]["status_code"] == 204
    # Delivered once: asking again sends nothing.
    assert webhook_deliver(delivery_id=delivery.pk) == "skipped"
    assert len(receiver.received) == 1


def test_a_failing_receiver_is_retried_with_back_off_then_given_up(
    receiver: Receiver, settings: Settings
) -> None:
    settings.FACTCHECK_WEBHOOK_MAX_ATTEMPTS = 3
    hook = webhook_create(owner=f.user("desk"), url=receiver.url)
    receiver.status = 500
    event_record(type=EventType.CLAIM_CREATED, data={"n": 1})
    delivery = WebhookDelivery.objects.get(subscription=hook)

    assert webhook_deliver(delivery_id=delivery.pk) == "retrying"
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.status_code) == ("queued", 1, 500)
    assert delivery.error == "HTTP 500"
    assert delivery.next_attempt_at is not None
    wait = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=20) < wait <= timedelta(seconds=30)
    # Not due yet: neither a worker nor beat sends it.
    assert webhook_deliver(delivery_id=delivery.pk) == "skipped"
    assert delivery.pk not in webhooks_due()

    _due_now(delivery)
    assert delivery.pk in webhooks_due()
    assert webhook_deliver(delivery_id=delivery.pk) == "retrying"
    delivery.refresh_from_db()
    assert delivery.next_attempt_at is not None
    assert delivery.next_attempt_at - timezone.now() > timedelta(seconds=50)  # doubled
    _due_now(delivery)
    assert webhook_deliver(delivery_id=delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, len(delivery.log)) == ("failed", 3, 3)
    assert delivery.pk not in webhooks_due()

    # Replayed once the receiver is back: the same webhook id, delivered.
    receiver.status = 200
    webhook_replay(delivery=delivery)
    assert webhook_deliver(delivery_id=delivery.pk) == "delivered"
    ids = {headers["webhook-id"] for headers, _ in receiver.received}
    assert ids == {f"evt_{delivery.event_id}"} and len(receiver.received) == 4


def test_a_receiver_that_is_down_holds_up_no_one_else(receiver: Receiver) -> None:
    down = webhook_create(owner=f.user("a"), url="http://127.0.0.1:9/never")  # discard port
    up = webhook_create(owner=f.user("b"), url=receiver.url)
    event_record(type=EventType.EVIDENCE_ADDED, data={"evidence": 1})
    outcomes = {
        d.subscription_id: webhook_deliver(delivery_id=d.pk) for d in WebhookDelivery.objects.all()
    }
    assert outcomes == {down.pk: "retrying", up.pk: "delivered"}
    failed = WebhookDelivery.objects.get(subscription=down)
    assert "cannot reach" in failed.error and failed.status_code is None


def test_a_private_address_is_refused_unless_allowed(
    receiver: Receiver, settings: Settings
) -> None:
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = False
    hook = webhook_create(owner=f.user("c"), url=receiver.url)
    event_record(type=EventType.CLAIM_CREATED)
    delivery = WebhookDelivery.objects.get(subscription=hook)
    webhook_deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert "non-public address" in delivery.error
    assert receiver.received == []


def test_the_api_keeps_each_owners_webhooks_to_itself(
    editor_client: APIClient, reader_client: APIClient, anon_client: APIClient, receiver: Receiver
) -> None:
    created = editor_client.post(
        "/api/v1/webhooks/",
        {
            "url": receiver.url,
            "event_types": ["claim.status_changed"],
            "tag": "kursk",
            "active": True,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["secret"].startswith("whsec_") and body["event_types"] == ["claim.status_changed"]
    assert editor_client.get("/api/v1/webhooks/").json()["count"] == 1
    assert reader_client.get("/api/v1/webhooks/").json()["count"] == 0
    assert reader_client.get(f"/api/v1/webhooks/{body['id']}/").status_code == 404
    assert anon_client.get("/api/v1/webhooks/").status_code in (401, 403)
    for bad in (
        {"url": "ftp://example.org/x"},
        {"url": receiver.url, "event_types": ["claim.deleted"]},
        {"url": receiver.url, "event_types": "claim.created"},
    ):
        assert editor_client.post("/api/v1/webhooks/", bad, format="json").status_code == 400, bad
    patched = editor_client.patch(
        f"/api/v1/webhooks/{body['id']}/", {"active": False}, format="json"
    )
    assert patched.status_code == 200 and patched.json()["active"] is False

    # Deliveries are listed and replayed through the API, by their owner only.
    editor_client.patch(
        f"/api/v1/webhooks/{body['id']}/", {"active": True, "event_types": []}, format="json"
    )
    event_record(type=EventType.CLAIM_CREATED, claim=f.claim(tags=["kursk"]))
    listed = editor_client.get(f"/api/v1/webhooks/{body['id']}/deliveries/").json()
    assert listed["count"] == 1 and listed["results"][0]["type"] == "claim.created"
    delivery_id = listed["results"][0]["id"]
    assert webhook_deliver(delivery_id=delivery_id) == "delivered"
    assert (
        reader_client.post(f"/api/v1/webhook-deliveries/{delivery_id}/replay/").status_code == 404
    )
    replayed = editor_client.post(f"/api/v1/webhook-deliveries/{delivery_id}/replay/")
    assert replayed.status_code == 202 and replayed.json()["state"] == DeliveryState.QUEUED
    assert editor_client.get("/api/v1/webhook-deliveries/?state=queued").json()["count"] == 1
    assert editor_client.delete(f"/api/v1/webhooks/{body['id']}/").status_code == 204


def test_the_back_off_stops_growing_at_its_ceiling() -> None:
    """However many attempts an operator allows, the wait tops out at six hours; the
    doubling used to overflow a timedelta past about thirty attempts."""
    from factcheck.facts.services.webhooks import LAST_RETRY, _retry_after

    assert _retry_after(1) == timedelta(seconds=30)
    assert _retry_after(2) == timedelta(seconds=60)
    assert _retry_after(40) == _retry_after(10_000) == LAST_RETRY
