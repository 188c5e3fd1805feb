"""Several clients posting one URL at once create one source; one text under several URLs at
once, one original and its copies; reviewers and editors who read one version never
overwrite each other unseen (ETag / If-Match)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from rest_framework.test import APIClient

from factcheck.facts.models import Source


def _post_at_once(editor: User, bodies: list[dict[str, str]]) -> list[int]:
    from rest_framework.authtoken.models import Token

    key = Token.objects.create(user=editor).key
    barrier = threading.Barrier(len(bodies))
    codes: list[int] = []

    def post(body: dict[str, str]) -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        barrier.wait()
        try:
            codes.append(client.post("/api/v1/sources/", body, format="json").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(codes)


@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_of_one_url_create_one_source(editor: User) -> None:
    codes = _post_at_once(
        editor,
        [
            {
                "url": f"https://news.example.org/same-story?utm_source=client{n}",
                "text": f"Client {n} copy of the story about troops.",
            }
            for n in range(6)
        ],
    )
    assert codes == [201, 409, 409, 409, 409, 409]
    assert Source.objects.filter(url="https://news.example.org/same-story").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_of_one_text_make_one_original_and_copies(editor: User) -> None:
    text = "North Korea has deployed about 10,000 troops to Russia, officials said."
    codes = _post_at_once(
        editor, [{"url": f"https://outlet{n}.example.org/story", "text": text} for n in range(6)]
    )
    assert codes == [201] * 6
    originals = Source.objects.filter(copy_of__isnull=True)
    assert originals.count() == 1
    assert Source.objects.filter(copy_of=originals.get()).count() == 5


@pytest.mark.django_db(transaction=True)
def test_eight_reviewers_of_one_evidence_row_never_overwrite_each_other_unseen(
    make_user: Callable[..., Any],
) -> None:
    from rest_framework.authtoken.models import Token

    from factcheck.facts.models import Evidence
    from tests import factories as f

    evidence = f.evidence(f.claim(), f.source(), "contradicts", f.org("North Korea government"))
    checkers = [make_user(f"checker{n}", "fact_checker") for n in range(8)]
    keys = [Token.objects.create(user=u).key for u in checkers]
    first = APIClient()
    first.credentials(HTTP_AUTHORIZATION=f"Token {keys[0]}")
    etag = first.get(f"/api/v1/evidence/{evidence.pk}/")["ETag"]
    barrier = threading.Barrier(len(keys))
    codes: list[int] = []
    stances = ["supports", "discusses", "contradicts", "supports"] * 2

    def review(key: str, stance: str) -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        barrier.wait()
        try:
            response = client.post(
                f"/api/v1/evidence/{evidence.pk}/review/",
                {"stance": stance},
                format="json",
                HTTP_IF_MATCH=etag,
            )
            codes.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=review, args=a) for a in zip(keys, stances, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # All read one version; the first to write wins, the other seven learn it changed.
    assert sorted(codes) == [200] + [412] * 7
    assert Evidence.objects.get(pk=evidence.pk).review_state in ("confirmed", "overridden")


@pytest.mark.django_db
def test_a_review_of_reviewed_evidence_needs_the_version_seen(
    checker_client: APIClient, make_user: Callable[..., Any]
) -> None:
    from tests import factories as f

    evidence = f.evidence(f.claim(), f.source(), "contradicts", f.org("North Korea government"))
    url = f"/api/v1/evidence/{evidence.pk}/review/"
    assert checker_client.post(url, {}, format="json").status_code == 200  # first review
    again = checker_client.post(url, {"stance": "discusses"}, format="json")
    assert again.status_code == 428
    assert "If-Match" in again.json()["detail"]
    etag = checker_client.get(f"/api/v1/evidence/{evidence.pk}/")["ETag"]
    changed = checker_client.post(url, {"stance": "discusses"}, format="json", HTTP_IF_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    stale = checker_client.post(url, {"stance": "supports"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale.json()["etag"] == changed["ETag"]


@pytest.mark.django_db
def test_a_claim_edit_with_a_stale_version_is_refused(editor_client: APIClient) -> None:
    from factcheck.facts.services.claims import claim_recompute_status

    claim_id = editor_client.post(
        "/api/v1/claims/", {"text": "The dam burst on Sunday."}, format="json"
    ).json()["id"]
    url = f"/api/v1/claims/{claim_id}/"
    etag = editor_client.get(url)["ETag"]
    # A background re-check moves the status, not the version an editor works on.
    claim_recompute_status(claim_id=claim_id, trigger="recheck")
    assert editor_client.get(url)["ETag"] == etag
    edited = editor_client.patch(url, {"tags": ["dams"]}, format="json", HTTP_IF_MATCH=etag)
    assert edited.status_code == 200, edited.json()
    stale = editor_client.patch(url, {"tags": ["floods"]}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert editor_client.get(url).json()["tags"] == ["dams"]
    # Without If-Match an edit goes through (clients that do not track versions).
    assert editor_client.patch(url, {"tags": ["x"]}, format="json").status_code == 200
