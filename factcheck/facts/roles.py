"""Roles are Django groups created by a migration; each role includes the ones below it."""

from __future__ import annotations

from typing import Any

READER = "reader"
EDITOR = "editor"
FACT_CHECKER = "fact_checker"
ADMIN = "admin"
ROLES = (READER, EDITOR, FACT_CHECKER, ADMIN)
RANK = {role: rank for rank, role in enumerate(ROLES)}


def user_role(user: Any) -> str | None:
    """The highest role a user holds; None for anonymous users and users with no role."""
    if user is None or not user.is_authenticated:
        return None
    if user.is_superuser:
        return ADMIN
    if hasattr(user, "_factcheck_role"):
        cached: str | None = user._factcheck_role
        return cached
    names = {g.name for g in user.groups.all()}
    held = [role for role in ROLES if role in names]
    role = held[-1] if held else None
    user._factcheck_role = role  # one query per request, however often it is asked
    return role


def has_role(user: Any, role: str) -> bool:
    held = user_role(user)
    return held is not None and RANK[held] >= RANK[role]
