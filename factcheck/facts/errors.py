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


class WrongState(ValidationError):
    """The record is not in a state the action applies to (retrying a processed source):
    the API answers 409; other callers see a validation error."""


class StaleWrite(Exception):
    """The record changed since the writer read it (its `If-Match` no longer matches)."""

    def __init__(self, message: str, *, current: str) -> None:
        super().__init__(message)
        self.current = current


class PreconditionRequired(Exception):
    """Overwriting another person's work needs proof the writer saw it (an `If-Match`)."""
