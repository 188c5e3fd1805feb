"""API users and their roles."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from rest_framework.authtoken.models import Token

from factcheck.facts import roles


@transaction.atomic
def user_token_for_role(*, username: str, role: str) -> tuple[str, bool]:
    """Create the user if needed, give it exactly `role`, and return its token key.
    Editors and above may use the admin site (staff); only `admin` is a superuser."""
    if role not in roles.ROLES:
        raise ValueError(f"unknown role {role!r}")
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
    user.groups.set([Group.objects.get(name=role)])
    user.is_staff = roles.RANK[role] >= roles.RANK[roles.EDITOR]
    user.is_superuser = role == roles.ADMIN
    user.save()
    token, _ = Token.objects.get_or_create(user=user)
    return token.key, created
