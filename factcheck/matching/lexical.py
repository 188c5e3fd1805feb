"""Words: tokens, light stemming, overlap, and the cue lexicons stance relies on."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d[\d,.]*")
STOPWORDS = frozenset(
    """a an the and or but if of to in on at by for with from as is are was were be been
    being it its this that these those there their they them he she his her we our you your
    i me my not no nor so than then too very can could may might will would shall should do
    does did done has have had having about after before over under into out up down off
    again further once here when where why how all any both each few more most other some
    such only own same just also said says say told according which who whom what while
    during until against between through""".split()
)

# Cues for the stance rules and the classifier's features, kept as data
# (data/cues.json). Multi-word cues are matched on the lower-cased text; single words on
# tokens.
CUES_PATH = Path(__file__).resolve().parent / "data" / "cues.json"
CUES: dict[str, tuple[str, ...]] = {
    name: tuple(words)
    for name, words in json.loads(CUES_PATH.read_text(encoding="utf-8")).items()
    if isinstance(words, list)
}
REFUTE = CUES["refute"]
HEDGE = CUES["hedge_feature"]
# Reporting without endorsing: a headline that passes a claim on ("report says", "sources").
REPORT = CUES["report"]
CONFIRM = CUES["confirm"]


def tokens(text: str) -> list[str]:
    return [t.lower().replace("’", "'") for t in _TOKEN.findall(text)]


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """A light stemmer: enough to match troop/troops, deploy/deployed/deploying."""
    for suffix in ("ingly", "edly", "ing", "ies", "ied", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            if suffix in ("ies", "ied"):
                base += "y"
            return base
    return word


@lru_cache(maxsize=50_000)
def content_stems(text: str) -> frozenset[str]:
    # Cached: a passage is compared with every candidate claim.
    return frozenset(stem(t) for t in tokens(text) if t not in STOPWORDS and len(t) > 1)


def overlap(a: str, b: str) -> float:
    """Share of `a`'s content words found in `b` (0 when `a` has none)."""
    left, right = content_stems(a), content_stems(b)
    return len(left & right) / len(left) if left else 0.0


def jaccard(a: str, b: str) -> float:
    left, right = content_stems(a), content_stems(b)
    union = left | right
    return len(left & right) / len(union) if union else 0.0


def distinctive_terms(texts: list[str]) -> list[dict[str, float]]:
    """For each text, its content stems weighted by how rare they are among `texts`
    (inverse document frequency): what sets one tracked claim apart from the others. A stem
    every text shares weighs little; one no other text has weighs most."""
    import math

    stems = [content_stems(t) for t in texts]
    df: dict[str, int] = {}
    for group in stems:
        for s in group:
            df[s] = df.get(s, 0) + 1
    n = len(texts)
    weights = []
    for text, group in zip(texts, stems, strict=True):
        detail = elaboration(text)
        weights.append(
            {
                s: math.log((n + 1) / df[s])
                * (ELABORATION_WEIGHT if s in detail or s in LIGHT_VERBS else 1.0)
                for s in group
            }
        )
    return weights


# A list a claim adds as detail ("training, including in artillery, drones and tactics")
# is not what the claim is about: a text that speaks of the training without the list
# speaks to the claim.
_ELABORATION = re.compile(r"\b(?:including|such as|among them|notably)\b([^;.]*)", re.IGNORECASE)
ELABORATION_WEIGHT = 0.3
# A verb that lends its clause to a noun ("has given training", "conducted a test") says
# little; the noun says what happened.
LIGHT_VERBS = frozenset(stem(word) for word in CUES["light_verbs"])


def elaboration(text: str) -> frozenset[str]:
    """Content stems found only in a claim's lists of detail, the list's word included."""
    detail: set[str] = set()
    rest = text
    for match in _ELABORATION.finditer(text):
        detail |= content_stems(match.group(0))
        rest = rest.replace(match.group(0), " ")
    return frozenset(detail - content_stems(rest))


def coverage(weights: dict[str, float], text: str) -> float:
    """Share of the weight of `weights` whose stems occur in `text`."""
    total = sum(weights.values())
    if not total:
        return 0.0
    present = content_stems(text)
    return sum(w for s, w in weights.items() if s in present) / total


_ENTITY = re.compile(r"\b[A-Z][\w’'-]*(?:[ \t]+[A-Z][\w’'-]*)*")
_NOT_ENTITIES = frozenset(
    """The A An In On At By For Of And But If It Its This That These Those He She They We
    Mr Mrs Ms Dr Asked Follow See Sign""".split()
)


def entities(text: str) -> set[str]:
    """Capitalised names in `text` (lower-cased, possessive dropped): 'Kursk', 'north korea'.
    A sentence's first word counts only when it is a name elsewhere too; good enough to tell
    claims about Kursk from claims about Khabarovsk."""
    found: set[str] = set()
    for match in _ENTITY.finditer(text):
        run: list[str] = []
        for token in match.group().split():
            possessive = token.endswith(("'s", "’s"))
            word = token.removesuffix("'s").removesuffix("’s")
            if word not in _NOT_ENTITIES:
                run.append(word)
            if possessive and run:  # "Russia's Kursk" is Russia, then Kursk
                found.add(" ".join(run).lower())
                run = []
        if run:
            found.add(" ".join(run).lower())
    return found


@dataclass(frozen=True)
class CueHit:
    cue: str
    start: int
    end: int


def find_cues(text: str, cues: tuple[str, ...]) -> list[CueHit]:
    """Every occurrence of any cue (whole words, case-insensitive), with offsets."""
    return list(_cues_in(text, cues))


@lru_cache(maxsize=50_000)
def _cues_in(text: str, cues: tuple[str, ...]) -> tuple[CueHit, ...]:
    # Cached: a passage is searched for the same cues once per candidate claim. A cue that
    # starts with a word is looked up by the word each run of word characters in the text
    # starts with (one pass over the text, whatever the number of cues); others by regex.
    lower = text.lower().replace("’", "'")
    by_word, others = _cue_table(cues)
    hits: list[tuple[int, int, CueHit]] = []
    if by_word:
        for run in _RUN.finditer(lower):
            for order, cue in by_word.get(run.group(), ()):
                start, end = run.start(), run.start() + len(cue)
                if lower.startswith(cue, start) and not _WORD_CHAR.match(lower, end):
                    hits.append((start, order, CueHit(cue, start, end)))
    for order, cue in others:
        for match in _cue_pattern(cue).finditer(lower):
            hits.append((match.start(), order, CueHit(cue, match.start(), match.end())))
    hits.sort(key=lambda hit: (hit[0], hit[1]))
    return tuple(hit for _, _, hit in hits)


_RUN = re.compile(r"(?<![\w'-])[\w'-]+")
_WORD_CHAR = re.compile(r"[\w'-]")
_CUE_WORDS = re.compile(r"[a-z0-9][\w'-]*(?: [\w'-]+)*")


@lru_cache(maxsize=256)
def _cue_table(
    cues: tuple[str, ...],
) -> tuple[dict[str, list[tuple[int, str]]], list[tuple[int, str]]]:
    """The cues made of words, by their first word; and the rest (punctuation, spaces at
    either end), each with its place in `cues`."""
    by_word: dict[str, list[tuple[int, str]]] = {}
    others: list[tuple[int, str]] = []
    for order, cue in enumerate(cues):
        if _CUE_WORDS.fullmatch(cue):
            by_word.setdefault(cue.split(" ")[0], []).append((order, cue))
        else:
            others.append((order, cue))
    return by_word, others


@lru_cache(maxsize=5_000)
def _cue_pattern(cue: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w'-]){re.escape(cue)}(?![\w'-])")
