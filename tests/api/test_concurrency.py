"""Several clients posting one URL at once create one source; one text under several URLs at
once, one original and its copies."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from factcheck.facts.models import Source


def _post_at_once(editor, bodies: list[dict[str, str]]) -> list[int]:  # type: ignore[no-untyped-def]
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
def test_concurrent_posts_of_one_url_create_one_source(editor) -> None:
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
def test_concurrent_posts_of_one_text_make_one_original_and_copies(editor) -> None:
    text = "North Korea has deployed about 10,000 troops to Russia, officials said."
    codes = _post_at_once(
        editor, [{"url": f"https://outlet{n}.example.org/story", "text": text} for n in range(6)]
    )
    assert codes == [201] * 6
    originals = Source.objects.filter(copy_of__isnull=True)
    assert originals.count() == 1
    assert Source.objects.filter(copy_of=originals.get()).count() == 5
