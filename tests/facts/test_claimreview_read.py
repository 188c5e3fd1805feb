"""Reading schema.org ClaimReview JSON-LD for import (no database)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from factcheck.facts.claimreview import (
    NotClaimReview,
    reviews_in,
    reviews_in_html,
    reviews_in_text,
)

REVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://www.Fact-Checker.example/checks/eiffel-tower/?utm_source=feed",
    "datePublished": "2026-03-02",
    "author": {
        "@type": "Organization",
        "name": "Example Checks",
        "url": "https://fact-checker.example",
    },
    "claimReviewed": "  The Eiffel Tower   will be dismantled in 2027. ",
    "reviewRating": {
        "@type": "Rating",
        "ratingValue": "1",
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "Pants on Fire",
    },
    "itemReviewed": {
        "@type": "Claim",
        "author": {"@type": "Person", "name": "Jane Poster"},
        "datePublished": "2026-02-27T10:00:00Z",
        "appearance": [
            {"@type": "CreativeWork", "url": "https://social.example/p/1"},
            "https://social.example/p/2",
            {"@type": "CreativeWork", "url": "javascript:alert(1)"},
        ],
        "firstAppearance": {"@type": "CreativeWork", "url": "https://social.example/p/0"},
    },
    "inLanguage": "en",
}


def review(**changes: object) -> dict[str, object]:
    return {**json.loads(json.dumps(REVIEW)), **changes}


def test_a_claimreview_is_read_with_its_publisher_rating_claimant_and_appearances() -> None:
    items, skipped = reviews_in(REVIEW)
    assert skipped == []
    (item,) = items
    assert item.claim_text == "The Eiffel Tower will be dismantled in 2027."
    assert item.url == "https://www.fact-checker.example/checks/eiffel-tower"
    assert (item.publisher, item.publisher_url) == (
        "Example Checks",
        "https://fact-checker.example/",
    )
    assert (item.rating_text, item.rating_value, item.best_rating, item.worst_rating) == (
        "Pants on Fire",
        1.0,
        5.0,
        1.0,
    )
    assert (item.published, item.claim_date) == (date(2026, 3, 2), date(2026, 2, 27))
    assert (item.claimant, item.claimant_is_person) == ("Jane Poster", True)
    # First appearance first; a javascript: address is no appearance.
    assert item.appearances == (
        "https://social.example/p/0",
        "https://social.example/p/1",
        "https://social.example/p/2",
    )
    assert item.language == "en"


def test_arrays_graphs_datafeeds_and_fact_check_tools_answers_are_all_read() -> None:
    feed = {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "dataFeedElement": [
            {"@type": "DataFeedItem", "item": [review(claimReviewed="Claim one.")]},
            {"@type": "DataFeedItem", "item": review(claimReviewed="Claim two.")},
            review(claimReviewed="Claim three."),
        ],
    }
    graph = {"@context": "https://schema.org", "@graph": [review(claimReviewed="Claim four.")]}
    tools = {
        "claims": [
            {
                "text": "Claim five.",
                "claimant": "A Senator",
                "claimDate": "2026-01-05T00:00:00Z",
                "claimReview": [
                    {
                        "publisher": {"name": "Checker A", "site": "a.example"},
                        "url": "https://a.example/five",
                        "reviewDate": "2026-01-07T00:00:00Z",
                        "textualRating": "False",
                        "languageCode": "en",
                    },
                    {"publisher": {"site": "b.example"}, "textualRating": "Misleading"},
                ],
            }
        ]
    }
    items, skipped = reviews_in([feed, graph, tools])
    assert skipped == []
    assert [i.claim_text for i in items] == [
        "Claim one.",
        "Claim two.",
        "Claim three.",
        "Claim four.",
        "Claim five.",
        "Claim five.",
    ]
    five_a, five_b = items[4:]
    assert (five_a.publisher, five_a.rating_text, five_a.claimant) == (
        "Checker A",
        "False",
        "A Senator",
    )
    assert (five_a.published, five_a.claim_date) == (date(2026, 1, 7), date(2026, 1, 5))
    assert (five_b.publisher, five_b.publisher_url, five_b.url) == (
        "b.example",
        "https://b.example/",
        "",
    )
    assert items[0].where == "$[0].dataFeedElement[0].item[0]"


def test_what_cannot_be_imported_is_listed_with_the_reason() -> None:
    no_rating = review(claimReviewed="No rating here.")
    del no_rating["reviewRating"]
    items, skipped = reviews_in(
        [
            review(claimReviewed="   "),
            no_rating,
            review(claimReviewed="Bad address.", url="javascript:alert(1)"),
            review(claimReviewed="x" * 5001),
            {"@type": "NewsArticle", "headline": "Not a review"},
            42,
            review(claimReviewed="Kept."),
        ]
    )
    assert [i.claim_text for i in items] == ["Kept."]
    assert [(s.where, s.reason) for s in skipped] == [
        ("$[0]", "no claimReviewed: the claim's text is missing"),
        ("$[1]", "no reviewRating: neither an alternateName nor a ratingValue"),
        ("$[2]", "url is not an http(s) address"),
        ("$[3]", "claimReviewed is longer than 5000 characters"),
        ("$[4]", "not a ClaimReview (@type NewsArticle)"),
        ("$[5]", "not an object (int)"),
    ]


def test_the_same_review_has_the_same_key_and_another_claim_on_its_page_another() -> None:
    (a,), _ = reviews_in(review())
    (b,), _ = reviews_in(review(url="https://www.fact-checker.example/checks/eiffel-tower/"))
    (c,), _ = reviews_in(review(claimReviewed="Another claim on the same page."))
    (d,), _ = reviews_in(review(url=None))
    (e,), _ = reviews_in(review(url=None, author={"name": "Other Checks"}))
    assert a.key == b.key
    assert len({a.key, c.key, d.key, e.key}) == 4


def test_an_html_page_gives_the_claimreviews_of_its_json_ld_blocks() -> None:
    nul = json.dumps(review(claimReviewed="Bad\u0000text"))
    article = json.dumps({"@type": "NewsArticle", "headline": "h"})
    page = f"""<!doctype html><html><head>
      <script type="application/ld+json">{article}</script>
      <script type="application/ld+json">{json.dumps(REVIEW)}</script>
      <script type="application/ld+json">{{ not json </script>
      <script type="application/ld+json">{nul}</script>
    </head><body><p>Our check.</p></body></html>"""
    items, skipped = reviews_in_html(page)
    assert [i.claim_text for i in items] == ["The Eiffel Tower will be dismantled in 2027."]
    reasons = [(s.where, s.reason.split(" (")[0]) for s in skipped]
    assert reasons == [
        ("script 1 $", "not a ClaimReview"),
        ("script 3", "not valid JSON"),
        ("script 4 $", "contains a NUL character"),
    ]
    with pytest.raises(NotClaimReview, match="no <script"):
        reviews_in_html("<html><body>No structured data.</body></html>")


def test_files_may_be_json_json_lines_or_html() -> None:
    lines = "\n".join(json.dumps(review(claimReviewed=f"Line claim {n}.")) for n in range(3))
    items, skipped = reviews_in_text(lines + "\n{broken\n", where="f.jsonl ")
    assert [i.claim_text for i in items] == [f"Line claim {n}." for n in range(3)]
    assert [s.where for s in skipped] == ["f.jsonl line 4"]
    assert len(reviews_in_text(json.dumps([REVIEW]))[0]) == 1
    assert (
        len(
            reviews_in_text(
                "\ufeff<html><script type='application/ld+json'>"
                + json.dumps(REVIEW)
                + "</script></html>"
            )[0]
        )
        == 1
    )
    with pytest.raises(NotClaimReview):
        reviews_in_text("just some words")
