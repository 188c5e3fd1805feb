"""Sentences and short passages with exact character offsets into the original text.

Quotes shown to users are `text[start:end]` of the source, so every span here is checked to
be an exact substring; nothing is normalised in place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words after which a full stop does not end a sentence (titles, initials, months).
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof gen lt col maj sgt capt cmdr adm brig rep sen gov pres st jr sr
    no nos vs etc inc co corp ltd dept est fig approx jan feb mar apr jun jul aug sep sept
    oct nov dec u.s u.k u.n e.g i.e a.m p.m""".split()
)
_END = re.compile(r"[.!?]+[\"'”’)\]]*")
_PARAGRAPH = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Passage:
    """One sentence, or a window of consecutive sentences of one paragraph."""

    index: int
    start: int
    end: int
    text: str
    sentences: tuple[int, ...]
    paragraph: int


def _trimmed(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end, text[start:end]) if end > start else None


def _ends_sentence(text: str, match: re.Match[str]) -> bool:
    after = text[match.end() : match.end() + 3]
    if after[:1] and not after[:1].isspace():
        return False  # "U.S.-led", "3.5", "example.com"
    rest = after.lstrip()
    if rest and not (rest[0].isupper() or rest[0].isdigit() or rest[0] in "\"'“‘([—-"):
        return False  # the next word starts lower case: still the same sentence
    if match.group().startswith("."):
        word = re.search(r"([\w.]+)$", text[: match.start()])
        if word:
            token = word.group(1).lower().rstrip(".")
            if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
                return False  # "Maj. Gen.", "Oct. 8", "J. Smith"
    return True


MAX_SENTENCE_CHARS = 2_000  # a longer run without a full stop is cut, at a space if any


def split_sentences(text: str) -> list[Span]:
    """Sentences in order; paragraph breaks and single lines that look like headings end one.
    No sentence is longer than MAX_SENTENCE_CHARS: a run without full stops (a list, a
    table, a million characters of one token) is cut, so reading one costs a bounded time."""
    return [piece for span in _sentences(text) for piece in _bounded(text, span)]


def _bounded(text: str, span: Span) -> list[Span]:
    if len(span.text) <= MAX_SENTENCE_CHARS:
        return [span]
    pieces, start = [], span.start
    while span.end - start > MAX_SENTENCE_CHARS:
        limit = start + MAX_SENTENCE_CHARS
        cut = text.rfind(" ", start + MAX_SENTENCE_CHARS // 2, limit)
        cut = cut if cut > start else limit
        piece = _trimmed(text, start, cut)
        if piece:
            pieces.append(piece)
        start = cut
    piece = _trimmed(text, start, span.end)
    if piece:
        pieces.append(piece)
    return pieces


def _sentences(text: str) -> list[Span]:
    spans: list[Span] = []
    for para in _paragraph_spans(text):
        start = para.start
        for line_match in re.finditer(r"[^\n]+", text[para.start : para.end]):
            line_start = para.start + line_match.start()
            line_end = para.start + line_match.end()
            line = text[line_start:line_end].strip()
            # A line without a full stop at its end that is followed by more text is a
            # heading or a caption: a sentence of its own.
            following = text[line_end : para.end].lstrip()
            if (
                line_end < para.end
                and line
                and line[-1] not in ".!?\"'”’:,;"
                and following[:1]
                and not following[0].islower()
            ):
                for span in _split_run(text, start, line_end):
                    spans.append(span)
                start = line_end
        spans.extend(_split_run(text, start, para.end))
    return spans


def _split_run(text: str, start: int, end: int) -> list[Span]:
    spans = []
    cursor = start
    for match in _END.finditer(text, start, end):
        if _ends_sentence(text, match):
            span = _trimmed(text, cursor, match.end())
            if span:
                spans.append(span)
            cursor = match.end()
    span = _trimmed(text, cursor, end)
    if span:
        spans.append(span)
    return spans


def _paragraph_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    cursor = 0
    for match in _PARAGRAPH.finditer(text):
        span = _trimmed(text, cursor, match.start())
        if span:
            spans.append(span)
        cursor = match.end()
    span = _trimmed(text, cursor, len(text))
    if span:
        spans.append(span)
    # A page break inside a sentence ("corroborate some\n\nnews reports"): the first part
    # ends without punctuation and the next starts in lower case. Join them.
    merged: list[Span] = []
    for span in spans:
        if merged and merged[-1].text[-1] not in ".!?\"'”’:" and span.text[0].islower():
            start = merged[-1].start
            merged[-1] = Span(start, span.end, text[start : span.end])
        else:
            merged.append(span)
    return merged


def split_passages(text: str, *, window: int = 2) -> list[Passage]:
    """Every sentence, then every run of up to `window` consecutive sentences within one
    paragraph: a claim and its attribution are often split over two sentences."""
    paragraphs = _paragraph_spans(text)
    sentences = split_sentences(text)

    def paragraph_of(span: Span) -> int:
        for i, para in enumerate(paragraphs):
            if para.start <= span.start < para.end:
                return i
        return len(paragraphs) - 1

    para_index = [paragraph_of(s) for s in sentences]
    passages: list[Passage] = []
    for i, sentence in enumerate(sentences):
        passages.append(
            Passage(len(passages), sentence.start, sentence.end, sentence.text, (i,), para_index[i])
        )
    for size in range(2, window + 1):
        for i in range(len(sentences) - size + 1):
            group = range(i, i + size)
            if len({para_index[j] for j in group}) != 1:
                continue
            start, end = sentences[i].start, sentences[i + size - 1].end
            passages.append(
                Passage(len(passages), start, end, text[start:end], tuple(group), para_index[i])
            )
    return passages
