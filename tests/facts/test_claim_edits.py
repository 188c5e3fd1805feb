"""Creating and editing a claim: its vector follows its text, computed before any write."""

from __future__ import annotations

import numpy as np
import pytest

from factcheck.facts.models import CheckRun, CheckRunKind, Claim
from factcheck.facts.services.claims import claim_create, claim_update
from factcheck.facts.services.matching import text_vector

pytestmark = pytest.mark.django_db


def stored_vector(claim: Claim) -> np.ndarray:
    return np.asarray(Claim.objects.get(pk=claim.pk).embedding, dtype=np.float32)


def test_a_new_claim_is_stored_with_its_vector() -> None:
    claim = claim_create(text="  The dam  broke on   Tuesday. ")
    assert claim.text == "The dam broke on Tuesday."
    assert np.allclose(stored_vector(claim), text_vector(claim.text), atol=1e-6)


def test_an_edited_text_gets_a_new_vector_and_a_backfill_and_other_edits_neither() -> None:
    claim = claim_create(text="The dam broke on Tuesday.")
    backfills = CheckRun.objects.filter(kind=CheckRunKind.BACKFILL_CLAIM, claim=claim)
    before = backfills.get().absorbed
    first = stored_vector(claim)

    claim_update(claim=claim, data={"tags": ["Floods"]})
    assert np.array_equal(stored_vector(claim), first)
    assert backfills.get().absorbed == before  # nothing asked to screen it again

    claim_update(claim=claim, data={"text": "The dam  broke on Tuesday."})  # the same words
    assert backfills.get().absorbed == before

    edited = claim_update(claim=claim, data={"text": "The dam held on Tuesday."})
    assert edited.text == "The dam held on Tuesday."
    assert np.allclose(stored_vector(claim), text_vector(edited.text), atol=1e-6)
    assert not np.allclose(stored_vector(claim), first, atol=1e-3)
    assert backfills.get().absorbed == before + 1  # the queued backfill takes the new text in


def test_an_edit_over_a_stale_copy_embeds_the_text_it_writes() -> None:
    claim = claim_create(text="The dam broke on Tuesday.")
    stale = Claim.objects.get(pk=claim.pk)
    claim_update(claim=claim, data={"text": "The dam held on Tuesday."})
    # `stale` still reads "broke": its edit back to it must store the matching vector.
    claim_update(claim=stale, data={"text": "The dam broke on Tuesday."})
    assert np.allclose(stored_vector(claim), text_vector("The dam broke on Tuesday."), atol=1e-6)
