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


def test_one_pass_gives_sentence_and_token_vectors() -> None:
    texts = ["North Korea has sent troops to Russia.", "A hoax", "Apple will sell watches."]
    vectors, tokens = embeddings.encode_with_tokens(texts)
    np.testing.assert_allclose(vectors, embeddings.encode(texts), atol=1e-5)
    for one, alone in zip(tokens, embeddings.token_vectors(texts), strict=True):
        np.testing.assert_allclose(one, alone, atol=1e-5)
    np.testing.assert_allclose(learned.embed_short(texts), vectors, atol=1e-5)


def test_beyond_the_nearest_claims_the_cross_reader_reads_alone() -> None:
    from factcheck.matching.stance import ClaimSpec, readings

    claim, text = "Macaulay Culkin has died", "Macaulay Culkin death report is a hoax"
    both = readings(ClaimSpec(text=claim), text)[0]
    alone = readings(ClaimSpec(text=claim), text, paired=False)[0]
    assert both.features["readers"] == "cross reader and pair encoder"
    assert alone.features["readers"] == "cross reader"
    vectors = embeddings.encode([text])
    cross_only = learned.read(claim, embeddings.encode([claim])[0], [text], vectors, paired=False)
    assert alone.features["classifier"]["contradicts"] == pytest.approx(
        float(cross_only[0][DISAGREE]), abs=1e-3
    )
    # A refutation without a cue word needs both readers.
    assert alone.features.get("rule") != "classifier, sure of a refutation"
    # The pair encoder reads only the nearest claims of a batch.
    learned.prepare_short([f"claim {i}" for i in range(learned.SHORT_PAIRED + 3)], [text])
    assert ("claim 0", text) in learned._encoded
    assert (f"claim {learned.SHORT_PAIRED}", text) not in learned._encoded
