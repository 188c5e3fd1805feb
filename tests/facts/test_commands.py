from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


def test_create_api_token_prints_the_token_alone_on_the_last_line() -> None:
    out = StringIO()
    call_command("create_api_token", "--username", "newsroom", "--role", "editor", stdout=out)
    last = out.getvalue().strip().splitlines()[-1]
    token = Token.objects.get(user__username="newsroom")
    assert last == token.key
    assert list(token.user.groups.values_list("name", flat=True)) == ["editor"]
    assert token.user.is_staff and not token.user.is_superuser


def test_create_api_token_again_keeps_the_token_and_changes_the_role() -> None:
    first, second = StringIO(), StringIO()
    call_command("create_api_token", "--username", "u", "--role", "reader", stdout=first)
    call_command("create_api_token", "--username", "u", "--role", "fact_checker", stdout=second)
    assert first.getvalue().splitlines()[-1] == second.getvalue().splitlines()[-1]
    token = Token.objects.get(user__username="u")
    assert list(token.user.groups.values_list("name", flat=True)) == ["fact_checker"]


def test_the_token_works_against_the_api(client: Client) -> None:
    out = StringIO()
    call_command("create_api_token", "--username", "u", "--role", "editor", stdout=out)
    key = out.getvalue().splitlines()[-1]
    response = client.post(
        "/api/v1/claims/",
        {"text": "A claim."},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert response.status_code == 201
