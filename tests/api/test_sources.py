from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from factcheck.facts.models import CheckRun, Outlet, ProcessingState, Source
from tests import factories as f

pytestmark = pytest.mark.django_db

ARTICLE = {
    "url": "https://www.straitstimes.com/world/story?utm_source=x#top",
    "title": "Kyiv should strike North Korean troops",
    "text": "The US believes North Korea has deployed 10,000 troops.",
    "outlet": "The Straits Times",
    "syndicated_from": "Bloomberg",
    "published_at": "2024-10-30T12:00:00Z",
}


def test_an_editor_posts_a_source_and_its_ingestion_is_queued(editor_client: APIClient) -> None:
    response = editor_client.post("/api/v1/sources/", ARTICLE, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["url"] == "https://www.straitstimes.com/world/story"
    assert body["outlet"]["name"] == "The Straits Times"
    assert body["syndicated_from"]["name"] == "Bloomberg"
    assert body["state"] == "pending"
    run = CheckRun.objects.get(pk=body["check_run"])
    assert (run.kind, run.source_id) == ("ingest_source", body["id"])


def test_outlets_are_found_by_name_case_insensitively(editor_client: APIClient) -> None:
    existing = f.outlet("Bloomberg")
    body = editor_client.post(
        "/api/v1/sources/", {**ARTICLE, "syndicated_from": "bloomberg"}, format="json"
    ).json()
    assert body["syndicated_from"]["id"] == existing.pk


def test_outlets_are_found_by_id_and_an_unknown_id_is_an_error(editor_client: APIClient) -> None:
    outlet = f.outlet("Yonhap")
    ok = editor_client.post("/api/v1/sources/", {**ARTICLE, "outlet": outlet.pk}, format="json")
    assert ok.json()["outlet"]["id"] == outlet.pk
    bad = editor_client.post(
        "/api/v1/sources/",
        {**ARTICLE, "url": "https://a.example/x", "text": "other", "outlet": 987654},
        format="json",
    )
    assert bad.status_code == 400
    assert "outlet" in bad.json()["errors"]


def test_the_outlet_is_inferred_from_the_url_domain(editor_client: APIClient) -> None:
    outlet = f.outlet("Straits", domains=["straitstimes.com"])
    payload = {k: v for k, v in ARTICLE.items() if k != "outlet"}
    assert (
        editor_client.post("/api/v1/sources/", payload, format="json").json()["outlet"]["id"]
        == outlet.pk
    )


def test_a_url_already_held_is_refused_with_the_existing_id(editor_client: APIClient) -> None:
    first = editor_client.post("/api/v1/sources/", ARTICLE, format="json").json()
    again = editor_client.post(
        "/api/v1/sources/",
        {**ARTICLE, "url": "https://www.straitstimes.com/world/story/", "text": "new text"},
        format="json",
    )
    assert again.status_code == 409
    assert again.json()["errors"]["url"] == [f"Source {first['id']} already has this URL."]
    assert again.json()["existing"] == {"kind": "source", "id": first["id"]}


def test_the_same_text_under_another_url_is_stored_as_a_copy_of_the_first(
    editor_client: APIClient,
) -> None:
    first = editor_client.post("/api/v1/sources/", ARTICLE, format="json").json()
    again = editor_client.post(
        "/api/v1/sources/",
        {
            **ARTICLE,
            "url": "https://other.example/copy",
            "outlet": "Other Daily",
            "text": "  the US believes North Korea has deployed 10,000 troops.  ",
        },
        format="json",
    )
    assert again.status_code == 201, again.json()
    assert again.json()["copy_of"] == first["id"]
    assert editor_client.get(f"/api/v1/sources/{first['id']}/").json()["copy_of"] is None


def test_the_same_text_without_a_url_is_refused(editor_client: APIClient) -> None:
    editor_client.post("/api/v1/sources/", ARTICLE, format="json")
    again = editor_client.post(
        "/api/v1/sources/", {"text": ARTICLE["text"], "title": "No URL"}, format="json"
    )
    assert again.status_code == 409
    assert "already has this text" in again.json()["errors"]["text"][0]


def test_a_refused_source_creates_no_outlet(editor_client: APIClient) -> None:
    response = editor_client.post(
        "/api/v1/sources/",
        {**ARTICLE, "outlet": "Brand New Outlet", "published_at": "not a date"},
        format="json",
    )
    assert response.status_code == 400
    assert not Outlet.objects.filter(name="Brand New Outlet").exists()
    assert Source.objects.count() == 0


def test_a_source_needs_text_or_a_url(editor_client: APIClient) -> None:
    response = editor_client.post("/api/v1/sources/", {"title": "Only a title"}, format="json")
    assert response.status_code == 400
    assert "text" in response.json()["errors"]


def test_a_url_alone_is_accepted_for_fetching(editor_client: APIClient) -> None:
    response = editor_client.post("/api/v1/sources/", {"url": "https://x.example/a"}, format="json")
    assert response.status_code == 202
    body = response.json()
    assert (body["state"], body["text"]) == ("pending", "")
    assert CheckRun.objects.get(pk=body["check_run"]).kind == "ingest_source"


def test_only_http_urls_are_accepted(editor_client: APIClient) -> None:
    response = editor_client.post(
        "/api/v1/sources/", {**ARTICLE, "url": "ftp://x.example/a"}, format="json"
    )
    assert response.status_code == 400


def test_a_failed_source_can_be_retried(editor_client: APIClient) -> None:
    source = f.source(state=ProcessingState.FAILED, error="boom")
    response = editor_client.post(f"/api/v1/sources/{source.pk}/retry/")
    assert response.status_code == 202
    assert CheckRun.objects.filter(source=source, state="queued").count() == 1
    processed = f.source()
    assert editor_client.post(f"/api/v1/sources/{processed.pk}/retry/").status_code == 409


def test_the_detail_has_the_text_and_the_list_does_not(reader_client: APIClient) -> None:
    source = f.source("Body text here.")
    assert reader_client.get(f"/api/v1/sources/{source.pk}/").json()["text"] == "Body text here."
    assert "text" not in reader_client.get("/api/v1/sources/").json()["results"][0]


def test_sources_are_searchable_by_full_text(reader_client: APIClient) -> None:
    hit = f.source("Satellite images show troops at Khabarovsk.")
    f.source("Something else entirely.")
    results = reader_client.get("/api/v1/sources/?search=satellite").json()["results"]
    assert [s["id"] for s in results] == [hit.pk]
