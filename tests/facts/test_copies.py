"""Republished copies: linked to what they copy, counted as its origin, never as a new one."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from factcheck.facts.models import Claim, Evidence, Passage, Source
from factcheck.facts.services.claims import claim_create, claim_recompute_status
from factcheck.facts.services.sources import source_create, source_ingest
from tests import factories as f

pytestmark = pytest.mark.django_db

STORY = (
    "North Korea has deployed about 10,000 troops to Russia, according to people familiar "
    "with the matter.\n\n"
    "The soldiers have been training in the east of the country for several weeks.\n\n"
    "Several thousand of them are now moving toward the front line in the west."
)
WHEN = datetime(2024, 10, 28, 12, tzinfo=UTC)


def _post(text: str, url: str, outlet: str) -> Source:
    source, _ = source_create(
        text=text, url=url, outlet=f.outlet(outlet), published_at=WHEN, dispatch=False
    )
    source_ingest(source_id=source.pk)
    source.refresh_from_db()
    return source


@pytest.fixture
def claim() -> Claim:
    return claim_create(
        text="North Korea has deployed about 10,000 troops to Russia.", as_of=date(2024, 10, 28)
    )


def test_an_exact_copy_is_linked_and_not_read_again(claim: Claim) -> None:
    original = _post(STORY, "https://wire.example/story", "Example Wire")
    copy = _post(STORY.upper(), "https://daily.example/story", "Example Daily")
    assert copy.copy_of == original and copy.state == "processed"
    assert not Passage.objects.filter(source=copy).exists()
    assert not Evidence.objects.filter(source=copy).exists()


def test_a_near_copy_counts_as_the_original_origin_not_a_second_one(claim: Claim) -> None:
    original = _post(STORY, "https://wire.example/story", "Example Wire")
    copy = _post(
        "Republished with permission.\n\n" + STORY + "\n\nRead more on our website today.",
        "https://daily.example/story",
        "Example Daily",
    )
    assert copy.copy_of == original
    assert Evidence.objects.filter(claim=claim, source=copy, stance="supports").exists()
    result = claim_recompute_status(claim_id=claim.pk, trigger="source")
    assert result.status == "unverified", result.status_explanation
    assert "Supporting origins (1): Example Wire" in result.status_explanation

    independent = _post(
        "Officials in Seoul said about 10,000 North Korean troops had been deployed to Russia, "
        "citing their own intelligence.",
        "https://seoul.example/story",
        "Seoul Herald",
    )
    assert independent.copy_of is None
    assert claim_recompute_status(claim_id=claim.pk, trigger="source").status == "corroborated"


def test_a_source_sharing_one_sentence_is_not_a_copy(claim: Claim) -> None:
    _post(STORY, "https://wire.example/story", "Example Wire")
    other = _post(
        "The soldiers have been training in the east of the country for several weeks.\n\n"
        "Analysts expect the deployment to grow, and Kyiv has asked its allies for longer-range "
        "weapons in response.\n\nThe Kremlin has not commented on the reports so far.",
        "https://other.example/story",
        "Other News",
    )
    assert other.copy_of is None
