"""What a figure counts, and when a statement was made.

Two figures are compared only when they count the same thing: "10,000 troops in Russia" and
"8,000 troops in the Kursk region" are different quantities, not a disagreement. A figure's
scope is read from its clause (the stretch of the sentence between commas and joiners such as
"adding that"):

- place: the place it is located at, the most specific one named after "in", "to", "into"...
  ("in Russia's Kursk region" -> Kursk; "to Russia in total" -> Russia);
- kind: casualties, deaths, special forces, engineers... ("3,000 killed or wounded" is not a
  count of troops deployed, nor of deaths);
- nationality of what is counted ("600,000 Russian soldiers" is not a count of North Korean
  ones);
- a plan or forecast ("decided to send 12,000") or a rate ("1,000 a day") is not a count.

`statement_date` dates a sentence by its own time words ("last week", "on Monday", "eleven
days earlier"), falling back to the publication date.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from factcheck.matching.quantities import Quantity, parse_number

_CLAUSE_BREAK = re.compile(
    r",\s+|;\s*|:\s+|\s+(?:adding|saying|noting|while|whereas|but)\s+(?:that\s+)?|"
    r"\s+(?:said|says|told\s+\w+|added|believes?|estimated|estimates)\s+(?:that\s+)?|"
    r"\s+and\s+(?=that\b|they\b|it\b|he\b|she\b)",
)
NOT_NAMES = _NOT_PLACES = frozenset(
    """January February March April May June July August September October November December
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday The A An This That Oct Nov Dec
    Sept Sep Jan Feb Mar Apr Jun Jul Aug""".split()
)
_PLACE = re.compile(
    r"\b(?:in|to|into|inside|near|toward|towards|across|within)\s+(?:the\s+)?"
    r"(?P<head>(?:[A-Z][\w’'-]*[’']s\s+)*(?:[a-z]+ern\s+)?)"
    r"(?P<place>[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)"
)
_KILLED = re.compile(r"\b(?:killed|dead|died|deaths?|death\s+toll|fatalities)\b", re.I)
_WOUNDED = re.compile(r"\b(?:wounded|injured|injuries)\b", re.I)
_CASUALTIES = re.compile(r"\b(?:casualt\w*|losses)\b", re.I)
_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("special forces", re.compile(r"\b(?:special[- ]forces|commandos?|elite)\b", re.I)),
    ("engineers", re.compile(r"\bengineers?\b", re.I)),
    ("officers", re.compile(r"\b(?:officers?|generals?)\b", re.I)),
    ("workers", re.compile(r"\b(?:workers?|labou?rers?)\b", re.I)),
    ("captured", re.compile(r"\b(?:captured|prisoners?|surrendered)\b", re.I)),
)
_PLAN = re.compile(
    r"\b(?:decided|decides|plans?|planned|planning|intends?|intended|will|would|could\s+send|"
    r"expected|likely|prepar\w+|promised|pledged|agreed)\s+(?:to\s+)?"
    r"(?:send|deploy|dispatch|be\s+sent|be\s+deployed|go|join)\b",
    re.I,
)
_RATE = re.compile(
    r"\b(?:a|per|each|every)\s+(?:day|week|month)\b|\b(?:daily|weekly|monthly)\b|"
    r"\b(?:in|over|during)\s+(?:the\s+)?(?:past|last|previous)\s+"
    r"(?:day|week|month|24\s+hours|(?:\d+|[a-z]+)\s+(?:hours|days|weeks|months))\b|"
    r"\b(?:this|that|last)\s+week\s+alone\b",
    re.I,
)
# Whose soldiers, citizens or officials a figure counts (data/gazetteer.json); compound
# names first, so that "north korean" is not read as "korean".
DEMONYMS: tuple[str, ...] = tuple(
    json.loads((Path(__file__).resolve().parent / "data" / "gazetteer.json").read_text())[
        "demonyms"
    ]
)


@dataclass(frozen=True)
class Scope:
    places: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    nationality: str = ""
    plan: bool = False
    rate: bool = False

    def describe(self) -> str:
        parts = [*sorted(self.places), *sorted(self.kinds)]
        if self.nationality:
            parts.append(self.nationality)
        if self.plan:
            parts.append("plan")
        if self.rate:
            parts.append("rate")
        return ", ".join(parts) or "unqualified"


def _kinds(text: str) -> frozenset[str]:
    """What is counted: casualties (killed and wounded together) are neither deaths alone
    nor wounded alone; special forces, engineers... are not troops at large."""
    kinds = {kind for kind, pattern in _KINDS if pattern.search(text)}
    killed, wounded = bool(_KILLED.search(text)), bool(_WOUNDED.search(text))
    if _CASUALTIES.search(text) or (killed and wounded):
        kinds.add("casualties")
    elif killed:
        kinds.add("deaths")
    elif wounded:
        kinds.add("wounded")
    return frozenset(kinds)


def clause_around(text: str, start: int, end: int) -> str:
    """The clause of `text` holding the stretch start:end."""
    left, right = 0, len(text)
    for match in _CLAUSE_BREAK.finditer(text):
        if match.end() <= start:
            left = match.end()
        elif match.start() >= end:
            right = match.start()
            break
    return text[left:right]


def places_in(text: str) -> frozenset[str]:
    found = set()
    for match in _PLACE.finditer(text):
        words = [w for w in match.group("place").split() if w not in _NOT_PLACES]
        if words:
            found.add(words[0].lower())
    return frozenset(found)


_DEMONYM = re.compile(r"\b(?:" + "|".join(re.escape(d) for d in DEMONYMS) + r")\b")


def _nationality(text: str) -> str:
    """The first demonym of the gazetteer's order found in `text` (one regex pass)."""
    found = {m.group() for m in _DEMONYM.finditer(text.lower())}
    return next((d for d in DEMONYMS if d in found), "")


@lru_cache(maxsize=50_000)
def scope_of(sentence: str, figure: Quantity) -> Scope:
    """The scope of `figure` (offsets into `sentence`) read from its clause."""
    clause = clause_around(sentence, figure.start, figure.end)
    before = sentence[: figure.start]
    lead = clause[: max(0, clause.find(figure.text))] if figure.text in clause else clause
    return Scope(
        places=places_in(clause),
        kinds=_kinds(clause),
        nationality=_nationality(figure.text),
        plan=bool(_PLAN.search(lead) or _PLAN.search(before[-40:])),
        rate=bool(_RATE.search(clause)),
    )


def claim_scope(text: str, figure: Quantity | None) -> Scope:
    """The scope of a claim's figure: the whole claim is its clause."""
    return Scope(
        places=places_in(text),
        kinds=_kinds(text),
        nationality=_nationality(figure.text if figure is not None and figure.text else text),
        plan=bool(_PLAN.search(text)),
        rate=bool(_RATE.search(text)),
    )


def same_quantity(claimed: Scope, reported: Scope) -> tuple[bool, str]:
    """Whether a reported figure counts what the claim counts, and if not, why not. A side
    that names no place (or kind) is taken to mean the other's."""
    if reported.plan != claimed.plan:
        return False, "a plan or forecast, not a count"
    if reported.rate != claimed.rate:
        return False, "a rate, not a total" if reported.rate else "a total, not a rate"
    if claimed.kinds != reported.kinds:
        return False, f"counts {reported.describe()}, the claim {claimed.describe()}"
    if claimed.nationality and reported.nationality and claimed.nationality != reported.nationality:
        return False, f"counts {reported.nationality}, the claim {claimed.nationality}"
    if claimed.places and reported.places and claimed.places != reported.places:
        return False, (
            f"counts {', '.join(sorted(reported.places))}, "
            f"the claim {', '.join(sorted(claimed.places))}"
        )
    return True, ""


_PRESENCE = re.compile(
    r"\b(?:are|were|is|was|been|be|remain|remained)\s+(?:now\s+|already\s+|still\s+)?"
    r"(?:in|inside|deployed|stationed|present|based)\b|\bdeployed\s+(?:to|in)\b|"
    r"\barrived\s+in\b",
    re.I,
)


def claim_of_presence(text: str) -> frozenset[str]:
    """The places a claim says something is at ("troops were already in Russia's Kursk
    region" -> {kursk}); empty for claims of anything else (fighting, training, counts)."""
    return places_in(text) if _PRESENCE.search(text) else frozenset()


def says_present(text: str, places: frozenset[str]) -> bool:
    """Whether a clause of `text` says something is at exactly `places`."""
    if not places:
        return False
    bounds = [0, *(m.end() for m in _CLAUSE_BREAK.finditer(text)), len(text)]
    for left, right in itertools.pairwise(bounds):
        clause = text[left:right]
        if _PRESENCE.search(clause) and places_in(clause) == places:
            return True
    return False


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_AGO = re.compile(
    r"\b(?P<n>\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+"
    r"(?P<unit>days?|weeks?)\s+(?:earlier|ago|before)\b",
    re.I,
)
_RELATIVE: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"\byesterday\b", re.I), 1),
    (re.compile(r"\blast\s+week\b", re.I), 7),
    (re.compile(r"\bearlier\s+this\s+week\b", re.I), 2),
    (re.compile(r"\blast\s+month\b", re.I), 30),
)


def statement_date(sentence: str, published: date | None) -> tuple[date | None, str]:
    """When the sentence's statement was made: its own time words, counted back from the
    publication date, else the publication date. Returns the date and the words used."""
    if published is None:
        return None, ""
    ago = _AGO.search(sentence)
    if ago:
        raw = ago.group("n").lower()
        n = 1 if raw in ("a", "an") else parse_number(raw)
        if n is not None:
            days = int(n) * (7 if ago.group("unit").lower().startswith("week") else 1)
            return published - timedelta(days=days), ago.group()
    for pattern, days in _RELATIVE:
        found = pattern.search(sentence)
        if found:
            return published - timedelta(days=days), found.group()
    weekday = re.search(r"\bon\s+(" + "|".join(_WEEKDAYS) + r")\b", sentence, re.I)
    if weekday:
        back = (published.weekday() - _WEEKDAYS.index(weekday.group(1).lower())) % 7
        return published - timedelta(days=back), weekday.group()
    return published, ""
