from __future__ import annotations

from pathlib import Path

import pytest

from factcheck.matching.passages import split_passages, split_sentences

SEED = (Path(__file__).resolve().parents[2] / "seeds" / "000_40f7a8c0a409f1f5.txt").read_text()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two! Three?", ["One.", "Two!", "Three?"]),
        ("Maj. Gen. Pat Ryder spoke. He left.", ["Maj. Gen. Pat Ryder spoke.", "He left."]),
        ("The U.S. believes it. Others do not.", ["The U.S. believes it.", "Others do not."]),
        ("It costs 3.5 million. Yes.", ["It costs 3.5 million.", "Yes."]),
        (
            'He said: "If they go in, yes." A reporter asked.',
            ['He said: "If they go in, yes."', "A reporter asked."],
        ),
        ("Released on Oct. 18 by the NIS. Done.", ["Released on Oct. 18 by the NIS.", "Done."]),
        ("A heading\nThe body starts here.", ["A heading", "The body starts here."]),
        ("First paragraph\n\nSecond paragraph.", ["First paragraph", "Second paragraph."]),
        ("broken over\n\na page break.", ["broken over\n\na page break."]),
    ],
)
def test_it_splits_sentences(text: str, expected: list[str]) -> None:
    assert [s.text for s in split_sentences(text)] == expected


def test_every_sentence_of_the_seed_is_an_exact_substring() -> None:
    sentences = split_sentences(SEED)
    assert len(sentences) > 15
    for span in sentences:
        assert SEED[span.start : span.end] == span.text
    assert any(
        s.text.startswith("Major-General Pat Ryder") and s.text.endswith("already in Ukraine.")
        for s in sentences
    )


def test_passages_are_sentences_then_windows_within_a_paragraph() -> None:
    text = "Troops arrived. Officials said so.\n\nA new paragraph."
    passages = split_passages(text)
    assert [p.text for p in passages] == [
        "Troops arrived.",
        "Officials said so.",
        "A new paragraph.",
        "Troops arrived. Officials said so.",
    ]
    for p in passages:
        assert text[p.start : p.end] == p.text
    assert passages[3].sentences == (0, 1)


def test_no_sentence_is_longer_than_the_bound_and_none_is_lost() -> None:
    from factcheck.matching.passages import MAX_SENTENCE_CHARS

    one_token = "x" * 1_000_000
    pieces = split_sentences(one_token)
    assert all(len(p.text) <= MAX_SENTENCE_CHARS for p in pieces)
    assert "".join(p.text for p in pieces) == one_token
    words = " ".join(["troops"] * 2_000)  # 13,999 characters, no full stop
    pieces = split_sentences(words)
    assert all(
        len(p.text) <= MAX_SENTENCE_CHARS and words[p.start : p.end] == p.text for p in pieces
    )
    assert not any(p.text.startswith("roops") for p in pieces)  # cut at spaces
    assert split_sentences("Short. Also short.")[1].text == "Also short."
