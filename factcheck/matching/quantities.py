"""Figures in text: find them, normalise them, compare two of them.

"10,000 troops", "10k soldiers", "ten thousand personnel", "about 11,000-12,000",
"between 11,000 and 12,000", "at least 3,000", "several thousand", "a small number".
Dates, years, ages, times and numbers inside names ("F-16", "Resolution 2231") are not
figures. Every figure keeps its character offsets and the noun it counts, normalised
(troops / soldiers / personnel / forces / servicemen all count "troops").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

# --- the nouns figures count -------------------------------------------------------------

_UNIT_SYNONYMS: dict[str, tuple[str, ...]] = {
    "troops": (
        "troops",
        "troop",
        "soldiers",
        "soldier",
        "personnel",
        "forces",
        "servicemen",
        "serviceman",
        "servicemembers",
        "service members",
        "fighters",
        "combatants",
        "men",
        "infantry",
        "special forces",
        "mercenaries",
        "recruits",
        "conscripts",
    ),
    "casualties": (
        "casualties",
        "killed or wounded",
        "killed and wounded",
        "dead or wounded",
        "dead and wounded",
        "losses",
    ),
    "killed": ("killed", "dead", "deaths", "fatalities", "bodies"),
    "wounded": ("wounded", "injured"),
    "captured": ("captured", "prisoners", "prisoners of war", "pows"),
    "people": (
        "people",
        "persons",
        "civilians",
        "residents",
        "refugees",
        "workers",
        "labourers",
        "laborers",
    ),
    "percent": ("percent", "per cent", "%"),
    "usd": ("dollars", "us dollars", "usd", "$"),
    "ships": ("ships", "vessels", "landing ships", "warships", "boats"),
    "missiles": ("missiles", "rockets", "ballistic missiles"),
    "shells": ("shells", "artillery shells", "rounds", "ammunition"),
    "vehicles": ("vehicles", "tanks", "armoured vehicles", "armored vehicles"),
    "drones": ("drones", "uavs"),
    "km": ("km", "kilometres", "kilometers", "kilometre", "kilometer"),
    "miles": ("miles", "mile"),
}
_UNIT_OF: dict[str, str] = {
    synonym: unit for unit, synonyms in _UNIT_SYNONYMS.items() for synonym in synonyms
}
# Words that may stand between a figure and its noun: "10,000 North Korean troops".
_FILLERS = frozenset(
    """north south korean korea's russian ukrainian american us u.s. chinese elite special
    more additional extra new further other young untested active regular combat ground
    military army navy of the their its his her some estimated additional reported so-called
    foreign troop highly trained well-trained armed""".split()
)


def normalise_unit(noun: str) -> str:
    """The canonical unit of a counted noun ("soldiers" -> "troops"); unknown nouns stay as
    they are, lower-cased and without a plural s."""
    noun = " ".join(noun.lower().split())
    if noun in _UNIT_OF:
        return _UNIT_OF[noun]
    if noun.endswith("s") and noun[:-1] in _UNIT_OF:
        return _UNIT_OF[noun[:-1]]
    return noun[:-1] if noun.endswith("s") and len(noun) > 3 else noun


# --- numbers ------------------------------------------------------------------------------

_SMALL = {
    "zero": 0,
    "one": 1,
    "a": 1,
    "an": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "dozen": 12,
}
_SUFFIX = {"k": 1_000, "m": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000, "b": 1_000_000_000}

_DIGITS = r"\d{1,3}(?:[,\u00a0\u202f ]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORD_NUMBER = (
    r"(?:(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
    r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|"
    r"seventy|eighty|ninety|a|an|half)(?:[- ](?:one|two|three|four|five|six|seven|eight|"
    r"nine))?(?:\s+(?:and\s+)?(?:hundred|thousand|million|billion|dozen|"
    r"one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|sixty|"
    r"seventy|eighty|ninety))*)"
)
_NUMBER = (
    rf"(?:\$\s?)?(?:(?:{_DIGITS})(?:\s?(?:k|K|bn|mn|m|b)\b|\s+(?:hundred|thousand|million|"
    rf"billion))?|{_WORD_NUMBER})(?:(?!\w)|(?=km\b))"
)


def parse_number(text: str) -> float | None:
    """'10,000' -> 10000, '1.5 million' -> 1500000, '10k' -> 10000, 'ten thousand' -> 10000,
    'two dozen' -> 24, 'half a million' -> 500000. None when it is not a number."""
    raw = text.strip().lower().lstrip("$").strip()
    if not raw:
        return None
    digits = re.fullmatch(
        r"([\d,\u00a0\u202f .]+?)\s*(k|bn|mn|m|b|hundred|thousand|million|"
        r"billion)?",
        raw,
    )
    if digits and re.search(r"\d", digits.group(1)):
        number = digits.group(1).replace(",", "").replace("\u00a0", "").replace("\u202f", "")
        number = number.replace(" ", "")
        if number.count(".") > 1:
            return None
        try:
            value = float(number)
        except ValueError:
            return None
        scale = digits.group(2)
        if scale:
            value *= _SUFFIX.get(scale) or _SCALES[scale]
        return value
    return _parse_words(raw)


def _parse_words(raw: str) -> float | None:
    words = [w for w in re.split(r"[\s-]+", raw) if w and w != "and"]
    if not words:
        return None
    if words[0] == "half" and len(words) >= 2:
        rest = _parse_words(" ".join(words[1:]))
        return rest / 2 if rest is not None else None
    total = 0.0
    current = 0.0
    seen = False
    for word in words:
        if word in _SMALL:
            current += _SMALL[word]
            seen = True
        elif word in _SCALES:
            scale = _SCALES[word]
            current = (current or 1) * scale
            if scale >= 1000:
                total += current
                current = 0
            seen = True
        else:
            return None
    if not seen:
        return None
    return total + current


# --- figures ------------------------------------------------------------------------------


class Bound(StrEnum):
    EXACT = "exact"
    APPROXIMATE = "approximate"
    RANGE = "range"
    AT_LEAST = "at_least"
    AT_MOST = "at_most"
    VAGUE = "vague"


@dataclass(frozen=True)
class Quantity:
    """A figure. `value` is the point figure if there is one; `low` / `high` bound it
    (None: open). `unit` is normalised; `noun` is the text it counted."""

    value: float | None
    low: float | None
    high: float | None
    unit: str
    bound: Bound
    text: str = ""
    start: int = 0
    end: int = 0
    noun: str = ""

    @property
    def approximate(self) -> bool:
        return self.bound in (Bound.APPROXIMATE, Bound.VAGUE)


_APPROX = (
    r"(?:about|around|roughly|some|approximately|an estimated|estimated|nearly|almost|"
    r"close to|more or less|circa|c\.|~)"
)
_AT_LEAST = (
    r"(?:at least|more than|over|in excess of|upwards of|no fewer than|no less than|"
    r"a minimum of|at minimum)"
)
_AT_MOST = (
    r"(?:up to|as many as|as much as|no more than|fewer than|less than|under|"
    r"at most|a maximum of)"
)

# Vague amounts as ranges: "several thousand" is 2,000 to 9,999.
_VAGUE: list[tuple[str, float, float | None]] = [
    (r"tens of thousands", 20_000, 99_999),
    (r"hundreds of thousands", 200_000, 999_999),
    (r"(?:several|a few|few) thousand", 2_000, 9_999),
    (r"(?:several|a few|few) hundred", 200, 999),
    (r"(?:several|a few|few) dozen", 24, 99),
    (r"thousands", 2_000, 99_999),
    (r"hundreds", 200, 999),
    (r"dozens", 24, 99),
    (r"(?:a small number|a handful|a few|several|a small group)", 1, None),
    (r"(?:a large number|large numbers|a significant number|many)", 100, None),
]

_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|"
    r"aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)

_NOUN_WINDOW = re.compile(r"\s*((?:[\w'’.%-]+\s*){1,6})")
_FIGURE = re.compile(
    rf"(?<![\w.$-])(?P<prefix>(?:{_APPROX}|{_AT_LEAST}|{_AT_MOST}|between|from)\s+)?"
    rf"(?P<first>{_NUMBER})"
    rf"(?:\s*(?:-|–|—|to|and)\s*(?P<second>{_NUMBER}))?"
    rf"(?P<percent>\s?%|\s+per\s?cent)?",
    re.IGNORECASE,
)
_VAGUE_RE = re.compile(
    r"(?<![\w-])(?P<vague>" + "|".join(p for p, _, _ in _VAGUE) + r")(?![\w-])", re.IGNORECASE
)


_STOP = frozenset(
    """and or to in on at by for per than of are were is was had have has be been being who
    whom which that those them more said says say from into with as the a an will would could
    may might also already still now then there here it they he she we you this these""".split()
)


def _noun_after(text: str, end: int) -> tuple[str, str, int]:
    """The counted noun after a figure: (unit, noun text, end offset), or ('', '', end).
    A known unit up to four words on wins ("10,000 North Korean troops"); otherwise the
    next word, unless it is a function word ("3,000 of them")."""
    match = _NOUN_WINDOW.match(text, end)
    if not match:
        return "", "", end
    words = re.findall(r"[\w'’.%-]+", match.group(1))
    for i, word in enumerate(words[:4]):
        for size in (3, 2, 1):
            phrase = " ".join(w.lower().strip(".") for w in words[i : i + size])
            if phrase in _UNIT_OF:
                noun = " ".join(words[i : i + size]).strip(".")
                noun_end = text.find(noun, end) + len(noun)
                return _UNIT_OF[phrase], noun, noun_end
        lower = word.lower().strip(".").replace("’", "'")
        if lower in _STOP and lower != "of":
            break
    first = words[0].strip(".") if words else ""
    if first.isalpha() and first.lower() not in _STOP and first.lower() not in _FILLERS:
        return normalise_unit(first), first, text.find(first, end) + len(first)
    return "", "", end


def _is_date_or_year(text: str, start: int, end: int, value: float, raw: str, unit: str) -> bool:
    before = text[max(0, start - 12) : start].lower()
    after = text[end : end + 12].lower()
    if re.search(rf"\b(?:{_MONTHS})\.?\s*$", before) or re.match(rf"\s*(?:{_MONTHS})\b", after):
        return True  # "Oct 16", "16 October"
    if re.match(r"\s*(?:st|nd|rd|th)\b", after) or re.match(r"(?:st|nd|rd|th)\b", after):
        return True  # "1st", "16th"
    compact = raw.replace(",", "")
    if (
        re.fullmatch(r"(?:1[89]|20|21)\d\d", compact)
        and unit not in _UNIT_SYNONYMS
        and unit not in _UNIT_OF
    ):
        return True  # a year: "in 2024", "Kim Jong Un's 2019 visit"
    if re.match(r"\s*(?:-|\s)?years?[- ]old\b|\s*-year\b", after) or re.search(
        r"\b(?:aged|age|ages)\s*$", before
    ):
        return True  # ages
    if re.match(r"[:/]\d", text[end : end + 2]) or re.search(r"\d[:/]$", text[:start]):
        return True  # times "9:30", dates "10/30"
    if re.search(r"[A-Za-z]-$", text[:start]) or re.match(r"-[A-Za-z]", text[end : end + 2]):
        return value < 1000 or not unit  # "F-16", "COVID-19", "Su-27"
    if re.search(
        r"\b(?:resolution|article|no\.|number|chapter|section|page|room|flight|"
        r"route|highway|paragraph|item|unit)\s*$",
        before,
    ):
        return True
    return _in_a_name(text, start, end, value)


def _in_a_name(text: str, start: int, end: int, value: float) -> bool:
    """A small number right after a name, inside the sentence, is part of the name: "iPhone 6
    Plus", "Windows 10", "Apollo 11", "Boeing 737". Not "Some 3,000 troops" (the sentence's
    first word) nor a count after a name's possessive ("Russia's 10,000")."""
    if value >= 1000:
        return False
    found = re.search(r"(?:^|(.)\s*)\b([A-Za-z]+) $", text[:start])
    if found is None:
        return False
    word, mark = found.group(2), found.group(1)
    camel = word[0].islower() and any(c.isupper() for c in word[1:])  # "iPhone"
    capitalised = word[0].isupper() and word.lower() not in _STOP and word.lower() not in _FILLERS
    if not (camel or capitalised):
        return False
    if camel:
        return True  # "iOS 8 deletes files", "iPhone 6 bends": a version, whatever follows
    opens_sentence = mark is None or mark in ".!?:;\"“‘'(–—-"
    if opens_sentence:
        return False
    following = re.match(r"\s+([A-Za-z]+)", text[end:])
    return following is None or following.group(1)[0].isupper() or following.group(1) in _STOP


def _bounds(
    prefix: str, first: float, second: float | None
) -> tuple[float | None, float | None, float | None, Bound]:
    prefix = prefix.strip().lower()
    if second is not None:
        low, high = min(first, second), max(first, second)
        return None, low, high, Bound.RANGE
    if prefix and re.fullmatch(_APPROX, prefix, re.IGNORECASE):
        if prefix in ("nearly", "almost", "close to"):
            return first, None, first, Bound.APPROXIMATE
        return first, None, None, Bound.APPROXIMATE
    if prefix and re.fullmatch(_AT_LEAST, prefix, re.IGNORECASE):
        return first, first, None, Bound.AT_LEAST
    if prefix and re.fullmatch(_AT_MOST, prefix, re.IGNORECASE):
        return first, None, first, Bound.AT_MOST
    return first, first, first, Bound.EXACT


def extract_quantities(text: str) -> list[Quantity]:
    """Every figure in `text`, in order, with offsets; dates, years and ages left out."""
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []
    position = 0
    while True:
        match = _FIGURE.search(text, position)
        if match is None:
            break
        position = match.end()
        first_raw = match.group("first")
        if first_raw.strip().lower() in ("a", "an", "half"):
            continue
        second_raw = match.group("second")
        connector = text[match.end("first") : match.start("second")] if second_raw else ""
        prefix = match.group("prefix") or ""
        if second_raw and "and" in connector.lower() and "between" not in prefix.lower():
            second_raw = None  # "3,000 and 4,000 more": two figures, not a range
            position = match.start("second")
        first = parse_number(first_raw)
        second = parse_number(second_raw) if second_raw else None
        if first is None:
            continue
        end = match.end("second") if second_raw else match.end("first")
        if match.group("percent"):
            unit, noun, noun_end = "percent", "%", match.end("percent")
            end = match.end("percent")
        else:
            unit, noun, noun_end = _noun_after(text, end)
        start = match.start("first")
        if _is_date_or_year(text, start, end, first, first_raw.strip(), unit):
            continue
        if first_raw.strip().startswith("$"):
            unit, noun = "usd", "$"
        value, low, high, bound = _bounds(prefix, first, second)
        if bound == Bound.RANGE and prefix.strip().lower() in (
            "about",
            "around",
            "roughly",
            "approximately",
        ):
            bound = Bound.RANGE  # "about 11,000-12,000": the range is the tolerance
        fig_start = match.start("prefix") if prefix else start
        span_end = max(end, noun_end)
        found.append(
            Quantity(
                value=value,
                low=low,
                high=high,
                unit=unit,
                bound=bound,
                text=text[fig_start:span_end],
                start=fig_start,
                end=span_end,
                noun=noun,
            )
        )
        taken.append((fig_start, span_end))
    for match in _VAGUE_RE.finditer(text):
        if any(a <= match.start() < b for a, b in taken):
            continue
        phrase = match.group("vague").lower()
        low, high = next((lo, hi) for pattern, lo, hi in _VAGUE if re.fullmatch(pattern, phrase))
        unit, noun, noun_end = _noun_after(text, match.end())
        if not unit and re.fullmatch(
            r"a small number|a handful|a few|several|a small group|"
            r"a large number|large numbers|a significant number|many",
            phrase,
        ):
            # "a few" alone is an amount of what? Without a counted noun it says nothing.
            if not re.match(
                r"\s+(?:of\s+)?(?:them|whom|those)", text[match.end() :]
            ) and not re.match(r"[\"'”’]?\s+(?:are|were|is|was|had|have)\b", text[match.end() :]):
                continue
        found.append(
            Quantity(
                value=None,
                low=low,
                high=high,
                unit=unit,
                bound=Bound.VAGUE,
                text=text[match.start() : max(match.end(), noun_end)],
                start=match.start(),
                end=max(match.end(), noun_end),
                noun=noun,
            )
        )
    return sorted(found, key=lambda q: q.start)


@lru_cache(maxsize=50_000)
def figures_in(text: str) -> tuple[Quantity, ...]:
    """`extract_quantities`, cached: one passage is read against every candidate claim."""
    return tuple(extract_quantities(text))


def claim_quantity(text: str) -> Quantity | None:
    """The figure a claim is about: its first figure that counts something."""
    figures = [q for q in extract_quantities(text) if q.unit]
    return figures[0] if figures else None


# --- comparing ----------------------------------------------------------------------------


class Agreement(StrEnum):
    AGREE = "agree"
    DIFFER = "differ"
    OVERLAP = "overlap"
    INCOMPARABLE = "incomparable"


APPROXIMATE_TOLERANCE = 0.10  # "about 10,000" covers (9,000, 11,000), ends excluded
EXACT_TOLERANCE = 0.01


def interval(q: Quantity) -> tuple[float, float, bool]:
    """(low, high, open_ends) of what a figure allows; ends of an approximate point are
    excluded (exactly 10% off is a different figure)."""
    if q.bound == Bound.APPROXIMATE and q.value is not None:
        low = (
            q.low
            if q.low is not None and q.low != q.value
            else q.value * (1 - APPROXIMATE_TOLERANCE)
        )
        high = q.high if q.high is not None else q.value * (1 + APPROXIMATE_TOLERANCE)
        return low, high, True
    if q.bound == Bound.EXACT and q.value is not None:
        return q.value * (1 - EXACT_TOLERANCE), q.value * (1 + EXACT_TOLERANCE), False
    low = q.low if q.low is not None else -math.inf
    high = q.high if q.high is not None else math.inf
    if q.bound == Bound.AT_MOST and q.low is None:
        low = 0.0
    return low, high, False


def compare(claimed: Quantity, reported: Quantity) -> Agreement:
    """Does the reported figure agree with the claimed one? Different units never compare."""
    if not claimed.unit or claimed.unit != reported.unit:
        return Agreement.INCOMPARABLE
    c_low, c_high, c_open = interval(claimed)

    def inside(x: float) -> bool:
        return (c_low < x < c_high) if c_open else (c_low <= x <= c_high)

    if reported.value is not None and reported.bound in (Bound.EXACT, Bound.APPROXIMATE):
        return Agreement.AGREE if inside(reported.value) else Agreement.DIFFER
    r_low, r_high, _ = interval(reported)
    if (inside(r_low) and inside(r_high)) or (c_low <= r_low and r_high <= c_high):
        return Agreement.AGREE
    if r_high < c_low or r_low > c_high or (c_open and (r_high <= c_low or r_low >= c_high)):
        return Agreement.DIFFER
    return Agreement.OVERLAP
