"""Lists page by cursor as well as by number: the same rows in the same order, no count,
and a cursor that is not the list's own is a 400."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests import factories as f

pytestmark = pytest.mark.django_db


def _walk(client: APIClient, url: str) -> tuple[list[int], list[dict[str, Any]]]:
    """Every id of a cursor walk from `url`, and the pages' bodies."""
    ids: list[int] = []
    pages: list[dict[str, Any]] = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append(body)
        ids += [row["id"] for row in body["results"]]
        url = body["next"]
    return ids, pages


def _numbered(client: APIClient, url: str) -> list[int]:
    return [row["id"] for row in client.get(url).json()["results"]]


@pytest.mark.parametrize("ordering", ["", "&ordering=created_at", "&ordering=-status"])
def test_a_cursor_walk_gives_the_rows_pages_by_number_give(
    reader_client: APIClient, ordering: str
) -> None:
    for i in range(7):
        f.claim(f"claim {i}")
    ids, pages = _walk(reader_client, f"/api/v1/claims/?cursor=&page_size=3{ordering}")
    assert ids == _numbered(reader_client, f"/api/v1/claims/?page_size=200{ordering}")
    assert len(ids) == 7 and [len(p["results"]) for p in pages] == [3, 3, 1]
    assert all("count" not in p and p["previous"] is None for p in pages)


def test_a_cursor_page_counts_nothing_and_reads_only_its_rows(reader_client: APIClient) -> None:
    for i in range(5):
        f.claim(f"claim {i}")
    with CaptureQueriesContext(connection) as numbered:
        assert reader_client.get("/api/v1/claims/?page_size=2").status_code == 200
    with CaptureQueriesContext(connection) as cursor:
        assert reader_client.get("/api/v1/claims/?page_size=2&cursor=").status_code == 200
    assert any('AS "__count"' in q["sql"] for q in numbered.captured_queries)
    assert not any('AS "__count"' in q["sql"] for q in cursor.captured_queries)
    assert len(cursor.captured_queries) == len(numbered.captured_queries) - 1


def test_evidence_and_sources_page_by_cursor(reader_client: APIClient) -> None:
    claim = f.claim()
    for i in range(5):
        f.evidence(claim, f.source(f"text {i}"), "supports", f.org(f"org {i}"))
    ids, _ = _walk(reader_client, "/api/v1/evidence/?cursor=&page_size=2")
    assert ids == _numbered(reader_client, "/api/v1/evidence/?page_size=200")
    url = "/api/v1/sources/?cursor=&page_size=2&ordering=-created_at"
    ids, _ = _walk(reader_client, url)
    assert ids == _numbered(reader_client, "/api/v1/sources/?page_size=200&ordering=-created_at")


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("cursor=abc", "Not a cursor of this list"),
        ("cursor=WyJub3QgYSBkYXRlIiwxXQ", "Not a cursor of this list"),  # ["not a date",1]
        ("cursor=&page=2", "not both"),
        ("cursor=&cursor=", "once"),
        ("cursor=&ordering=as_of", "may be empty"),
        ("cursor=&search=troops", "cannot be paged by cursor"),
    ],
)
def test_a_cursor_that_cannot_be_followed_is_a_400(
    reader_client: APIClient, query: str, says: str
) -> None:
    f.claim("North Korean troops")
    response = reader_client.get(f"/api/v1/claims/?{query}")
    assert response.status_code == 400, response.content
    assert says in str(response.json())


def test_the_sources_default_ordering_may_be_empty_and_says_what_to_use(
    reader_client: APIClient,
) -> None:
    response = reader_client.get("/api/v1/sources/?cursor=")
    assert response.status_code == 400
    assert "ordering=-created_at" in str(response.json())
