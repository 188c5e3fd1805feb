from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from factcheck.facts.models import CheckRun
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_stats_count_claims_by_status_and_queues(reader_client: APIClient) -> None:
    f.claim("a")
    contested = f.claim("b")
    f.evidence(contested, f.source(), "contradicts", f.speaker())
    CheckRun.objects.create(
        kind="recheck_claim", state="failed", error="x", finished_at=timezone.now()
    )
    body = reader_client.get("/api/v1/stats/").json()
    assert body["claims"] == 2
    assert body["claims_by_status"] == {
        "unverified": 1,
        "corroborated": 0,
        "contested": 1,
        "contradicted": 0,
    }
    assert body["evidence_awaiting_review"] == 1
    assert body["evidence_changing_a_status"] == 1  # rejecting it makes "b" unverified
    assert body["claims_by_basis"] == {"reviewed": 0, "provisional": 1, "none": 1}
    assert body["failed_check_runs"] == 1
    assert body["claims_changed_since"] is None


def test_stats_since_counts_recent_changes(reader_client: APIClient) -> None:
    f.claim("a")
    future = (timezone.now() + timedelta(hours=1)).isoformat()
    past = (timezone.now() - timedelta(hours=1)).isoformat()
    assert reader_client.get("/api/v1/stats/", {"since": past}).json()["claims_changed_since"] == 1
    assert (
        reader_client.get("/api/v1/stats/", {"since": future}).json()["claims_changed_since"] == 0
    )
    assert reader_client.get("/api/v1/stats/?since=yesterday").status_code == 400


def test_healthz_and_readyz_answer(anon_client: APIClient) -> None:
    assert anon_client.get("/healthz").json() == {"status": "ok"}
    ready = anon_client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "broker": "ok"}


def test_readyz_reports_an_unreachable_broker(anon_client: APIClient, settings: Settings) -> None:
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    ready = anon_client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"]["broker"].startswith("error")


def test_check_runs_filter_by_state(reader_client: APIClient) -> None:
    queued = CheckRun.objects.create(kind="sweep")
    CheckRun.objects.create(kind="sweep", state="done", finished_at=timezone.now())
    results = reader_client.get("/api/v1/check-runs/?state=queued").json()["results"]
    assert [r["id"] for r in results] == [queued.pk]
