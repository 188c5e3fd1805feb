"""Who says it: attributions in a passage, resolved to known speakers where possible.

Forms read: "X said", "said X", "X told reporters", "according to X", "X's spokesman said",
"in a statement, X", anonymous "officials said" / "a US official said", and "he said" (the
last named speaker before it). X may carry an appositive: "Pat Ryder, a Pentagon spokesman,
said". A mention is resolved against the speakers the caller knows (names and aliases:
Pyongyang / DPRK / North Korea; Pentagon / US Department of Defense); an unknown person
named next to a known organisation ("Pentagon spokesman John Doe") is reported with that
organisation as a hint, so the caller can file the new speaker under it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class KnownSpeaker:
    key: str
    name: str
    aliases: tuple[str, ...] = ()
    kind: str = "person"  # or "organization"
    country: str = ""  # ISO code; organisations without a parent stand for their country


@dataclass(frozen=True)
class Attribution:
    start: int  # offsets of the mention within the text given
    end: int
    mention: str
    cue: str
    speaker: str | None  # key of the resolved speaker
    person_name: str = ""  # a named person the index does not know
    organization: str | None = None  # a known organisation named with that person
    anonymous: bool = False
    country: str = ""  # for anonymous officials: whose


_COUNTRIES = {
    "us": "US",
    "u.s.": "US",
    "american": "US",
    "united states": "US",
    "western": "",
    "south korean": "KR",
    "south korea's": "KR",
    "seoul": "KR",
    "north korean": "KP",
    "pyongyang": "KP",
    "ukrainian": "UA",
    "kyiv": "UA",
    "ukraine's": "UA",
    "russian": "RU",
    "kremlin": "RU",
    "moscow": "RU",
    "chinese": "CN",
    "japanese": "JP",
    "british": "GB",
    "french": "FR",
    "german": "DE",
    "nato": "",
    "european": "",
}
_COUNTRY_NAMES = {
    "us": "US",
    "u.s.": "US",
    "united states": "US",
    "south korea": "KR",
    "north korea": "KP",
    "ukraine": "UA",
    "russia": "RU",
    "china": "CN",
    "japan": "JP",
}
_TITLES = re.compile(
    r"^(?:(?:Mr|Mrs|Ms|Dr|Prof|Gen|Lt|Col|Maj|Sgt|Capt|Adm|Sen|Rep)\.?\s+|"
    r"(?:Major-General|Maj-Gen|Maj\.\s?Gen\.|Lieutenant-General|Lt-Gen|General|Admiral|"
    r"Colonel|President|Prime Minister|Defen[cs]e Minister|Foreign Minister|"
    r"(?:US\s+)?(?:Defen[cs]e|State|Deputy)\s+Secretary|Secretary(?:\s+of\s+\w+)?|"
    r"Ambassador|Minister|Spokesman|Spokeswoman|Spokesperson|Deputy|Chief|Director|"
    r"National Security Adviser|Press Secretary)\s+)+"
)
_CUES = (
    r"said|says|say|told(?:\s+reporters)?|tells|added|adds|stated|announced|claimed|"
    r"confirmed|denied|denies|warned|estimated|estimates|reported|noted|wrote|insisted|"
    r"acknowledged|explained|argued|alleged|believes|believe|assessed|assesses|"
    r"disclosed|revealed|briefed|replied|responded|dismissed|dismisses|rejected|rejects|"
    r"refused|declined|described|called|referred|maintained|maintains|accused"
)
# A name never runs over a line break or a full stop, except in initials and titles
# ("U.S.", "Maj. Gen."): "Ukraine.\n\nThe US believes" is two sentences, not one name.
_NAME_PART = (
    r"(?:(?:[A-Z]\.){2,}|(?:Mr|Mrs|Ms|Dr|Gen|Lt|Col|Maj|Sgt|Capt|Adm|Sen|Rep|St|Jr)\."
    r"|[A-Z][\w’'-]*|\([A-Z]{2,}\))"
)
_NAME = (
    rf"{_NAME_PART}(?:[ \t]+(?:of[ \t]+the[ \t]+|of[ \t]+|for[ \t]+|de[ \t]+|al-)?"
    rf"{_NAME_PART}){{0,7}}"
)
_APPOSITIVE = r"(?:,\s+(?:a|an|the|who\s+is)\s+[^,.;:]{2,80},)"
_ANON = (
    r"(?:(?:a|an|one|two|three|several|some|senior|other|western|intelligence|military|"
    r"defen[cs]e|government|unnamed|anonymous)\s+)*"
    r"(?P<nation>US|U\.S\.|American|South Korean|North Korean|Ukrainian|Russian|Chinese|"
    r"Japanese|British|French|German|Western|NATO|European)?\s*"
    r"(?:(?:intelligence|military|defen[cs]e|government|administration|senior|security|"
    r"diplomatic)\s+)*"
    r"(?i:officials?|sources?|diplomats?|officers?|analysts?|lawmakers?|spokesm[ae]n|"
    r"delegates?|delegation|representatives?|envoys?|ambassadors?)"
)

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "according to",
        re.compile(
            rf"\b[Aa]ccording\s+to\s+(?P<who>(?:the\s+|an?\s+)?(?:{_ANON}|{_NAME})"
            rf"(?:{_APPOSITIVE})?)"
        ),
    ),
    ("statement", re.compile(rf"\b[Ii]n\s+a\s+statement,\s+(?P<who>(?:the\s+)?{_NAME})")),
    (
        "inverted",
        re.compile(
            rf"\b(?P<cue>said|says|added|told\s+reporters|wrote)\s+(?P<who>(?!the\b|that\b)"
            rf"(?:{_NAME}){_APPOSITIVE}?)(?=\s*(?:[.;:]|,\s+(?:a|an|the|who)\b|$))"
        ),
    ),
    (
        "possessive",
        re.compile(
            rf"(?P<who>{_NAME})[’']s?\s+(?:spokes(?:man|woman|person)|press\s+secretary|"
            rf"(?:foreign|defen[cs]e)\s+ministry|ministry|office|mission|government|"
            rf"(?:military\s+)?intelligence(?:\s+(?:service|agency))?|spy\s+agency|military|"
            rf"army|president|leader)\b[^.;]{{0,60}}?\b"
            rf"(?P<cue>{_CUES})\b"
        ),
    ),
    (
        "subject",
        re.compile(
            rf"(?P<who>(?:(?<=\s)|^|(?<=[“\"(]))(?:[Tt]he\s+)?{_NAME}{_APPOSITIVE}?)"
            rf"\s+(?:(?:also|then|later|has|had|have|on\s+\w+)\s+)*(?P<cue>{_CUES})\b"
        ),
    ),
    (
        "anonymous",
        re.compile(
            rf"(?P<who>\b(?:[Tt]he\s+|[Aa]n?\s+)?{_ANON})(?:\s+(?:who|speaking)[^,.;]*,)?"
            rf"(?:\s+(?:at|to)\s+the\s+[A-Z][\w-]*(?:\s+[A-Z][\w-]*){{0,4}})?,?\s+"
            rf"(?:(?:have|has|had)\s+)?(?P<cue>{_CUES})\b"
        ),
    ),
    ("pronoun", re.compile(rf"\b(?P<who>[Hh]e|[Ss]he|[Tt]hey)\s+(?:also\s+)?(?P<cue>{_CUES})\b")),
]


@dataclass
class SpeakerIndex:
    """Known speakers by every lower-cased name and alias (and a person's surname)."""

    speakers: Sequence[KnownSpeaker]
    _by_alias: dict[str, KnownSpeaker] = field(init=False, default_factory=dict)
    _country_roots: dict[str, KnownSpeaker] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        surnames: dict[str, list[KnownSpeaker]] = {}
        for speaker in self.speakers:
            for written in (speaker.name, *speaker.aliases):
                alias = " ".join(written.split())
                if len(alias) >= 2:
                    self._by_alias.setdefault(alias.lower(), speaker)
            if speaker.kind == "person":
                parts = speaker.name.split()
                if len(parts) >= 2:
                    surnames.setdefault(parts[-1].lower(), []).append(speaker)
            if speaker.kind == "organization" and speaker.country:
                self._country_roots.setdefault(speaker.country, speaker)
        for surname, owners in surnames.items():
            if len(owners) == 1:  # an ambiguous surname resolves to nobody
                self._by_alias.setdefault(surname, owners[0])
        # Longest first, so "US Department of Defense" wins over "US".
        self._aliases = sorted(self._by_alias, key=len, reverse=True)
        self._pattern = (
            re.compile(
                r"(?<![\w-])(?:" + "|".join(re.escape(a) for a in self._aliases) + r")(?![\w-])",
                re.IGNORECASE,
            )
            if self._aliases
            else None
        )

    def find(self, mention: str) -> list[KnownSpeaker]:
        """Known speakers named in a mention, most specific (longest alias) first."""
        if self._pattern is None:
            return []
        hits = []
        for match in self._pattern.finditer(mention):
            alias = match.group().lower()
            written = match.group()
            # Short all-caps aliases (NIS, DPRK) must be written in capitals.
            if (
                len(alias) <= 4
                and self._by_alias[alias].name.lower() != alias
                and not written.isupper()
            ):
                continue
            hits.append((len(alias), self._by_alias[alias]))
        hits.sort(key=lambda h: -h[0])
        seen: set[str] = set()
        ordered = []
        for _, speaker in hits:
            if speaker.key not in seen:
                seen.add(speaker.key)
                ordered.append(speaker)
        return ordered

    def country_root(self, country: str) -> KnownSpeaker | None:
        return self._country_roots.get(country)


_BODIES = re.compile(
    r"\b(?:Nations|Council|Committee|Ministry|Agency|Service|Department|Office|Assembly|"
    r"Union|Government|Command|Forces|Army|Navy|Parliament|Embassy|Mission|Agency|News|"
    r"Times|Post|Press|Institute|Organi[sz]ation)\b"
)


def _person_name(mention: str) -> str:
    core = re.split(r",", mention, maxsplit=1)[0]
    core = re.sub(r"^(?:the|a|an)\s+", "", core.strip(), flags=re.I)
    core = _TITLES.sub("", core).strip()
    words = core.split()
    # A person's name is two to four capitalised words, not an acronym, a country or a body.
    if (
        2 <= len(words) <= 4
        and all(w[:1].isupper() and not w.isupper() for w in words)
        and not _BODIES.search(core)
        and core.lower() not in _COUNTRY_NAMES
    ):
        return core
    return ""


def _resolve(
    mention: str, index: SpeakerIndex, before: str = ""
) -> tuple[str | None, str, str | None]:
    """(speaker key, unknown person's name, known organisation hint). `before` is the text
    just ahead of the mention, where a title often names the organisation."""
    found = index.find(f"{before} {mention}")
    people = [s for s in found if s.kind == "person"]
    orgs = [s for s in found if s.kind != "person"]
    if people:
        return people[0].key, "", None
    name = _person_name(mention)
    if orgs:
        org = orgs[0]
        # "Pentagon spokesman John Doe": a new person under a known organisation.
        if name and not index.find(name):
            return org.key, name, org.key
        return org.key, "", None
    return None, name, None


def find_attributions(text: str, index: SpeakerIndex) -> list[Attribution]:
    """Attributions in order of appearance; overlapping readings keep the first pattern."""
    found: list[Attribution] = []
    taken: list[tuple[int, int]] = []
    for cue_kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start = match.start("who")
            mention = match.group("who").strip().rstrip(".,;:")
            end = start + len(mention)
            span = match.span()
            if not mention or any(a < span[1] and span[0] < b for a, b in taken):
                continue
            cue = match.groupdict().get("cue") or cue_kind
            if cue_kind == "pronoun":
                previous = [a for a in found if a.end <= start and not a.anonymous]
                if not previous:
                    continue
                last = max(previous, key=lambda a: a.end)
                found.append(
                    Attribution(
                        start, end, mention, cue, last.speaker, last.person_name, last.organization
                    )
                )
            elif cue_kind == "anonymous" or (
                cue_kind == "according to" and re.search(r"officials?|sources?|diplomats?", mention)
            ):
                nation = (match.groupdict().get("nation") or "").lower()
                country = _COUNTRIES.get(nation, "")
                root = index.country_root(country) if country else None
                named = index.find(mention)
                speaker = named[0].key if named else (root.key if root else None)
                found.append(
                    Attribution(start, end, mention, cue, speaker, anonymous=True, country=country)
                )
            else:
                if mention.lower() in {"it", "this", "that", "there", "the", "he", "she"}:
                    continue
                # "Pentagon spokesman John Doe said": the organisation stands just before.
                before = re.split(r"[.;:!?,“”\"]", text[max(0, start - 40) : start])[-1]
                speaker, person, org = _resolve(mention, index, before)
                if speaker is None and not person:
                    # "South Korea's spy agency said": a country stands for its government.
                    country = _COUNTRY_NAMES.get(mention.lower().removeprefix("the "), "")
                    root = index.country_root(country) if country else None
                    speaker = root.key if root else None
                if speaker is None and not person:
                    continue  # "The war said" is not an attribution
                found.append(Attribution(start, end, mention, cue, speaker, person, org))
            taken.append(span)
    return sorted(found, key=lambda a: a.start)


def speaker_for_span(
    attributions: Sequence[Attribution], start: int, end: int, *, reach: int = 300
) -> Attribution | None:
    """Who says the passage `start:end`: the first attribution inside it, else the nearest
    one ending before it within `reach` characters (the speaker of the previous sentence
    often carries on), else the first right after it ("..., officials said")."""
    inside = [a for a in attributions if start <= a.start < end]
    if inside:
        return inside[0]
    before = [a for a in attributions if a.end <= start and start - a.end <= reach]
    if before:
        return max(before, key=lambda a: a.end)
    after = [a for a in attributions if end <= a.start < end + 40]
    return after[0] if after else None
