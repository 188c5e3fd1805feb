"""The public fact-check page and the ClaimReview feed: no login, valid ClaimReview."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from factcheck.facts.services.verdicts import verdict_create
from tests import factories as f

pytestmark = pytest.mark.django_db

# What Google's fact-check documentation asks of a ClaimReview: required, then recommended.
REQUIRED = ("@context", "@type", "claimReviewed", "reviewRating", "url")
RECOMMENDED = ("author", "datePublished", "itemReviewed")


def jsonld_of(html: str) -> dict[str, Any]:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(found) == 1, "one JSON-LD block"
    data: dict[str, Any] = json.loads(found[0])
    return data


def assert_valid_claim_review(review: dict[str, Any], url: str) -> None:
    for name in (*REQUIRED, *RECOMMENDED):
        assert name in review, name
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    assert review["url"] == url
    rating = review["reviewRating"]
    assert rating["@type"] == "Rating" and rating["alternateName"]
    if "ratingValue" in rating:
        assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    assert review["author"]["@type"] == "Organization" and review["author"]["name"]
    date.fromisoformat(review["datePublished"])
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"]["@type"] in ("Person", "Organization") and item["author"]["name"]
    date.fromisoformat(item["datePublished"])
    assert item["appearance"]["@type"] == "CreativeWork" and item["appearance"]["url"]


@pytest.fixture
def published(fact_checker: User) -> dict[str, Any]:
    claim = f.claim(
        'Pyongyang has sent 10,000 troops </script><script>alert("x")</script>',
        speaker=f.speaker("Pat Ryder"),
        as_of="2024-10-28",
        first_source=f.source(url="https://news.example.org/ryder"),
    )
    nato = f.org("NATO")
    f.evidence(claim, f.source(title="NATO confirms"), "supports", nato)
    verdict = verdict_create(
        claim=claim, rating="mostly_true", summary="Close.", author=fact_checker, published=True
    )
    return {"claim": claim, "verdict": verdict, "nato": nato}


def test_a_published_verdict_has_a_public_page_with_its_claim_review(
    published: dict[str, Any],
) -> None:
    verdict = published["verdict"]
    page = Client().get(f"/fact-checks/{verdict.pk}/")  # nobody signed in
    assert page.status_code == 200
    html = page.content.decode()
    assert "Mostly True" in html and "Close." in html and "NATO" in html
    assert "<script>alert" not in html  # the claim's text is escaped, in the page and the JSON
    review = jsonld_of(html)
    assert_valid_claim_review(review, f"http://testserver/fact-checks/{verdict.pk}/")
    assert review["claimReviewed"] == published["claim"].text
    assert review["reviewRating"]["ratingValue"] == 4


def test_drafts_and_unknown_numbers_have_no_page(
    published: dict[str, Any], fact_checker: User
) -> None:
    draft = verdict_create(
        claim=published["claim"], rating="false", summary="Draft.", author=fact_checker
    )
    assert Client().get(f"/fact-checks/{draft.pk}/").status_code == 404
    assert Client().get("/fact-checks/999999/").status_code == 404


def test_a_superseded_fact_check_points_to_the_newer_one(
    published: dict[str, Any], fact_checker: User
) -> None:
    newer = verdict_create(
        claim=published["claim"],
        rating="true",
        summary="Now confirmed.",
        author=fact_checker,
        published=True,
    )
    old_page = Client().get(f"/fact-checks/{published['verdict'].pk}/").content.decode()
    assert f'href="/fact-checks/{newer.pk}/"' in old_page
    new_page = Client().get(f"/fact-checks/{newer.pk}/").content.decode()
    assert "A newer fact-check" not in new_page


def test_the_api_and_the_feed_point_at_the_pages(
    published: dict[str, Any], reader_client: APIClient, fact_checker: User
) -> None:
    verdict = published["verdict"]
    url = f"http://testserver/fact-checks/{verdict.pk}/"
    review = reader_client.get(f"/api/v1/claims/{published['claim'].pk}/claimreview/").json()
    assert_valid_claim_review(review, url)
    other = f.claim(
        "Another claim",
        speaker=published["nato"],
        as_of="2024-10-29",
        first_source=f.source(url="https://news.example.org/nato"),
    )
    later = verdict_create(
        claim=other, rating="false", summary="No.", author=fact_checker, published=True
    )
    verdict_create(claim=other, rating="true", summary="Draft.", author=fact_checker)
    feed = reader_client.get("/api/v1/claimreview-feed/").json()
    assert feed["@type"] == "DataFeed"
    urls = [e["url"] for e in feed["dataFeedElement"]]
    assert urls == [f"http://testserver/fact-checks/{later.pk}/", url]
    for element in feed["dataFeedElement"]:
        assert_valid_claim_review(element, element["url"])
