"""The fact-checkers' workplace: pages render, actions call the services."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from factcheck.facts.models import CheckRun, Claim, Verdict
from factcheck.facts.services.users import user_token_for_role
from tests import factories as f

pytestmark = pytest.mark.django_db


def staff(role: str) -> Client:
    from django.contrib.auth.models import User

    user_token_for_role(username=role, role=role)
    client = Client()
    client.force_login(User.objects.get(username=role))
    return client


@pytest.fixture
def claim() -> Claim:
    made = f.claim(speaker=f.org("US government"))
    f.evidence(made, f.source(), "contradicts", f.org("North Korea government"))
    return made


def test_the_claim_pages_show_status_explanation_and_evidence(claim: Claim) -> None:
    client = staff("fact_checker")
    listing = client.get("/admin/facts/claim/")
    assert listing.status_code == 200
    assert b"contested" in listing.content
    page = client.get(f"/admin/facts/claim/{claim.pk}/change/")
    assert page.status_code == 200
    assert b"North Korea government" in page.content
    assert b'name="verdicts-0-rating"' in page.content


def test_an_editor_sees_no_verdict_form(claim: Claim) -> None:
    page = staff("editor").get(f"/admin/facts/claim/{claim.pk}/change/")
    assert page.status_code == 200
    assert b'name="verdicts-0-rating"' not in page.content


def test_the_recheck_action_queues_check_runs(claim: Claim) -> None:
    response = staff("editor").post(
        "/admin/facts/claim/", {"action": "recheck", "_selected_action": [claim.pk]}
    )
    assert response.status_code == 302
    assert CheckRun.objects.filter(claim=claim, kind="recheck_claim").count() == 1


def test_a_fact_checker_overrides_evidence_from_the_list(claim: Claim) -> None:
    evidence = claim.evidence.get()
    staff("fact_checker").post(
        "/admin/facts/evidence/", {"action": "mark_discusses", "_selected_action": [evidence.pk]}
    )
    evidence.refresh_from_db()
    claim.refresh_from_db()
    assert (evidence.stance, evidence.review_state) == ("discusses", "overridden")
    assert claim.status == "unverified"


def test_an_editor_cannot_review_evidence_from_the_list(claim: Claim) -> None:
    evidence = claim.evidence.get()
    staff("editor").post(
        "/admin/facts/evidence/", {"action": "confirm", "_selected_action": [evidence.pk]}
    )
    evidence.refresh_from_db()
    assert evidence.review_state == "unreviewed"


def test_a_fact_checker_adds_a_verdict_and_cannot_change_it(claim: Claim) -> None:
    client = staff("fact_checker")
    response = client.post(
        "/admin/facts/verdict/add/",
        {
            "claim": claim.pk,
            "rating": "false",
            "summary": "Denied by Pyongyang, not refuted.",
            "published": "on",
        },
    )
    assert response.status_code == 302, response.content[:500]
    verdict = Verdict.objects.get()
    assert (verdict.author.username, verdict.published) == ("fact_checker", True)
    claim.refresh_from_db()
    assert claim.current_verdict == verdict
    page = client.get(f"/admin/facts/verdict/{verdict.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content


def test_editors_cannot_add_verdicts_in_the_admin(claim: Claim) -> None:
    response = staff("editor").post(
        "/admin/facts/verdict/add/", {"claim": claim.pk, "rating": "false", "summary": "x"}
    )
    assert response.status_code == 403
    assert not Verdict.objects.exists()


def test_a_failed_source_can_be_retried_from_the_admin() -> None:
    source = f.source(state="failed", error="timeout")
    staff("editor").post(
        "/admin/facts/source/", {"action": "retry", "_selected_action": [source.pk]}
    )
    assert CheckRun.objects.filter(source=source, kind="ingest_source").count() == 1


def _page_form_data(response: Any) -> dict[str, Any]:
    """What a browser would post back from an admin change page, unchanged."""

    def add(form: Any, data: dict[str, Any]) -> None:
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            if isinstance(value, list):
                value = ",".join(str(v) for v in value)
            data[bound.html_name] = "on" if value is True else value

    data: dict[str, Any] = {}
    add(response.context["adminform"].form, data)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form, data)
        for form in formset.forms:
            add(form, data)
    return data


def test_a_verdict_added_on_the_claim_page_is_appended(claim: Claim, fact_checker: User) -> None:
    from factcheck.facts.services.verdicts import verdict_create

    earlier = verdict_create(
        claim=claim, rating="unproven", summary="Too early.", author=fact_checker
    )
    client = staff("fact_checker")
    page = client.get(f"/admin/facts/claim/{claim.pk}/change/")
    data = _page_form_data(page)
    new = f"verdicts-{data['verdicts-INITIAL_FORMS']}"  # the empty form after the earlier ones
    data.update(
        {f"{new}-rating": "mostly_true", f"{new}-summary": "Confirmed later.", "_save": "Save"}
    )
    response = client.post(f"/admin/facts/claim/{claim.pk}/change/", data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    ratings = list(
        Verdict.objects.filter(claim=claim).order_by("created_at").values_list("rating", flat=True)
    )
    assert ratings == ["unproven", "mostly_true"]
    earlier.refresh_from_db()
    assert earlier.summary == "Too early."
    claim.refresh_from_db()
    assert claim.current_verdict and claim.current_verdict.rating == "mostly_true"


def test_overriding_a_stance_on_the_claim_page_reviews_the_evidence(claim: Claim) -> None:
    evidence = claim.evidence.get()
    client = staff("fact_checker")
    data = _page_form_data(client.get(f"/admin/facts/claim/{claim.pk}/change/"))
    stance_key = next(k for k in data if k.startswith("evidence-0-") and k.endswith("stance"))
    data.update({stance_key: "discusses", "_save": "Save"})
    response = client.post(f"/admin/facts/claim/{claim.pk}/change/", data)
    assert response.status_code == 302
    evidence.refresh_from_db()
    assert evidence.reviewed_by is not None
    assert (evidence.stance, evidence.review_state, evidence.reviewed_by.username) == (
        "discusses",
        "overridden",
        "fact_checker",
    )


def test_the_review_queue_page_lists_readings_by_consequence_and_rejects_one(claim: Claim) -> None:
    evidence = claim.evidence.get()
    client = staff("fact_checker")
    page = client.get("/admin/facts/reviewqueueentry/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "confirming or rejecting it changes the claim" in text
    assert "Rejecting it makes the claim unverified (now contested)" in text.replace(
        "rejecting", "Rejecting"
    )
    response = client.post(
        "/admin/facts/reviewqueueentry/", {"action": "reject", "_selected_action": [evidence.pk]}
    )
    assert response.status_code == 302
    evidence.refresh_from_db()
    claim.refresh_from_db()
    assert (evidence.review_state, claim.status) == ("rejected", "unverified")
    assert b'class="action-select"' not in client.get("/admin/facts/reviewqueueentry/").content


def test_an_editor_sees_the_queue_but_cannot_review_from_it(claim: Claim) -> None:
    evidence = claim.evidence.get()
    client = staff("editor")
    assert client.get("/admin/facts/reviewqueueentry/").status_code == 200
    client.post(
        "/admin/facts/reviewqueueentry/", {"action": "confirm", "_selected_action": [evidence.pk]}
    )
    evidence.refresh_from_db()
    assert evidence.review_state == "unreviewed"


def test_the_claim_page_reads_as_origins_a_timeline_and_quotes_in_their_paragraphs() -> None:
    text = "Seoul, Friday.\nNATO said 10,000 troops were sent to Russia. More may follow.\nEnd."
    start = text.index("NATO")
    end = text.index(" More")
    claim = f.claim(speaker=f.org("US government"))
    source = f.source(text, title="NATO confirms the deployment")
    evidence = f.evidence(
        claim,
        source,
        "supports",
        f.org("NATO"),
        quote=text[start:end],
        quote_start=start,
        quote_end=end,
    )
    page = staff("fact_checker").get(f"/admin/facts/claim/{claim.pk}/change/").content.decode()
    assert ">corroborated</span>" in page and ">provisional</span>" in page
    assert "<h4>Supporting origins (2)</h4>" in page
    assert "unreviewed automatic evidence" in page and "the claimant" in page
    assert f">evidence {evidence.pk}</a>" in page
    assert "<mark>NATO said 10,000 troops were sent to Russia.</mark> More may follow." in page
    assert f'href="/admin/facts/source/{source.pk}/change/">NATO confirms the deployment</a>' in (
        page
    )  # the source that moved the status, in the timeline
    assert '{"supporting"' not in page  # no JSON dump

    source_page = staff("editor").get(f"/admin/facts/source/{source.pk}/change/").content.decode()
    assert "<mark>NATO said 10,000 troops were sent to Russia.</mark>" in source_page
    assert f'href="/admin/facts/claim/{claim.pk}/change/"' in source_page


def test_marked_text_joins_overlapping_spans_and_escapes_the_text() -> None:
    from factcheck.facts.admin_html import Span, marked_text_html

    html = str(
        marked_text_html(
            "a <b> c d e",
            [Span(2, 5, 1, "one", "supports"), Span(4, 7, 2, "two", "contradicts")],
        )
    )
    assert "a <mark>&lt;b&gt; c</mark>" in html
    assert "[supports 1]" in html and "[contradicts 2]" in html
    assert html.count("<mark>") == 1


def test_other_publishers_fact_checks_show_on_the_claim_page_and_in_their_list(
    claim: Claim,
) -> None:
    from factcheck.facts.models import ExternalReview

    ExternalReview.objects.create(
        claim=claim,
        key="k" * 64,
        url="https://checks.example/1",
        publisher="Example Checks",
        claim_reviewed=claim.text,
        rating_text="Pants on Fire",
    )
    client = staff("editor")
    page = client.get(f"/admin/facts/claim/{claim.pk}/change/")
    assert page.status_code == 200
    assert b"by other publishers" in page.content
    assert b"Pants on Fire" in page.content
    listing = client.get("/admin/facts/externalreview/")
    assert listing.status_code == 200 and b"Example Checks" in listing.content
    assert client.get("/admin/facts/externalreview/add/").status_code == 403


def test_a_source_is_retracted_from_the_admin_and_shows_its_earlier_versions(claim: Claim) -> None:
    from factcheck.facts.models import Evidence, SourceVersion, VerdictFlag

    evidence = Evidence.objects.get(claim=claim)
    source = evidence.source
    SourceVersion.objects.create(source=source, text="The first wording.", reason="editor")
    client = staff("editor")
    page = client.get(f"/admin/facts/source/{source.pk}/change/")
    assert page.status_code == 200
    assert b"arlier versions (before each correction)" in page.content
    assert b"The first wording." in page.content
    response = client.post(
        "/admin/facts/source/",
        {"action": "retract", "_selected_action": [source.pk]},
        follow=True,
    )
    assert b"Retracted 1 source(s)" in response.content
    source.refresh_from_db()
    evidence.refresh_from_db()
    assert source.standing == "retracted" and evidence.withdrawn_at is not None
    assert "marked retracted in the admin by editor" in source.standing_note
    assert not VerdictFlag.objects.exists()  # the claim had no verdict
    assert staff("fact_checker").get("/admin/facts/verdictflag/").status_code == 200


def test_the_review_queue_page_points_to_verdicts_to_look_at_again(claim: Claim) -> None:
    from factcheck.facts.models import Verdict, VerdictFlag
    from factcheck.facts.services.users import user_token_for_role

    user_token_for_role(username="checker2", role="fact_checker")
    from django.contrib.auth.models import User

    verdict = Verdict.objects.create(
        claim=claim, rating="true", summary="s", author=User.objects.get(username="checker2")
    )
    client = staff("fact_checker")
    assert b"to look at again" not in client.get("/admin/facts/reviewqueueentry/").content
    VerdictFlag.objects.create(verdict=verdict, claim=claim, reason="source 1 was retracted")
    page = client.get("/admin/facts/reviewqueueentry/")
    assert b"1 verdict(s) to look at again" in page.content
    flags = client.get("/admin/facts/verdictflag/?cleared_at__isempty=1")
    assert flags.status_code == 200 and b"source 1 was retracted" in flags.content
