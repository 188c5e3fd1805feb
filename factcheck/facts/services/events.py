"""The outbox: each change the stream and webhooks tell of is written as an Event in the
transaction that makes the change, so the two commit or roll back together."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.db.models.expressions import RawSQL

from factcheck.facts.models import Claim, Event, EventType, Source
from factcheck.facts.services.webhooks import deliveries_for_event, webhooks_send

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
        transaction_id=RawSQL(_TRANSACTION_ID, ()),  # type: ignore[arg-type]
        type=type,
        claim=claim,
        source=source,
        data=data or {},
    )
    deliveries = deliveries_for_event(event)
    if deliveries:
        transaction.on_commit(partial(webhooks_send, deliveries))
