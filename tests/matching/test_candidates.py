from __future__ import annotations

from pathlib import Path

import numpy as np

from factcheck.matching import embeddings
from factcheck.matching.candidates import nearest_claims, rank
from factcheck.matching.passages import split_sentences
from factcheck.matching.quantities import claim_quantity

SEED = (Path(__file__).resolve().parents[2] / "seeds" / "000_40f7a8c0a409f1f5.txt").read_text()
CLAIMS = [
    "The central bank raised interest rates by half a point.",
    "North Korea has deployed about 10,000 troops to Russia.",
    "A satellite image shows North Korean personnel at a training ground in Khabarovsk.",
    "The football team won the cup final on penalties.",
    "Ukraine should strike North Korean troops if they go into Ukraine.",
]


def test_the_claims_the_seed_speaks_to_rank_above_unrelated_ones() -> None:
    sentences = [s.text for s in split_sentences(SEED)]
    ranked = rank(
        sentences,
        embeddings.encode(sentences),
        CLAIMS,
        embeddings.encode(CLAIMS),
        claim_figures=[claim_quantity(c) for c in CLAIMS],
        k=5,
    )
    order = [c.claim for c in ranked]
    assert set(order[:3]) == {1, 2, 4}
    troops = next(c for c in ranked if c.claim == 1)
    assert troops.shares_figure and troops.similarity > 0.6
    assert "10,000 troops" in sentences[troops.sentence]


def test_nearest_claims_is_exact_and_ordered() -> None:
    rng = np.random.default_rng(0)
    claims = rng.normal(size=(500, 384)).astype(np.float32)
    claims /= np.linalg.norm(claims, axis=1, keepdims=True)
    sentences = claims[[7, 42]] + 0.01
    top, sims, sentence = nearest_claims(sentences, claims, 2)
    assert sorted(top.tolist()) == [7, 42]
    assert sims[0] >= sims[1]
    assert {int(top[i]): int(sentence[i]) for i in range(2)} == {7: 0, 42: 1}


def test_named_entities_are_shared_between_claim_and_text() -> None:
    from factcheck.matching.lexical import entities

    assert {"kursk", "north korean"} <= entities(
        "The Pentagon said North Korean troops were in Russia's Kursk region."
    )
    sentences = ["Satellite images show personnel at Khabarovsk."]
    claims = ["Personnel gathered at Khabarovsk.", "Personnel gathered at Vladivostok."]
    ranked = rank(sentences, embeddings.encode(sentences), claims, embeddings.encode(claims))
    assert ranked[0].claim == 0
    assert ranked[0].shared_entities == ("khabarovsk",)
    assert ranked[1].shared_entities == ()
