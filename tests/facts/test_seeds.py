from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from factcheck.facts.models import Claim, Evidence, Source, Speaker

pytestmark = pytest.mark.django_db


def load() -> str:
    out = StringIO()
    call_command("load_seeds", stdout=out)
    return out.getvalue()


def test_load_seeds_loads_the_story_and_is_idempotent() -> None:
    first = load()
    assert "claims 7 new / 0 kept" in first
    counts = (
        Claim.objects.count(),
        Evidence.objects.count(),
        Source.objects.count(),
        Speaker.objects.count(),
    )
    second = load()
    assert "claims 0 new / 7 kept" in second
    assert counts == (
        Claim.objects.count(),
        Evidence.objects.count(),
        Source.objects.count(),
        Speaker.objects.count(),
    )


def test_the_seed_source_is_one_bloomberg_story_republished() -> None:
    load()
    source = Source.objects.get()
    assert source.outlet and source.outlet.name == "The Straits Times"
    assert source.syndicated_from and source.syndicated_from.name == "Bloomberg"
    assert source.published_at and source.published_at.date().isoformat() == "2024-10-30"


def test_every_seed_quote_is_an_exact_substring_at_its_offsets() -> None:
    load()
    for evidence in Evidence.objects.select_related("source"):
        assert evidence.source.text[evidence.quote_start : evidence.quote_end] == evidence.quote


def test_seed_claims_rest_on_one_origin_and_stay_unverified() -> None:
    load()
    for claim in Claim.objects.all():
        assert claim.status == "unverified", claim.text
    austin = Claim.objects.get(speaker__name="Lloyd Austin")
    # Ryder echoing Austin is the same root (US government): still one origin.
    assert [o["origin"] for o in austin.status_detail["supporting"]] == ["US government"]


def test_speakers_resolve_to_their_roots() -> None:
    load()
    roots = {s.name: s.root and s.root.name for s in Speaker.objects.all()}
    assert roots["Pat Ryder"] == "US government"
    assert roots["National Intelligence Service"] == "South Korea government"
