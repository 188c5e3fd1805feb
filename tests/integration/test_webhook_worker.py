"""A webhook end to end: a claim created through the API -> its event and delivery commit
together -> a real worker POSTs the signed delivery to a receiver on a loopback port."""

from __future__ import annotations

from pathlib import Path

import pytest
from rest_framework.test import APIClient
from standardwebhooks import Webhook

from factcheck.facts.models import WebhookDelivery
from tests.facts.test_webhooks import Receiver
from tests.facts.test_webhooks import receiver as receiver  # noqa: PLC0414 (a fixture, re-exported)
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_worker_delivers_a_signed_event(
    receiver: Receiver, fetching_worker: object, editor_client: APIClient
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


def test_a_slow_receiver_does_not_hold_up_reading_sources(
    receiver: Receiver, transactional_db: None, tmp_path: Path, editor_client: APIClient
) -> None:
    """Deliveries have their own queue and worker (as `manage.py serve` runs them): 30
    deliveries to a receiver taking 5 s each, on two threads, take over a minute; a source
    posted after them is read meanwhile by the main worker."""
    import time

    from factcheck.facts.models import CheckRun
    from tests.integration.conftest import start_worker, stop_worker

    receiver.delay = 5.0
    allow = {"FACTCHECK_FETCH_ALLOW_PRIVATE": "1"}
    main = start_worker(tmp_path, "--pool=solo", "--queues=celery", env=allow)
    hooks = start_worker(
        tmp_path,
        "--pool=threads",
        "--concurrency=2",
        "--queues=webhooks",
        env=allow,
        purge=False,
    )
    try:
        editor_client.post(
            "/api/v1/webhooks/",
            {"url": receiver.url, "event_types": ["claim.created"]},
            format="json",
        )
        reviews = [
            {
                "@type": "ClaimReview",
                "url": f"https://checks.example/{n}",
                "claimReviewed": f"Claim number {n} about the slow receiver is true.",
                "reviewRating": {"alternateName": "False"},
            }
            for n in range(30)
        ]
        imported = editor_client.post(
            "/api/v1/claimreview-import/", {"@graph": reviews}, format="json"
        )
        assert imported.status_code == 201
        started = time.monotonic()
        source = editor_client.post(
            "/api/v1/sources/",
            {"text": "North Korea has sent about 10,000 troops to Russia, the Pentagon said."},
            format="json",
        ).json()
        wait_for(
            lambda: CheckRun.objects.filter(pk=source["check_run"], state="done").exists(),
            timeout=90,
        )
        read_in = time.monotonic() - started
        delivered = WebhookDelivery.objects.filter(state="delivered").count()
        assert delivered < 30, f"all deliveries were done before the source was read ({read_in} s)"
        assert len(receiver.received) >= 1  # the webhook worker was delivering meanwhile
    finally:
        stop_worker(hooks)
        stop_worker(main)
