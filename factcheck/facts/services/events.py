"""The outbox: each change the stream and webhooks tell of is written as an Event in the
transaction that makes the change, so the two commit or roll back together."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.db.models.expressions import RawSQL

from factcheck.facts.models import Claim, Event, EventType, Source
from factcheck.facts.services.webhooks import (
    deliveries_for_event,
    deliveries_for_events,
    webhooks_send,
)

# The writing transaction's id (64 bits, never wraps): the stream's order (selectors).
_TRANSACTION_ID = "pg_current_xact_id()::text::bigint"


def event_record(
    *,
    type: EventType,
    claim: Claim | None = None,
    source: Source | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Write one event in the current transaction, with a delivery for each webhook that
    wants it (sent to workers once the transaction commits)."""
    event = Event.objects.create(
        transaction_id=RawSQL(_TRANSACTION_ID, ()),  # noqa: S611 (constant SQL)
        type=type,
        claim=claim,
        source=source,
        data=data or {},
    )
    deliveries = deliveries_for_event(event)
    if deliveries:
        transaction.on_commit(partial(webhooks_send, deliveries))


def events_record_many(
    *, type: EventType, rows: list[tuple[Claim | None, Source | None, dict[str, Any]]]
) -> None:
    """`event_record` for many changes of one kind at once (an import): one insert for the
    events and one for their deliveries."""
    if not rows:
        return
    events = Event.objects.bulk_create(
        [
            Event(
                transaction_id=RawSQL(_TRANSACTION_ID, ()),  # noqa: S611 (constant SQL)
                type=type,
                claim=claim,
                source=source,
                data=data,
            )
            for claim, source, data in rows
        ]
    )
    deliveries = deliveries_for_events(events)
    if deliveries:
        transaction.on_commit(partial(webhooks_send, deliveries))
