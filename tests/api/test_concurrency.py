"""Several clients posting one URL at once create one source."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from factcheck.facts.models import Source


@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_of_one_url_create_one_source(editor) -> None:
    from rest_framework.authtoken.models import Token

    key = Token.objects.create(user=editor).key
    barrier = threading.Barrier(6)
    codes: list[int] = []

    def post(n: int) -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        barrier.wait()
        try:
            response = client.post(
                "/api/v1/sources/",
                {
                    "url": f"https://news.example.org/same-story?utm_source=client{n}",
                    "text": f"Client {n} copy of the story about troops.",
                },
                format="json",
            )
            codes.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [201, 400, 400, 400, 400, 400]
    assert Source.objects.filter(url="https://news.example.org/same-story").count() == 1
