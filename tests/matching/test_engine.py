"""The engine's one entry point: a text read against candidate claims, each reading filed
under whoever says it, with speakers as the index's keys."""

from __future__ import annotations

from datetime import date

from factcheck.matching import embeddings, engine
from factcheck.matching.attribution import KnownSpeaker, SpeakerIndex
from factcheck.matching.passages import split_sentences
from factcheck.matching.stance import ClaimSpec

INDEX = SpeakerIndex(
    [
        KnownSpeaker("kp", "North Korea government", ("Pyongyang", "North Korea"), "organization"),
        KnownSpeaker("kr", "South Korea government", ("Seoul", "South Korea"), "organization"),
    ]
)
TEXT = (
    "South Korea's spy agency said on Friday that North Korea has sent about 10,000 troops "
    "to Russia. North Korea's foreign ministry denied sending troops to Russia, calling the "
    "reports groundless."
)
TROOPS = "North Korea has sent about 10,000 troops to Russia."
RATES = "The central bank raised interest rates by half a point."


def _read(claims: list[str], text: str = TEXT) -> list[engine.Reading]:
    sentences = split_sentences(text)
    vectors = embeddings.encode([s.text for s in sentences])
    claim_vectors = embeddings.encode(claims)
    return engine.read(
        text,
        [
            engine.Candidate(ClaimSpec(text=c, as_of=date(2024, 10, 18), key=str(i)), v)
            for i, (c, v) in enumerate(zip(claims, claim_vectors, strict=True))
        ],
        sentences=sentences,
        sentence_vectors=vectors,
        published=date(2024, 10, 18),
        speakers=INDEX,
    )


def test_each_speaker_gets_their_own_reading_under_their_key() -> None:
    found = {(r.claim_key, r.speaker_key): r.result.stance for r in _read([TROOPS])}
    assert found == {("0", "kr"): "supports", ("0", "kp"): "contradicts"}


def test_a_claim_the_text_does_not_speak_to_gives_nothing() -> None:
    found = _read([RATES, TROOPS])
    assert {r.claim_key for r in found} == {"1"}


def test_no_text_or_no_candidates_gives_nothing() -> None:
    assert _read([]) == []
    assert (
        engine.read(
            "",
            [],
            sentences=[],
            sentence_vectors=embeddings.encode([]),
            published=None,
            speakers=INDEX,
        )
        == []
    )
