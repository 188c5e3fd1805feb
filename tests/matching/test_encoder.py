"""The pair encoder: the shipped weights load on the shared transformer and read a pair as a
whole; batched and cached reads give what one read gives."""

from __future__ import annotations

import numpy as np
import pytest

from factcheck.matching import embeddings, learned
from factcheck.matching.encoder import MODEL_PATH, PairEncoder, pair_encoder
from factcheck.matching.features import LABELS

AGREE, DISAGREE, DISCUSS, UNRELATED = (
    LABELS.index(x) for x in ("agree", "disagree", "discuss", "unrelated")
)


def test_the_shipped_weights_are_small_and_calibrated() -> None:
    assert MODEL_PATH.stat().st_size < 10 * 2**20
    model = PairEncoder.load()
    assert 0.3 < model.temperature < 5
    assert "validation_macro_f1" in model.metadata


@pytest.mark.parametrize(
    ("claim", "text", "expected"),
    [
        (
            "Macaulay Culkin has died",
            "Macaulay Culkin is not dead, his representative says, calling the report a hoax",
            DISAGREE,
        ),
        (
            "Macaulay Culkin has died",
            "Macaulay Culkin found dead at his home in New York, police confirm",
            AGREE,
        ),
    ],
)
def test_it_reads_the_pair_as_a_whole(claim: str, text: str, expected: int) -> None:
    probabilities = pair_encoder().probabilities([claim], [text])[0]
    assert probabilities.sum() == pytest.approx(1.0, abs=1e-4)
    assert int(np.argmax(probabilities)) == expected, dict(
        zip(LABELS, probabilities.round(2), strict=True)
    )


def test_it_takes_no_side_on_a_text_about_something_else() -> None:
    # Whether a text is about the claim at all is decided by similarity and the words that
    # set the claim apart (stance.py); the encoder must at least not take a side.
    probabilities = pair_encoder().probabilities(
        ["Macaulay Culkin has died"],
        ["Apple shares rise after the company reports record iPhone sales"],
    )[0]
    assert probabilities[AGREE] + probabilities[DISAGREE] < 0.5
    assert int(np.argmax(probabilities)) in (DISCUSS, UNRELATED)


def test_a_batch_and_the_cache_give_what_one_read_gives() -> None:
    claims = [
        "Macaulay Culkin has died",
        "North Korea has sent about 10,000 troops to Russia",
        "Apple will sell 19 million Apple Watches in 2015",
    ]
    text = "North Korea has sent about 10,000 troops to Russia, US officials said."
    alone = [pair_encoder().probabilities([c], [text])[0] for c in claims]
    batched = pair_encoder().probabilities(claims, [text] * len(claims))
    np.testing.assert_allclose(batched, np.stack(alone), atol=2e-3)

    vectors = embeddings.encode([text])
    claim_vectors = embeddings.encode(claims)
    first = [
        learned.read(c, v, [text], vectors)[0] for c, v in zip(claims, claim_vectors, strict=True)
    ]
    learned.prepare_short(claims, [text])
    again = [
        learned.read(c, v, [text], vectors)[0] for c, v in zip(claims, claim_vectors, strict=True)
    ]
    np.testing.assert_allclose(np.stack(first), np.stack(again), atol=2e-3)
    # A short text is read by both readers, averaged: still a distribution.
    assert all(p.sum() == pytest.approx(1.0, abs=1e-3) for p in again)


def test_the_frozen_layers_alone_give_what_the_whole_model_gives_at_that_depth() -> None:
    import torch

    from factcheck.matching.encoder import FROZEN_LAYERS, _parts, frozen_states

    bert, tokenizer = _parts()
    claims, texts = ["Troops were sent", "A woman got a third breast"], ["They were not", "A hoax"]
    states, mask = frozen_states(claims, texts)
    batch = tokenizer(claims, texts, padding=True, return_tensors="pt")
    with torch.no_grad():
        whole = bert(**batch, output_hidden_states=True).hidden_states[FROZEN_LAYERS]
    assert torch.equal(mask, batch["attention_mask"])
    assert torch.allclose(states, whole, atol=1e-4)
