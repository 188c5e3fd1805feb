"""schema.org ClaimReview (JSON-LD): written for a claim's published verdict, and read from
other publishers' fact-checks for import (`reviews_in`, `reviews_in_html`)."""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from factcheck.facts.models import Claim, Rating, SpeakerKind, Verdict
from factcheck.facts.normalize import normalise_url

# 5 = true ... 1 = false; `unproven` is off the scale and carries only its name.
RATING_VALUES = {
    Rating.TRUE: 5,
    Rating.MOSTLY_TRUE: 4,
    Rating.HALF_TRUE: 3,
    Rating.MOSTLY_FALSE: 2,
    Rating.FALSE: 1,
}


def claim_review_jsonld(*, claim: Claim, verdict: Verdict, url: str) -> dict[str, Any]:
    rating: dict[str, Any] = {
        "@type": "Rating",
        "alternateName": Rating(verdict.rating).label,
        "bestRating": 5,
        "worstRating": 1,
    }
    if verdict.rating in RATING_VALUES:
        rating["ratingValue"] = RATING_VALUES[Rating(verdict.rating)]
    item: dict[str, Any] = {"@type": "Claim"}
    if claim.speaker is not None:
        item["author"] = {
            "@type": "Person" if claim.speaker.kind == SpeakerKind.PERSON else "Organization",
            "name": claim.speaker.name,
        }
    if claim.as_of is not None:
        item["datePublished"] = claim.as_of.isoformat()
    if claim.first_source is not None and claim.first_source.url:
        item["appearance"] = {"@type": "CreativeWork", "url": claim.first_source.url}
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "datePublished": verdict.created_at.date().isoformat(),
        "author": {"@type": "Organization", "name": settings.FACTCHECK_ORGANIZATION_NAME},
        "claimReviewed": claim.text,
        "reviewRating": rating,
        "reviewBody": verdict.summary,
        "itemReviewed": item,
    }


# --- Reading ClaimReview JSON-LD (import) ---------------------------------------------------

MAX_CLAIM_CHARS = 5000  # as the claims API allows
MAX_APPEARANCES = 20
MAX_FIELD_CHARS = 500


@dataclass(frozen=True)
class ReviewItem:
    """One ClaimReview as read: the claim's text and the publisher's verdict on it."""

    where: str  # its place in the payload ("$[3]", "script 2 $.@graph[1]")
    claim_text: str
    url: str  # the review's page, normalised ('' when none)
    publisher: str
    publisher_url: str
    rating_text: str  # the publisher's own words ("Pants on Fire", "False")
    rating_value: float | None
    best_rating: float | None
    worst_rating: float | None
    published: date | None  # the review's date
    claim_date: date | None  # when the claim was made
    claimant: str
    claimant_is_person: bool
    appearances: tuple[str, ...]
    language: str
    raw: dict[str, Any] = field(compare=False, repr=False)

    @property
    def key(self) -> str:
        """What makes a review the same on a second import: its page and the claim's words
        (a round-up page reviews several claims under one URL), or, with no page, its
        publisher and the claim's words."""
        words = " ".join(self.claim_text.split()).casefold()
        origin = f"url:{self.url}" if self.url else f"publisher:{self.publisher.casefold()}"
        return hashlib.sha256(f"{origin}\n{words}".encode()).hexdigest()


@dataclass(frozen=True)
class Skipped:
    where: str
    reason: str


class NotClaimReview(ValueError):
    """The payload holds nothing that could be a ClaimReview (an empty page, a number)."""


def reviews_in(payload: Any, *, where: str = "$") -> tuple[list[ReviewItem], list[Skipped]]:
    """Every ClaimReview in parsed JSON-LD: a single object, an array, an `@graph`, a
    schema.org DataFeed (its `dataFeedElement`s, or the `item`s of DataFeedItems), or the
    Google Fact Check Tools API's `{"claims": [{"text", "claimReview": [...]}]}`. What is not
    a usable ClaimReview is listed with the reason."""
    found: list[ReviewItem] = []
    skipped: list[Skipped] = []
    stack: list[tuple[Any, str]] = [(payload, where)]
    while stack:
        value, at = stack.pop()
        if isinstance(value, list):
            stack.extend((v, f"{at}[{i}]") for i, v in reversed(list(enumerate(value))))
            continue
        if not isinstance(value, dict):
            skipped.append(Skipped(at, f"not an object ({type(value).__name__})"))
            continue
        types = _types(value)
        if "ClaimReview" in types:
            item = _review(value, at, skipped) if _storable(value, at, skipped) else None
            if item is not None:
                found.append(item)
        elif "@graph" in value:
            stack.append((value["@graph"], f"{at}.@graph"))
        elif "DataFeed" in types:
            stack.append((value.get("dataFeedElement", []), f"{at}.dataFeedElement"))
        elif "DataFeedItem" in types:
            stack.append((value.get("item", []), f"{at}.item"))
        elif isinstance(value.get("claims"), list) and not types:
            for i, claim in enumerate(value["claims"]):
                found.extend(_fact_check_tools(claim, f"{at}.claims[{i}]", skipped))
        else:
            kind = ", ".join(sorted(types)) or "none"
            skipped.append(Skipped(at, f"not a ClaimReview (@type {kind})"))
    return found, skipped


def reviews_in_text(text: str, *, where: str = "") -> tuple[list[ReviewItem], list[Skipped]]:
    """ClaimReviews in a file's text: an HTML page, JSON-LD, or JSON Lines (one JSON value
    per line). NotClaimReview when it is none of these."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("<"):
        return reviews_in_html(stripped)
    try:
        data = json.loads(stripped)
    except ValueError as whole:
        lines = [line for line in stripped.splitlines() if line.strip()]
        if len(lines) < 2:
            raise NotClaimReview(f"neither HTML nor JSON: {whole}") from whole
        found: list[ReviewItem] = []
        skipped: list[Skipped] = []
        for n, line in enumerate(lines, start=1):
            try:
                value = json.loads(line)
            except ValueError as exc:
                if n == 1:
                    raise NotClaimReview(f"neither HTML nor JSON: {whole}") from exc
                skipped.append(Skipped(f"{where}line {n}", f"not valid JSON ({exc})"))
                continue
            items, missed = reviews_in(value, where=f"{where}line {n} $")
            found += items
            skipped += missed
        return found, skipped
    return reviews_in(data, where=f"{where}$")


def reviews_in_html(html: str) -> tuple[list[ReviewItem], list[Skipped]]:
    """The ClaimReviews in a page's `<script type="application/ld+json">` blocks."""
    from lxml import html as lxml_html

    try:
        document = lxml_html.document_fromstring(html)
    except (ValueError, lxml_html.etree.ParserError) as exc:
        raise NotClaimReview(f"the page cannot be read as HTML: {exc}") from exc
    scripts = document.xpath('//script[@type="application/ld+json"]')
    if not scripts:
        raise NotClaimReview('the page has no <script type="application/ld+json"> block')
    found: list[ReviewItem] = []
    skipped: list[Skipped] = []
    for n, script in enumerate(scripts, start=1):
        try:
            data = json.loads(script.text_content() or "")
        except (ValueError, RecursionError) as exc:
            skipped.append(Skipped(f"script {n}", f"not valid JSON ({exc})"))
            continue
        items, missed = reviews_in(data, where=f"script {n} $")
        found += items
        skipped += missed
    return found, skipped


def _storable(value: Any, where: str, skipped: list[Skipped]) -> bool:
    """PostgreSQL stores no NUL character and no lone surrogate."""
    dumped = json.dumps(value, ensure_ascii=False)
    try:
        dumped.encode("utf-8")
    except UnicodeEncodeError:
        skipped.append(Skipped(where, "contains a lone surrogate (not valid Unicode)"))
        return False
    if "\\u0000" in dumped:
        skipped.append(Skipped(where, "contains a NUL character"))
        return False
    return True


def _types(value: dict[str, Any]) -> set[str]:
    raw = value.get("@type", [])
    names = raw if isinstance(raw, list) else [raw]
    # "http://schema.org/ClaimReview" and "schema:ClaimReview" are ClaimReview too
    return {str(n).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for n in names if n}


def _text(value: Any, limit: int = MAX_FIELD_CHARS) -> str:
    if isinstance(value, list):
        value = next((v for v in value if v), "")
    if isinstance(value, dict):
        value = value.get("name") or value.get("alternateName") or ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return ""
    return " ".join(str(value).split())[:limit]


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _date(value: Any) -> date | None:
    text = _text(value, 40)
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _web_url(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("url") or value.get("@id") or ""
    text = _text(value, 2000)
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    return normalise_url(text)


def _first(value: Any) -> dict[str, Any]:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, dict)), {})
    return value if isinstance(value, dict) else {}


def _appearances(claim: dict[str, Any]) -> tuple[str, ...]:
    urls: list[str] = []
    for key in ("firstAppearance", "appearance"):
        raw = claim.get(key, [])
        for entry in raw if isinstance(raw, list) else [raw]:
            url = _web_url(entry)
            if url and url not in urls:
                urls.append(url)
    return tuple(urls[:MAX_APPEARANCES])


def _claim_text(text: str, where: str, skipped: list[Skipped]) -> str | None:
    text = " ".join(text.split())
    if not text:
        skipped.append(Skipped(where, "no claimReviewed: the claim's text is missing"))
        return None
    if len(text) > MAX_CLAIM_CHARS:
        skipped.append(Skipped(where, f"claimReviewed is longer than {MAX_CLAIM_CHARS} characters"))
        return None
    return text


def _review(value: dict[str, Any], where: str, skipped: list[Skipped]) -> ReviewItem | None:
    claim = _first(value.get("itemReviewed"))
    raw_text = value.get("claimReviewed")
    text = _claim_text(
        raw_text if isinstance(raw_text, str) else _text(claim.get("name"), MAX_CLAIM_CHARS + 1),
        where,
        skipped,
    )
    if text is None:
        return None
    rating = _first(value.get("reviewRating"))
    rating_text = _text(rating.get("alternateName")) or _text(rating.get("name"))
    rating_value = _number(rating.get("ratingValue"))
    if not rating_text and rating_value is None:
        skipped.append(
            Skipped(where, "no reviewRating: neither an alternateName nor a ratingValue")
        )
        return None
    url = _web_url(value.get("url"))
    if value.get("url") and not url:
        skipped.append(Skipped(where, "url is not an http(s) address"))
        return None
    publisher = _first(value.get("author")) or _first(value.get("publisher"))
    claimant = _first(claim.get("author"))
    language = value.get("inLanguage") or claim.get("inLanguage") or ""
    return ReviewItem(
        where=where,
        claim_text=text,
        url=url,
        publisher=_text(publisher.get("name")) or _text(value.get("author")),
        publisher_url=_web_url(publisher.get("url")),
        rating_text=rating_text,
        rating_value=rating_value,
        best_rating=_number(rating.get("bestRating")),
        worst_rating=_number(rating.get("worstRating")),
        published=_date(value.get("datePublished")),
        claim_date=_date(claim.get("datePublished") or claim.get("dateCreated")),
        claimant=_text(claimant.get("name")) or _text(claim.get("author"), 200),
        claimant_is_person="Organization" not in _types(claimant),
        appearances=_appearances(claim),
        language=_text(language, 12),
        raw=value,
    )


def _fact_check_tools(claim: Any, where: str, skipped: list[Skipped]) -> list[ReviewItem]:
    """A claim of the Google Fact Check Tools API, one item per review of it."""
    if not isinstance(claim, dict):
        skipped.append(Skipped(where, f"not an object ({type(claim).__name__})"))
        return []
    if not _storable(claim, where, skipped):
        return []
    reviews = claim.get("claimReview")
    if not isinstance(reviews, list) or not reviews:
        skipped.append(Skipped(where, "no claimReview list"))
        return []
    raw_text = claim.get("text")
    text = _claim_text(raw_text if isinstance(raw_text, str) else "", where, skipped)
    if text is None:
        return []
    items = []
    for i, given in enumerate(reviews):
        at = f"{where}.claimReview[{i}]"
        review = given if isinstance(given, dict) else {}
        rating_text = _text(review.get("textualRating"))
        if not rating_text:
            skipped.append(Skipped(at, "no textualRating"))
            continue
        url = _web_url(review.get("url"))
        if review.get("url") and not url:
            skipped.append(Skipped(at, "url is not an http(s) address"))
            continue
        publisher = _first(review.get("publisher"))
        site = _text(publisher.get("site"), 200)
        items.append(
            ReviewItem(
                where=at,
                claim_text=text,
                url=url,
                publisher=_text(publisher.get("name")) or site,
                publisher_url=_web_url(f"https://{site}") if site else "",
                rating_text=rating_text,
                rating_value=None,
                best_rating=None,
                worst_rating=None,
                published=_date(review.get("reviewDate")),
                claim_date=_date(claim.get("claimDate")),
                claimant=_text(claim.get("claimant"), 200),
                claimant_is_person=True,
                appearances=(),
                language=_text(review.get("languageCode"), 12),
                raw={"claim": {k: v for k, v in claim.items() if k != "claimReview"}, **review},
            )
        )
    return items
