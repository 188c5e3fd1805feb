from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from factcheck.facts.models import Speaker
from factcheck.facts.services.speakers import speaker_get_or_create, speaker_save
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_moving_an_organisation_moves_the_root_of_everyone_below_it() -> None:
    us, nato = f.org("US government"), f.org("NATO")
    dod = f.org("Pentagon", us)
    ryder = f.speaker("Ryder", dod)
    assert ryder.root == us
    dod.organization = nato
    speaker_save(speaker=dod)
    ryder.refresh_from_db()
    assert ryder.root == nato


def test_a_speaker_cannot_sit_below_itself() -> None:
    top = f.org("Top")
    low = f.org("Low", top)
    top.organization = low
    with pytest.raises(ValidationError):
        speaker_save(speaker=top)
    top.refresh_from_db()
    assert top.organization_id is None


def test_a_speaker_is_found_by_an_alias() -> None:
    pentagon = f.org("US Department of Defense")
    pentagon.aliases = ["Pentagon"]
    speaker_save(speaker=pentagon)
    assert speaker_get_or_create(name="Pentagon") == pentagon
    assert Speaker.objects.count() == 1
