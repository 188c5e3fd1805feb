"""Errors the services raise that callers answer in their own way."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class AlreadyHeld(ValidationError):
    """The thing asked for exists already (a URL, a claim's text): the API answers 409 with
    the existing record's id; other callers see a validation error naming it."""

    def __init__(self, field: str, message: str, *, existing_id: int, kind: str) -> None:
        super().__init__({field: message})
        self.existing_id = existing_id
        self.kind = kind
