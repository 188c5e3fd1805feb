"""Roles: reader < editor < fact_checker < admin. Views say which role writes need."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from factcheck.facts import roles


class RolePermission(BasePermission):
    """Reads: any user with a role, or anyone when FACTCHECK_ANONYMOUS_READ is on.
    Writes: the view's `write_role` (editor unless it says otherwise), or for an action the
    role named in its `action_roles`."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            if request.user and request.user.is_authenticated:
                return roles.user_role(request.user) is not None
            return bool(settings.FACTCHECK_ANONYMOUS_READ)
        action = getattr(view, "action", None)
        needed = str(
            getattr(view, "action_roles", {}).get(action)
            or getattr(view, "write_role", roles.EDITOR)
        )
        return roles.has_role(request.user, needed)


class SignedIn(BasePermission):
    """Reads and writes by a signed-in user with a role only: for what belongs to its owner."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and roles.user_role(user) is not None)


def acting_user(request: Any) -> User:
    """The signed-in user behind a write (RolePermission has let only those through)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionError("writes need a signed-in user")
    return user
