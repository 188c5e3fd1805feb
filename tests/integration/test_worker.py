"""End to end through a real worker: API -> broker -> worker -> database."""

from __future__ import annotations

import subprocess

import pytest
from rest_framework.test import APIClient

from factcheck.facts.models import CheckRun, Claim, Source
from tests import factories as f
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_recheck_requested_through_the_api_runs_in_the_worker(
    worker: subprocess.Popen[bytes], editor_client: APIClient
) -> None:
    claim = f.claim(speaker=f.org("US government"))
    f.evidence(claim, f.source(), "supports", f.org("NATO"))
    Claim.objects.filter(pk=claim.pk).update(status="unverified", last_checked_at=None)
    response = editor_client.post(f"/api/v1/claims/{claim.pk}/recheck/")
    assert response.status_code == 202
    run_id = response.json()["id"]
    run = wait_for(lambda: CheckRun.objects.filter(pk=run_id, state__in=["done", "failed"]).first())
    assert run.state == "done", run.error
    assert run.counts == {"status": "corroborated"}
    assert run.started_at is not None and run.finished_at >= run.started_at
    claim.refresh_from_db()
    assert claim.status == "corroborated"
    assert editor_client.get(f"/api/v1/check-runs/{run_id}/").json()["state"] == "done"


def test_a_posted_source_is_ingested_by_the_worker(
    worker: subprocess.Popen[bytes], editor_client: APIClient
) -> None:
    response = editor_client.post(
        "/api/v1/sources/",
        {
            "url": "https://news.example.org/nk-troops",
            "title": "NK troops",
            "text": "North Korea has deployed about 10,000 troops to Russia, officials said.",
            "outlet": "Example News",
        },
        format="json",
    )
    assert response.status_code == 201
    source_id = response.json()["id"]
    wait_for(lambda: Source.objects.filter(pk=source_id, state="processed").exists())
    run = CheckRun.objects.get(pk=response.json()["check_run"])
    assert run.state == "done"
