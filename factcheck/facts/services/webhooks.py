"""Webhooks: a token owner's subscriptions, and the deliveries of events to them, signed by
the Standard Webhooks convention (`webhook-id`, `webhook-timestamp`, `webhook-signature`:
HMAC-SHA256 over "id.timestamp.body" with the subscription's secret).

A delivery row is written with its event, in the same transaction (`deliveries_for_event`),
so an event is never told and then rolled back, nor committed and then forgotten. The row
is the job: a worker takes it by moving its next attempt past the time the attempt can take
(a lease), sends it outside any transaction, and records the answer; beat sends the ones whose
time has come, so a lost broker message only delays a delivery. A receiver that is down costs
its own deliveries their retries, nothing else.
"""

from __future__ import annotations

import base64
import json
import logging
import secrets
import time
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from standardwebhooks import Webhook

from factcheck.facts.models import (
    DeliveryState,
    Event,
    EventType,
    WebhookDelivery,
    WebhookSubscription,
)
from factcheck.facts.selectors import ChangeCursor
from factcheck.facts.services.fetch import FetchError, webhook_post
from factcheck.facts.services.jobs import broker_errors

logger = logging.getLogger(__name__)
DELIVER_TASK = "factcheck.facts.tasks.webhook_deliver"

FIRST_RETRY = timedelta(seconds=30)
LAST_RETRY = timedelta(hours=6)
LOG_ATTEMPTS = 20


def _clean(url: str, event_types: list[str], tag: str) -> tuple[str, list[str], str]:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError({"url": "A webhook URL is an http or https URL."})
    unknown = sorted(set(event_types) - set(EventType.values))
    if unknown:
        raise ValidationError(
            {
                "event_types": f"Unknown event type(s) {', '.join(unknown)}; known: "
                f"{', '.join(EventType.values)}."
            }
        )
    return url, sorted(set(event_types)), tag.strip().lower()


def webhook_create(
    *,
    owner: User,
    url: str,
    event_types: list[str] | None = None,
    tag: str = "",
    active: bool = True,
) -> WebhookSubscription:
    """Subscribe `owner` to events (all types when none are given), with a new secret."""
    url, types, tag = _clean(url, event_types or [], tag)
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
    return WebhookSubscription.objects.create(
        owner=owner, url=url, event_types=types, tag=tag, secret=secret, active=active
    )


def webhook_update(*, subscription: WebhookSubscription, **changes: Any) -> WebhookSubscription:
    url, types, tag = _clean(
        changes.get("url", subscription.url),
        changes.get("event_types", subscription.event_types),
        changes.get("tag", subscription.tag),
    )
    subscription.url, subscription.event_types, subscription.tag = url, types, tag
    if "active" in changes:
        subscription.active = bool(changes["active"])
    subscription.save()
    return subscription


def deliveries_for_event(event: Event) -> list[int]:
    """Queue the event for every active subscription that wants it (in the event's own
    transaction); the ids are sent to workers once it commits."""
    return deliveries_for_events([event])


def deliveries_for_events(events: list[Event]) -> list[int]:
    """`deliveries_for_event` for events written together: the subscriptions are read once."""
    types = sorted({e.type for e in events})
    wanted = list(
        WebhookSubscription.objects.filter(active=True)
        .filter(Q(event_types=[]) | Q(event_types__overlap=types))
        .only("pk", "tag", "event_types")
    )
    if not wanted:
        return []
    now = timezone.now()
    rows = []
    for event in events:
        tags = list(event.claim.tags) if event.claim is not None else []
        rows += [
            WebhookDelivery(subscription=s, event=event, next_attempt_at=now)
            for s in wanted
            if (not s.event_types or event.type in s.event_types) and (not s.tag or s.tag in tags)
        ]
    return [d.pk for d in WebhookDelivery.objects.bulk_create(rows)] if rows else []


def webhooks_send(delivery_ids: list[int]) -> int:
    """Wake a worker for each delivery now; one the broker does not take is sent by beat
    when its time comes (it is already due). Returns how many were sent."""
    from factcheck.celery import app

    sent = 0
    for delivery_id in delivery_ids:
        try:
            app.send_task(DELIVER_TASK, (delivery_id,))
        except broker_errors() as exc:
            logger.warning("broker unreachable; webhook deliveries wait for beat (%s)", exc)
            break
        sent += 1
    return sent


def webhook_payload(event: Event) -> dict[str, Any]:
    """The body of a delivery: the event as the changes stream shows it."""
    return {
        "type": event.type,
        "timestamp": event.occurred_at.isoformat(),
        "data": {
            "cursor": ChangeCursor(event.transaction_id, event.pk).encode(),
            "claim": event.claim_id,
            "source": event.source_id,
            **event.data,
        },
    }


def _retry_after(attempts: int) -> timedelta:
    return min(FIRST_RETRY * (1 << min(max(attempts - 1, 0), 30)), LAST_RETRY)


def _take(delivery_id: int) -> WebhookDelivery | None:
    """Take a due delivery for one attempt: its next attempt moves past the time this one
    can take, so no other worker sends it meanwhile (and a dead worker's comes due again)."""
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .select_related("subscription", "event")
            .filter(pk=delivery_id, state=DeliveryState.QUEUED, next_attempt_at__lte=now)
            .first()
        )
        if delivery is None:
            return None
        delivery.attempts += 1
        lease = timedelta(seconds=settings.FACTCHECK_WEBHOOK_TIMEOUT + 60)
        delivery.next_attempt_at = now + lease
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    return delivery


def webhook_deliver(*, delivery_id: int) -> str:
    """One attempt at a delivery, if it is due: 'delivered', 'retrying', 'failed' (given
    up) or 'skipped' (not due, or another worker has it)."""
    delivery = _take(delivery_id)
    if delivery is None:
        return "skipped"
    body = json.dumps(webhook_payload(delivery.event), separators=(",", ":")).encode()
    sent_at = timezone.now()
    message_id = f"evt_{delivery.event_id}"  # the same for retries and replays
    headers = {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": Webhook(delivery.subscription.secret).sign(
            msg_id=message_id, timestamp=sent_at, data=body
        ),
    }
    started = time.monotonic()
    status: int | None = None
    error = ""
    try:
        status = webhook_post(url=delivery.subscription.url, body=body, headers=headers)
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except FetchError as exc:
        error = str(exc)
    latency = int((time.monotonic() - started) * 1000)
    return _record(delivery, sent_at, status, latency, error)


def _record(
    delivery: WebhookDelivery, sent_at: datetime, status: int | None, latency: int, error: str
) -> str:
    entry = {
        "attempt": delivery.attempts,
        "at": sent_at.isoformat(),
        "status_code": status,
        "latency_ms": latency,
        "error": error,
    }
    delivery.log = [*delivery.log, entry][-LOG_ATTEMPTS:]
    delivery.status_code, delivery.latency_ms, delivery.error = status, latency, error
    if not error:
        delivery.state, delivery.delivered_at, delivery.next_attempt_at = (
            DeliveryState.DELIVERED,
            timezone.now(),
            None,
        )
        outcome = "delivered"
    elif delivery.attempts >= settings.FACTCHECK_WEBHOOK_MAX_ATTEMPTS:
        delivery.state, delivery.next_attempt_at = DeliveryState.FAILED, None
        outcome = "failed"
    else:
        delivery.next_attempt_at = timezone.now() + _retry_after(delivery.attempts)
        outcome = "retrying"
    delivery.save(
        update_fields=[
            "log",
            "status_code",
            "latency_ms",
            "error",
            "state",
            "delivered_at",
            "next_attempt_at",
        ]
    )
    return outcome


def webhook_replay(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again, now, with a full set of attempts (delivered ones too: a
    receiver that lost what it was sent asks for it again). The webhook id stays the same,
    so a receiver can tell a replay from a new event."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.QUEUED, attempts=0, next_attempt_at=timezone.now()
    )
    transaction.on_commit(partial(webhooks_send, [delivery.pk]))
    delivery.refresh_from_db()
    return delivery


def webhooks_due(*, limit: int = 500) -> list[int]:
    """Deliveries whose next attempt has come (beat sends each to a worker)."""
    return list(
        WebhookDelivery.objects.filter(
            state=DeliveryState.QUEUED, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
