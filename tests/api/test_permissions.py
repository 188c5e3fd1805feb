from __future__ import annotations

from typing import Any

import pytest
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_anonymous_read_is_on_by_default(anon_client: APIClient) -> None:
    f.claim()
    assert anon_client.get("/api/v1/claims/").status_code == 200


def test_anonymous_read_can_be_switched_off(anon_client: APIClient, settings: Settings) -> None:
    settings.FACTCHECK_ANONYMOUS_READ = False
    assert anon_client.get("/api/v1/claims/").status_code == 401


def test_anonymous_users_cannot_write(anon_client: APIClient) -> None:
    assert anon_client.post("/api/v1/claims/", {"text": "x"}, format="json").status_code == 401


def test_a_user_without_a_role_can_do_nothing(outsider_client: APIClient) -> None:
    assert outsider_client.get("/api/v1/claims/").status_code == 403
    assert outsider_client.post("/api/v1/claims/", {"text": "x"}, format="json").status_code == 403


def test_a_fact_checker_holds_the_editors_rights(checker_client: APIClient) -> None:
    assert checker_client.post("/api/v1/claims/", {"text": "x"}, format="json").status_code == 201


def test_throttling_answers_429(reader_client: APIClient, settings: Settings) -> None:
    from rest_framework.settings import api_settings
    from rest_framework.throttling import UserRateThrottle

    rates: dict[str, Any] = {**api_settings.DEFAULT_THROTTLE_RATES, "user": "2/minute"}
    original = UserRateThrottle.THROTTLE_RATES
    UserRateThrottle.THROTTLE_RATES = rates
    try:
        from api.views import StatsView

        StatsView.throttle_classes = [UserRateThrottle]
        codes = [reader_client.get("/api/v1/stats/").status_code for _ in range(3)]
    finally:
        UserRateThrottle.THROTTLE_RATES = original
        StatsView.throttle_classes = []
    assert codes == [200, 200, 429]
