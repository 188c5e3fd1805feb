"""A webhook end to end: a claim created through the API -> its event and delivery commit
together -> a real worker POSTs the signed delivery to a receiver on a loopback port."""

from __future__ import annotations

import pytest
from standardwebhooks import Webhook

from factcheck.facts.models import WebhookDelivery
from tests.facts.test_webhooks import Receiver
from tests.facts.test_webhooks import receiver as receiver
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_worker_delivers_a_signed_event(
    receiver: Receiver, fetching_worker, editor_client
) -> None:
    hook = editor_client.post(
        "/api/v1/webhooks/", {"url": receiver.url, "event_types": ["claim.created"]}, format="json"
    ).json()
    claim = editor_client.post(
        "/api/v1/claims/", {"text": "North Korean troops are in Kursk."}, format="json"
    ).json()
    delivered = wait_for(
        lambda: WebhookDelivery.objects.filter(
            subscription_id=hook["id"], state="delivered"
        ).first(),
        timeout=60,
    )
    assert delivered.attempts == 1
    ((headers, body),) = receiver.received
    payload = Webhook(hook["secret"]).verify(body, headers)
    assert (payload["type"], payload["data"]["claim"]) == ("claim.created", claim["id"])
