"""The fact-checker's tour in a real browser: Chromium driven by Playwright against the live
service (the test database, a real HTTP server on loopback). Skipped, with the reason,
where Debian's chromium or the playwright package is missing (`.ci/run` installs both)."""

from __future__ import annotations

import importlib
import json
import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

CHROMIUM = "/usr/bin/chromium"
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = [
    pytest.mark.skipif(
        shutil.which(CHROMIUM) is None,
        reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)",
    ),
    pytest.mark.django_db(transaction=True),
]
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "a long browser-test password"
# FACTCHECK_SCREENSHOTS=docs/screenshots .venv/bin/python -m pytest tests/browser
# regenerates the screenshots docs/ shows, from this tour.
SCREENSHOTS = os.environ.get("FACTCHECK_SCREENSHOTS", "")


def shot(page: Any, name: str) -> None:
    if SCREENSHOTS:
        os.makedirs(SCREENSHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


@pytest.fixture(autouse=True)
def _server_connections_close() -> Iterator[None]:
    """The live server answers in threads of its own; with persistent connections they
    would stay open and keep the test database from being dropped at the end."""
    from django.db import connections

    saved = connections.settings["default"]["CONN_MAX_AGE"]
    connections.settings["default"]["CONN_MAX_AGE"] = 0
    yield
    connections.settings["default"]["CONN_MAX_AGE"] = saved
    with connections["default"].cursor() as cursor:  # a keep-alive thread's, if any
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are
    # still plain synchronous ones (the server answers in its own thread).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        yield context.new_page()
        browser.close()


@pytest.fixture
def desk() -> dict[str, Any]:
    """A claim corroborated, on automatic evidence alone, by two outside origins, and
    contested by a third reading below the contradiction floor."""
    from django.apps import apps
    from django.contrib.auth.models import User

    from factcheck.facts.services.users import user_token_for_role
    from tests import factories as f

    # Transactional tests flush what migrations made: make the roles again.
    importlib.import_module("factcheck.facts.migrations.0003_roles").create_roles(apps, None)
    user_token_for_role(username="checker", role="fact_checker")
    checker = User.objects.get(username="checker")
    checker.set_password(PASSWORD)
    checker.save()
    claim = f.claim(
        "North Korea has sent about 10,000 troops to Russia.",
        speaker=f.org("US government"),
        as_of="2024-10-28",
        first_source=f.source(url="https://news.example.org/pentagon"),
    )
    made = {}
    for name, stance, confidence, text in (
        ("NATO", "supports", 0.9, "NATO said North Korea has sent 10,000 troops to Russia."),
        ("South Korea government", "supports", 0.85, "Seoul said 10,000 troops were sent."),
        ("North Korea government", "contradicts", 0.65, "Pyongyang denied sending troops."),
    ):
        source = f.source(text, title=f"{name} on the troops")
        made[name] = f.evidence(
            claim,
            source,
            stance,
            f.org(name),
            confidence=confidence,
            quote=text,
            quote_start=0,
            quote_end=len(text),
        )
    return {"claim": claim, "evidence": made}


def act(page: Any, base: str, evidence_id: int, action: str) -> None:
    page.goto(f"{base}/admin/facts/reviewqueueentry/")
    page.check(f'input.action-select[value="{evidence_id}"]')
    page.select_option('select[name="action"]', action)
    page.click('button[name="index"]')
    page.wait_for_load_state()
    assert "Reviewed 1 piece" in page.content()


def test_a_fact_checker_works_the_queue_and_publishes_a_verdict(
    live_server: LiveServer, page: Page, desk: dict[str, Any]
) -> None:
    from factcheck.facts.models import Evidence, Verdict

    base = live_server.url
    claim, evidence = desk["claim"], desk["evidence"]
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", "checker")
    page.fill("#id_password", PASSWORD)
    page.click('input[type="submit"]')
    page.goto(f"{base}/admin/facts/reviewqueueentry/")
    shot(page, "review-queue")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 3
    # What would change the status comes first, and says so: the unsure contradiction.
    first = rows.nth(0).inner_text()
    assert "Confirming it makes the claim contested (now corroborated)" in first, first
    assert "Pyongyang denied" in first
    assert page.locator("#result_list mark").count() == 3  # each quote inside its paragraph

    act(page, base, evidence["NATO"].pk, "confirm")
    act(page, base, evidence["North Korea government"].pk, "reject")
    act(page, base, evidence["South Korea government"].pk, "mark_discusses")
    states = {
        str(e.speaker and e.speaker.name): (e.review_state, e.stance)
        for e in Evidence.objects.filter(claim=claim).select_related("speaker")
    }
    assert states == {
        "NATO": ("confirmed", "supports"),
        "North Korea government": ("rejected", "contradicts"),
        "South Korea government": ("overridden", "discusses"),
    }
    page.goto(f"{base}/admin/facts/reviewqueueentry/")
    assert page.locator("#result_list tbody tr").count() == 0

    # The claim page: corroborated by the US and NATO, every origin reviewed.
    page.goto(f"{base}/admin/facts/claim/{claim.pk}/change/")
    shot(page, "claim-page")
    text = page.content()
    assert "Corroborated, reviewed" in text, text[:2000]
    page.select_option('select[name="verdicts-0-rating"]', "true")
    page.fill('textarea[name="verdicts-0-summary"]', "NATO and the Pentagon both say so.")
    page.check('input[name="verdicts-0-published"]')
    page.click('input[name="_continue"]')
    page.wait_for_load_state()
    verdict = Verdict.objects.get(claim=claim)
    assert verdict.published and verdict.author.username == "checker"

    # The public page, signed out: the verdict and its ClaimReview.
    page.context.clear_cookies()
    page.goto(f"{base}/fact-checks/{verdict.pk}/")
    assert page.inner_text("#rating") == "True"
    shot(page, "public-fact-check")
    review = json.loads(page.locator('script[type="application/ld+json"]').text_content() or "")
    assert review["@type"] == "ClaimReview"
    assert review["url"] == f"{base}/fact-checks/{verdict.pk}/"
    assert review["reviewRating"]["alternateName"] == "True"
