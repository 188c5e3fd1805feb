"""Two screenings recording the same reading at once (a backfill and a re-screen): one row,
no failed run. Real threads on real connections."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from factcheck.facts.models import Event, Evidence, Source
from factcheck.facts.services.matching import Match
from factcheck.facts.services.screening import evidence_upsert_automatic, evidence_upsert_many
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


def test_a_batch_and_a_single_recording_at_once_make_one_row_each() -> None:
    """A source's readings recorded in one batch (ingestion) while a backfill records one
    of them: the batch falls back to one by one when it meets the other's row."""
    text = "NATO said North Korea has sent troops to Russia."
    source = f.source(text)
    matches = [
        Match(
            claim=f.claim(f"claim {i}"),
            result=StanceResult("supports", 0.9, Span(0, len(text), text), None, {"rule": "t"}),
            speaker=None,
            speaker_mention="",
        )
        for i in range(6)
    ]
    errors: list[BaseException] = []
    batch: list[list[str]] = []

    def record(single: bool, barrier: threading.Barrier) -> None:
        try:
            barrier.wait()
            if single:
                for match in matches[::-1]:
                    evidence_upsert_automatic(source=source, match=match)
            else:
                batch.append(evidence_upsert_many(source=source, matches=matches))
        except BaseException as error:  # noqa: BLE001 (the test asserts there are none)
            errors.append(error)
        finally:
            connection.close()

    for _ in range(3):
        Evidence.objects.filter(source=source).delete()
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=record, args=(s, barrier)) for s in (True, False)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert Evidence.objects.filter(source=source).count() == len(matches)
    assert all(len(outcomes) == len(matches) for outcomes in batch)


def test_a_batch_records_new_readings_once_and_keeps_what_a_person_reviewed() -> None:
    text = "NATO said North Korea has sent troops to Russia."
    source = f.source(text)
    claims = [f.claim(f"claim {i}") for i in range(3)]
    reviewed = f.evidence(claims[0], source, "contradicts", None, method="manual")

    def reading(claim: Any, confidence: float) -> Match:
        result = StanceResult("supports", confidence, Span(0, len(text), text), None, {})
        return Match(claim=claim, result=result, speaker=None, speaker_mention="")

    first = evidence_upsert_many(source=source, matches=[reading(c, 0.7) for c in claims])
    assert first == ["reviewed", "created", "created"]
    again = evidence_upsert_many(source=source, matches=[reading(c, 0.9) for c in claims])
    assert again == ["reviewed", "updated", "updated"]
    reviewed.refresh_from_db()
    assert reviewed.stance == "contradicts"
    assert Event.objects.filter(type="evidence.added", source=source).count() == 2
