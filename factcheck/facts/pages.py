"""Public pages: one per published verdict, server-rendered, no login. Thin: the selectors
find the records, claimreview.py builds the JSON-LD."""

from __future__ import annotations

import json

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from factcheck.facts import selectors
from factcheck.facts.claimreview import claim_review_jsonld
from factcheck.facts.models import Rating, Verdict


def verdict_page_url(request: HttpRequest, verdict: Verdict) -> str:
    return request.build_absolute_uri(reverse("fact-check", args=[verdict.pk]))


@transaction.non_atomic_requests
def fact_check(request: HttpRequest, verdict_id: int) -> HttpResponse:
    """A published verdict: the claim, the rating and summary, the evidence by origin and the
    dates, with its schema.org ClaimReview embedded (its `url` is this page)."""
    verdict = selectors.published_verdict(verdict_id=verdict_id)
    if verdict is None:
        raise Http404("No published fact-check has this number.")
    claim = verdict.claim
    latest = selectors.claim_published_verdict(claim=claim)
    url = verdict_page_url(request, verdict)
    jsonld = claim_review_jsonld(claim=claim, verdict=verdict, url=url)
    return render(
        request,
        "facts/fact_check.html",
        {
            "claim": claim,
            "verdict": verdict,
            "rating": Rating(verdict.rating).label,
            "superseded_by": latest if latest is not None and latest.pk != verdict.pk else None,
            "supporting": claim.status_detail.get("supporting", []),
            "contradicting": claim.status_detail.get("contradicting", []),
            # Safe inside <script>: json.dumps escapes no "<", so escape it here.
            "jsonld": json.dumps(jsonld, ensure_ascii=False, indent=2).replace("<", "\\u003c"),
        },
    )
