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


def test_among_near_duplicates_the_claim_the_sentence_names_comes_first() -> None:
    """Two hundred claims a little nearer in meaning (the same story in other places) do not
    push out the one whose place and figure the sentence carries."""
    from factcheck.matching.candidates import Shortlisted, rerank

    sentence = "About 8,000 North Korean soldiers are now in Russia's Kursk region."
    places = [f"Oblast{i}" for i in range(200)]
    shortlist = [
        Shortlisted(
            claim=i,
            text=f"About 9,000 North Korean troops were in {p}.",
            similarity=0.86,
            sentence=0,
        )
        for i, p in enumerate(places)
    ]
    shortlist.append(
        Shortlisted(
            claim=999,
            text="About 8,000 North Korean troops were in Russia's Kursk region.",
            similarity=0.84,
            sentence=0,
            unit="troops",
        )
    )
    chosen = rerank([sentence], shortlist, k=5)
    assert chosen[0].claim == 999
    assert "kursk" in chosen[0].shared_entities and chosen[0].shares_figure


def test_one_sentences_near_duplicates_cannot_crowd_out_another_sentences_claim() -> None:
    from factcheck.matching.candidates import Shortlisted, rerank

    sentences = [
        "North Korea has sent about 10,000 troops to Russia, Washington says.",
        "Russian ships carried special forces to Vladivostok in October.",
    ]
    crowd = [
        Shortlisted(
            claim=i,
            text=f"North Korea has sent about {i},000 troops to Russia.",
            similarity=0.9,
            sentence=0,
        )
        for i in range(1, 50)
    ]
    other = Shortlisted(
        claim=100,
        text="Russian navy ships carried North Korean special forces to Vladivostok.",
        similarity=0.7,
        sentence=1,
    )
    chosen = rerank(sentences, [*crowd, other], k=10)
    assert 100 in {c.claim for c in chosen}
    assert len(chosen) == 10
    assert [c.score for c in chosen] == sorted((c.score for c in chosen), reverse=True)
    # A claim near both sentences is chosen once.
    twice = [crowd[0], Shortlisted(claim=1, text=crowd[0].text, similarity=0.5, sentence=1)]
    assert [c.claim for c in rerank(sentences, twice, k=10)] == [1]


def test_the_exact_shortlist_takes_each_sentences_nearest_above_the_floor() -> None:
    from factcheck.matching.candidates import (
        ASSESSED,
        ASSESSED_SHORT,
        MIN_SIMILARITY,
        SHORTLIST_PER_SENTENCE,
        assessed,
        shortlist_exact,
    )

    rng = np.random.default_rng(1)
    claims = rng.normal(size=(300, 384)).astype(np.float32)
    claims /= np.linalg.norm(claims, axis=1, keepdims=True)
    sentences = claims[[3, 250]] + 0.01
    sentences /= np.linalg.norm(sentences, axis=1, keepdims=True)
    found = shortlist_exact(sentences, [f"claim {i}" for i in range(300)], claims)
    assert {(f.claim, f.sentence) for f in found} >= {(3, 0), (250, 1)}
    assert all(f.similarity >= MIN_SIMILARITY for f in found)
    # Random vectors are far apart: the floor, not the per-sentence number, bounds the list.
    assert len(found) < 2 * SHORTLIST_PER_SENTENCE
    assert shortlist_exact(sentences[:0], [], claims[:0]) == []
    assert assessed(1) == ASSESSED_SHORT < assessed(40) == ASSESSED
