"""Two screenings recording the same reading at once (a backfill and a re-screen): one row,
no failed run. Real threads on real connections."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from factcheck.facts.models import Evidence, Source
from factcheck.facts.services.matching import Match
from factcheck.facts.services.screening import evidence_upsert_automatic
from factcheck.matching.passages import Span
from factcheck.matching.stance import StanceResult
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_upserts_of_one_reading_make_one_row() -> None:
    pairs = []
    for i in range(12):
        text = f"NATO said North Korea has sent troops to Russia ({i})."
        claim = f.claim(f"claim {i}")
        source = f.source(text)
        reading = StanceResult("supports", 0.9, Span(0, len(text), text), None, {"rule": "t"})
        pairs.append((source, Match(claim=claim, result=reading, speaker=None, speaker_mention="")))
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def upsert(source: Source, match: Any, barrier: threading.Barrier) -> None:
        try:
            barrier.wait()
            outcomes.append(evidence_upsert_automatic(source=source, match=match))
        except BaseException as error:  # noqa: BLE001 (the test asserts there are none)
            errors.append(error)
        finally:
            connection.close()

    for source, match in pairs:
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=upsert, args=(source, match, barrier)) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    assert sorted(set(outcomes)) in (["created", "kept"], ["created"], ["created", "updated"])
    for source, match in pairs:
        assert Evidence.objects.filter(claim=match.claim, source=source).count() == 1
