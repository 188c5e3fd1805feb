"""The JSON parser: what reaches PostgreSQL must be storable, and what reaches Python must
not exhaust it. A body nested deeper than MAX_DEPTH, or with a NUL or a lone surrogate in
any string (PostgreSQL stores neither), is refused with 400 before any view reads it."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser, JSONParser

MAX_DEPTH = 32


def unstorable(text: str) -> str | None:
    """Why PostgreSQL cannot store `text` (None when it can)."""
    if "\x00" in text:
        return "contains a NUL character"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a lone surrogate (not valid Unicode)"
    return None


def check_value(data: Any, *, max_depth: int = MAX_DEPTH) -> None:
    """Walk a parsed body without recursion; ParseError at the first problem."""
    stack: list[tuple[Any, int, str]] = [(data, 1, "$")]
    while stack:
        value, depth, where = stack.pop()
        if isinstance(value, dict | list):
            if depth > max_depth:
                raise ParseError(f"JSON nested deeper than {max_depth} levels (at {where}).")
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, child in items:
                if isinstance(key, str) and (why := unstorable(key)) is not None:
                    raise ParseError(f"A key at {where} {why}.")
                stack.append((child, depth + 1, f"{where}.{key}"))
        elif isinstance(value, str) and (why := unstorable(value)) is not None:
            raise ParseError(f"The string at {where} {why}.")


class StrictJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            raw = stream.read().decode(encoding)
        except UnicodeDecodeError as exc:
            raise ParseError(f"The body is not valid {encoding}.") from exc
        try:
            data = json.loads(raw, parse_constant=_no_constant)
        except RecursionError as exc:
            raise ParseError(f"JSON nested deeper than {MAX_DEPTH} levels.") from exc
        except ValueError as exc:
            raise ParseError(f"JSON parse error: {exc}") from exc
        check_value(data)
        return data


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


class JSONLDParser(StrictJSONParser):
    """schema.org JSON-LD (a ClaimReview import) is JSON."""

    media_type = "application/ld+json"


class HTMLPageParser(BaseParser):
    """An HTML page (a ClaimReview import reads its JSON-LD blocks), as text."""

    media_type = "text/html"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding) if stream is not None else ""
        except UnicodeDecodeError as exc:
            raise ParseError(f"The body is not valid {encoding}.") from exc
        if (why := unstorable(text)) is not None:
            raise ParseError(f"The page {why}.")
        return text
