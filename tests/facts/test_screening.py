"""Reading and screening a source: passages, automatic evidence, reviewed evidence kept."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from factcheck.facts.models import CheckRun, Claim, Evidence, Passage, ProcessingState, Source
from factcheck.facts.services.claims import claim_create, claim_recompute_status
from factcheck.facts.services.evidence import evidence_review
from factcheck.facts.services.sources import source_ingest
from tests import factories as f

pytestmark = pytest.mark.django_db

SEED = (Path(__file__).resolve().parents[2] / "seeds" / "000_40f7a8c0a409f1f5.txt").read_text()


@pytest.fixture
def setting() -> dict[str, Any]:
    us = f.org("US government")
    ryder = f.speaker("Pat Ryder", f.org("US Department of Defense", us))
    ryder.aliases = ["Maj-Gen Ryder", "Major-General Pat Ryder"]
    ryder.save()
    troops = claim_create(
        text="North Korea has deployed about 10,000 troops to Russia.", as_of=date(2024, 10, 28)
    )
    rates = claim_create(text="The central bank raised interest rates by half a point.")
    source = f.source(
        SEED, state=ProcessingState.PENDING, published_at=datetime(2024, 10, 30, tzinfo=UTC)
    )
    return {"troops": troops, "rates": rates, "source": source, "ryder": ryder}


def test_ingesting_a_source_stores_passages_and_automatic_evidence(setting: dict[str, Any]) -> None:
    counts = source_ingest(source_id=setting["source"].pk)
    passages = list(Passage.objects.filter(source=setting["source"]))
    assert counts["passages"] == len(passages) > 10
    for p in passages:
        assert SEED[p.start : p.end] == p.text
    evidence = Evidence.objects.filter(
        claim=setting["troops"], stance="supports", quote__contains="10,000 troops"
    ).first()
    assert evidence is not None
    assert evidence.method == "automatic" and evidence.engine_version
    assert "10,000 troops" in evidence.quote
    assert SEED[evidence.quote_start : evidence.quote_end] == evidence.quote
    assert evidence.figure_value == 10_000
    assert evidence.engine_notes["rule"] in ("figure agrees", "figure repeats the claim's")
    assert evidence.engine_notes["figures"]["reported"] in evidence.quote
    assert not Evidence.objects.filter(claim=setting["rates"]).exists()
    assert CheckRun.objects.filter(
        kind="recheck_claim", claim=setting["troops"], source=setting["source"]
    ).exists()


def test_ingesting_twice_ends_in_the_same_state(setting: dict[str, Any]) -> None:
    source_ingest(source_id=setting["source"].pk)
    first = sorted(Evidence.objects.values_list("claim", "speaker", "stance", "quote"), key=str)
    passages = Passage.objects.count()
    again = source_ingest(source_id=setting["source"].pk)
    again_rows = Evidence.objects.values_list("claim", "speaker", "stance", "quote")
    assert sorted(again_rows, key=str) == first
    assert Passage.objects.count() == passages
    assert again["evidence_created"] == 0


def test_reviewed_evidence_is_never_overwritten(
    setting: dict[str, Any], fact_checker: User
) -> None:
    source_ingest(source_id=setting["source"].pk)
    evidence = Evidence.objects.filter(claim=setting["troops"], stance="supports").first()
    assert evidence is not None
    evidence_review(evidence=evidence, reviewer=fact_checker, stance="discusses")
    counts = source_ingest(source_id=setting["source"].pk)
    evidence.refresh_from_db()
    assert (evidence.stance, evidence.review_state) == ("discusses", "overridden")
    assert counts["evidence_kept"] >= 1


def test_a_rejected_reading_is_never_made_again(
    setting: dict[str, Any], fact_checker: User
) -> None:
    source_ingest(source_id=setting["source"].pk)
    evidence = Evidence.objects.filter(claim=setting["troops"], stance="supports").first()
    assert evidence is not None
    evidence_review(evidence=evidence, reviewer=fact_checker, reject=True)
    before = Evidence.objects.filter(claim=setting["troops"]).count()
    claim = claim_recompute_status(claim_id=setting["troops"].pk, trigger="recheck")
    assert evidence.pk not in {
        i
        for side in ("supporting", "contradicting")
        for o in claim.status_detail[side]
        for i in o["evidence"]
    }
    source_ingest(source_id=setting["source"].pk)  # the same text, the same engine
    evidence.refresh_from_db()
    assert (evidence.review_state, evidence.stance) == ("rejected", "supports")
    assert Evidence.objects.filter(claim=setting["troops"]).count() == before
    assert evidence.review_priority is None


def test_a_new_claim_finds_evidence_in_sources_read_before_it(fact_checker: User) -> None:
    from factcheck.facts.services.screening import claim_backfill

    source = f.source(
        SEED, state=ProcessingState.PENDING, published_at=datetime(2024, 10, 30, tzinfo=UTC)
    )
    source_ingest(source_id=source.pk)
    assert not Evidence.objects.exists()
    claim = claim_create(
        text="North Korea has deployed about 10,000 troops to Russia.", as_of=date(2024, 10, 28)
    )
    assert CheckRun.objects.filter(kind="backfill_claim", claim=claim, state="queued").exists()
    counts = claim_backfill(claim=Claim.objects.get(pk=claim.pk))
    assert counts["evidence_created"] == 1
    evidence = Evidence.objects.get(claim=claim)
    assert (evidence.source_id, evidence.stance) == (source.pk, "supports")


MIXED = (
    "A North Korean delegate at the United Nations dismissed reports that Pyongyang sent "
    "troops to Russia, calling them groundless.\n\n"
    "South Korea's intelligence service said that Russian navy ships had carried about 1,500 "
    "North Korean special forces to Vladivostok."
)


@pytest.fixture
def two_sides() -> tuple[Claim, Source]:
    f.org("North Korea government", country="KP", aliases=["Pyongyang", "North Korea"])
    f.org("South Korea government", country="KR", aliases=["South Korea", "Seoul"])
    claim = claim_create(
        text="Russian navy ships carried about 1,500 North Korean special forces troops to "
        "Vladivostok.",
        as_of=date(2024, 10, 18),
    )
    source = f.source(
        MIXED, state=ProcessingState.PENDING, published_at=datetime(2024, 10, 22, tzinfo=UTC)
    )
    return claim, source


def test_a_source_quoting_both_sides_gives_one_evidence_per_speaker(
    two_sides: tuple[Claim, Source],
) -> None:
    claim, source = two_sides
    source_ingest(source_id=source.pk)
    rows = {
        (e.speaker.name if e.speaker else None): e.stance
        for e in Evidence.objects.filter(claim=claim, source=source).select_related("speaker")
    }
    assert rows == {
        "North Korea government": "contradicts",
        "South Korea government": "supports",
    }
    # The worker's re-check (queued on commit) recomputes the status from both rows.
    claim_recompute_status(claim_id=claim.pk, trigger="source")
    claim.refresh_from_db()
    assert claim.status == "contested"


def test_screening_again_drops_automatic_evidence_it_no_longer_finds(
    two_sides: tuple[Claim, Source],
) -> None:
    claim, source = two_sides
    source_ingest(source_id=source.pk)
    stale = Evidence.objects.filter(claim=claim, source=source).first()
    assert stale is not None
    stale.speaker = f.speaker("Someone Else")
    stale.save()
    counts = source_ingest(source_id=source.pk)
    assert not Evidence.objects.filter(pk=stale.pk).exists()
    assert Evidence.objects.filter(claim=claim, source=source).count() == 2
    assert counts["claims_rechecked"] == 1


def test_a_long_texts_last_sentence_still_finds_its_claim_among_many_near_others() -> None:
    """Candidates are chosen in turns by sentence, not in the order of the sentences that
    found them: more claims near the first seven sentences than are assessed must not crowd
    out the eighth's."""
    from factcheck.facts.services.matching import text_match
    from factcheck.matching.candidates import ASSESSED

    topics = [
        "the wheat harvest in Kansas",
        "a volcano erupting in Iceland",
        "a chess championship in Madrid",
        "a railway strike in France",
        "a heatwave in southern Spain",
        "a new bridge opening in Lisbon",
        "whales seen near Sydney harbour",
    ]
    for topic in topics:
        for k in range(22):
            claim_create(text=f"There were {k + 2} hundred visitors at {topic} on day {k + 1}.")
    assert len(topics) * 22 > ASSESSED
    wanted = claim_create(text="North Korea has sent about 10,000 troops to Russia.")
    text = " ".join(f"Reporters on Monday covered {t}." for t in topics)
    text += " The Pentagon said North Korea has sent about 10,000 troops to Russia."
    found = {m.claim.pk for m in text_match(text=text)}
    assert wanted.pk in found
