"""Importing other publishers' fact-checks: POST /api/v1/claimreview-import/ and
`manage.py import_claimreview`."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from factcheck.facts.models import (
    CheckRun,
    CheckRunKind,
    CheckRunState,
    Claim,
    ClaimStatus,
    Event,
    ExternalReview,
    Speaker,
)
from factcheck.facts.services.claims import claim_create
from factcheck.facts.tasks import claims_embed

pytestmark = pytest.mark.django_db


def review(
    text: str, url: str, publisher: str = "Example Checks", rating: str = "False"
) -> dict[str, Any]:
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "datePublished": "2026-03-02",
        "author": {"@type": "Organization", "name": publisher},
        "claimReviewed": text,
        "reviewRating": {"@type": "Rating", "alternateName": rating},
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Person", "name": "Jane Poster"},
            "datePublished": "2026-02-27",
            "appearance": {"@type": "CreativeWork", "url": "https://social.example/p/1"},
        },
    }


EIFFEL = "The Eiffel Tower will be dismantled and moved to Las Vegas in 2027."
FEED = {
    "@context": "https://schema.org",
    "@type": "DataFeed",
    "dataFeedElement": [
        review(EIFFEL, "https://checks.example/eiffel"),
        review(EIFFEL, "https://other.example/tower", publisher="Other Checks", rating="Fake"),
        review("Drinking seawater cures the flu.", "https://checks.example/seawater"),
        {"@type": "NewsArticle", "headline": "not a review"},
    ],
}


def test_an_editor_imports_a_feed_and_new_texts_are_matched_against_its_claims(
    editor_client: APIClient, reader_client: APIClient
) -> None:
    held = claim_create(text="Drinking seawater cures the flu.")
    response = editor_client.post(
        "/api/v1/claimreview-import/?tag=health&tag=Imported", FEED, format="json"
    )
    assert response.status_code == 201, response.json()
    report = response.json()
    assert {k: report[k] for k in ("found", "claims_created", "claims_joined")} == {
        "found": 4,
        "claims_created": 1,
        "claims_joined": 1,
    }
    assert (report["reviews_created"], report["skipped"]) == (3, 1)
    assert report["skipped_items"] == [
        {"where": "$.dataFeedElement[3]", "reason": "not a ClaimReview (@type NewsArticle)"}
    ]
    eiffel = Claim.objects.get(text=EIFFEL)
    assert sorted(eiffel.tags) == ["claimreview", "health", "imported"]
    assert eiffel.speaker is not None
    assert (eiffel.speaker.name, str(eiffel.as_of)) == ("Jane Poster", "2026-02-27")
    assert eiffel.status == ClaimStatus.UNVERIFIED and eiffel.status_changes.count() == 1
    created = Event.objects.get(type="claim.created", claim=eiffel)
    assert created.data["imported_from"] == "claimreview"
    # The seawater claim was tracked already: its review joins it, no second claim.
    assert Claim.objects.filter(text=held.text).count() == 1
    assert held.external_reviews.get().url == "https://checks.example/seawater"

    # Reviews of the claim: each publisher's rating in its own words.
    listed = reader_client.get(f"/api/v1/claims/{eiffel.pk}/external-reviews/").json()
    assert sorted((r["publisher"], r["rating_text"]) for r in listed["results"]) == [
        ("Example Checks", "False"),
        ("Other Checks", "Fake"),
    ]
    assert listed["results"][0]["appearances"] == ["https://social.example/p/1"]

    # The web process embedded nothing: a queued run does, then texts match the claim.
    assert eiffel.embedding is None
    run = CheckRun.objects.get(pk=report["embedding_run"])
    assert (run.kind, run.state) == (CheckRunKind.EMBED_CLAIMS, CheckRunState.QUEUED)
    text = "The Eiffel Tower will be dismantled and moved to Las Vegas in 2027, a post claimed."
    before = reader_client.post("/api/v1/match/", {"text": text}, format="json").json()
    assert eiffel.pk not in {m["claim"]["id"] for m in before}
    claims_embed.run(run.pk)
    run.refresh_from_db()
    assert run.state == CheckRunState.DONE
    assert (run.counts["embedded"], run.counts["remaining"]) == (1, 0)
    after = reader_client.post("/api/v1/match/", {"text": text}, format="json").json()
    assert eiffel.pk in {m["claim"]["id"] for m in after}


def test_importing_again_changes_nothing_and_a_new_rating_updates_the_review(
    editor_client: APIClient,
) -> None:
    first = editor_client.post("/api/v1/claimreview-import/", FEED, format="json")
    assert first.status_code == 201
    again = editor_client.post("/api/v1/claimreview-import/", FEED, format="json")
    assert again.status_code == 200, again.json()
    assert (again.json()["reviews_unchanged"], again.json()["claims_created"]) == (3, 0)
    changed = json.loads(json.dumps(FEED))
    changed["dataFeedElement"][0]["reviewRating"]["alternateName"] = "Mostly false"
    third = editor_client.post("/api/v1/claimreview-import/", changed, format="json").json()
    assert (third["reviews_updated"], third["reviews_unchanged"]) == (1, 2)
    assert (Claim.objects.count(), ExternalReview.objects.count()) == (2, 3)
    assert ExternalReview.objects.get(url="https://checks.example/eiffel").rating_text == (
        "Mostly false"
    )
    # A review repeated inside one payload counts once.
    twice = {
        "@graph": [review("Once.", "https://c.example/1"), review("Once.", "https://c.example/1")]
    }
    body = editor_client.post("/api/v1/claimreview-import/", twice, format="json").json()
    assert (body["reviews_created"], body["skipped_items"][0]["reason"]) == (
        1,
        "repeats the review at $.@graph[0]",
    )


def test_an_html_page_can_be_posted(editor_client: APIClient) -> None:
    page = (
        "<html><head><script type='application/ld+json'>"
        + json.dumps(review("Bananas are radioactive enough to harm you.", "https://c.example/b"))
        + "</script></head><body>Check.</body></html>"
    )
    response = editor_client.post(
        "/api/v1/claimreview-import/", page, content_type="text/html; charset=utf-8"
    )
    assert response.status_code == 201, response.json()
    assert Claim.objects.filter(text__startswith="Bananas").exists()
    ld = editor_client.post(
        "/api/v1/claimreview-import/",
        json.dumps(review("Ld claim.", "https://c.example/ld")),
        content_type="application/ld+json",
    )
    assert ld.status_code == 201, ld.json()


def test_bad_imports_are_refused_with_the_reason_and_store_nothing(
    editor_client: APIClient, reader_client: APIClient, settings: Settings
) -> None:
    url = "/api/v1/claimreview-import/"
    assert reader_client.post(url, FEED, format="json").status_code == 403
    nothing = editor_client.post(url, {"@type": "NewsArticle"}, format="json")
    assert nothing.status_code == 400
    assert nothing.json()["skipped_items"][0]["reason"] == "not a ClaimReview (@type NewsArticle)"
    page = editor_client.post(url, "<html><body>hi</body></html>", content_type="text/html")
    assert page.status_code == 400 and "ld+json" in page.json()["detail"]
    broken = editor_client.post(url, "{not json", content_type="application/json")
    assert broken.status_code == 400
    for query in ("?tag=", "?backfill=maybe", "?tag=" + "x" * 51):
        assert editor_client.post(url + query, FEED, format="json").status_code == 400, query
    settings.FACTCHECK_MAX_IMPORT_REVIEWS = 2
    too_many = editor_client.post(url, FEED, format="json")
    assert too_many.status_code == 400 and "at most 2" in too_many.json()["detail"]
    assert (Claim.objects.count(), ExternalReview.objects.count()) == (0, 0)


def test_backfill_on_request_queues_a_screening_of_each_new_claim(editor_client: APIClient) -> None:
    body = editor_client.post(
        "/api/v1/claimreview-import/?backfill=true", FEED, format="json"
    ).json()
    assert body["backfills_queued"] == 2
    assert CheckRun.objects.filter(kind=CheckRunKind.BACKFILL_CLAIM).count() == 2


def test_the_command_imports_files_embeds_and_reports(tmp_path: Path) -> None:
    (tmp_path / "feed.json").write_text(json.dumps(FEED))
    (tmp_path / "page.html").write_text(
        "<html><script type='application/ld+json'>"
        + json.dumps(review("Page claim.", "https://c.example/page"))
        + "</script></html>"
    )
    (tmp_path / "junk.txt").write_text("nothing structured here")
    out = StringIO()
    call_command(
        "import_claimreview",
        *(str(tmp_path / n) for n in ("feed.json", "page.html", "junk.txt")),
        "--tag",
        "archive",
        stdout=out,
        stderr=StringIO(),
    )
    text = out.getvalue()
    assert "4 ClaimReviews read from 3 file(s)" in text
    assert "claims created 3, joined 0; reviews created 4" in text
    assert "skipped 2" in text and "not a ClaimReview (@type NewsArticle)" in text
    assert "junk.txt: neither HTML nor JSON" in text
    # Embedded here, a batch at a time: nothing left for the workers.
    assert not Claim.objects.filter(embedding__isnull=True).exists()
    assert not CheckRun.objects.filter(kind=CheckRunKind.EMBED_CLAIMS).exists()
    assert Speaker.objects.filter(name="Jane Poster").count() == 1
    assert set(Claim.objects.get(text="Page claim.").tags) == {"archive", "claimreview"}
    again = StringIO()
    call_command("import_claimreview", str(tmp_path / "feed.json"), stdout=again, stderr=StringIO())
    assert "reviews created 0, updated 0, unchanged 3" in again.getvalue()


def test_the_sweep_queues_embedding_for_claims_left_without_vectors(
    editor_client: APIClient,
) -> None:
    from factcheck.facts.services.sweeps import sweep_unembedded_claims

    editor_client.post("/api/v1/claimreview-import/", FEED, format="json")
    CheckRun.objects.filter(kind=CheckRunKind.EMBED_CLAIMS).update(
        state=CheckRunState.FAILED, error="lost"
    )
    assert sweep_unembedded_claims() == {"embedding_queued": 1}
    assert sweep_unembedded_claims() == {"embedding_queued": 0}  # one is queued now
    run = CheckRun.objects.get(kind=CheckRunKind.EMBED_CLAIMS, state=CheckRunState.QUEUED)
    claims_embed.run(run.pk)
    assert sweep_unembedded_claims() == {"embedding_queued": 0}
    assert not Claim.objects.filter(embedding__isnull=True).exists()


def test_an_embedding_run_given_back_while_another_is_queued_joins_it() -> None:
    from factcheck.facts.services.claims import claims_queue_embedding
    from factcheck.facts.services.jobs import job_requeue

    running = claims_queue_embedding()
    CheckRun.objects.filter(pk=running.pk).update(state=CheckRunState.RUNNING)
    queued = claims_queue_embedding()
    assert queued.pk != running.pk
    assert claims_queue_embedding().pk == queued.pk  # a third request joins the queued one
    job_requeue(check_run_id=running.pk)
    running.refresh_from_db()
    assert (running.state, running.counts) == (CheckRunState.DONE, {"absorbed_into": queued.pk})
