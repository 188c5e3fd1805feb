from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from factcheck.facts import roles
from factcheck.facts.services.users import user_token_for_role


class Command(BaseCommand):
    help = "Create (if needed) a user with a role and print its API token alone on the last line."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--role", required=True, choices=roles.ROLES)

    def handle(self, *args: Any, username: str, role: str, **options: Any) -> None:
        if not username.strip():
            raise CommandError("--username cannot be blank")
        key, created = user_token_for_role(username=username.strip(), role=role)
        self.stdout.write(
            f"{'Created' if created else 'Updated'} user {username} with role {role}."
        )
        self.stdout.write(key)
