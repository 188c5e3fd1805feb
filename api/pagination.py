"""Pages of a list: by number (with a count of every row), or by cursor (no count, and the
thousandth page costs what the first does)."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date, datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, Q, QuerySet
from django.db.models.expressions import OrderBy
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param


class PagePagination(PageNumberPagination):
    """Pages of 50 by default; `page_size` from 1 to 200. A page size that is not a whole
    number in that range is a 400 (not silently the default).

    `cursor` pages by position instead: give it empty for the first page, then follow
    `next`. A cursor page has no `count` and no `previous`; it reads only its own rows
    (keyset pagination over the list's ordering and the id), where a numbered page counts
    every matching row and skips all those before it. The ordering must be on a field that
    is never empty (`created_at`, `updated_at`, `status`, ...)."""

    page_size_query_param = "page_size"
    max_page_size = 200
    cursor_query_param = "cursor"

    def get_page_size(self, request: Any) -> int | None:
        raw = request.query_params.getlist(self.page_size_query_param)
        if not raw:
            return self.page_size
        if len(raw) > 1:
            raise ValidationError({"page_size": ["Give page_size once."]})
        try:
            size = int(raw[0])
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {"page_size": [f"Give a whole number from 1 to {self.max_page_size}."]}
            )
        return size

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        self.cursor_mode = self.cursor_query_param in request.query_params
        if self.cursor_mode:
            return self._cursor_page(queryset, request)
        if request.query_params.get(self.page_query_param, None) == "":
            raise ValidationError({"page": ["Give a page number, or leave the parameter out."]})
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data: Any) -> Response:
        if self.cursor_mode:
            return Response({"next": self.next_link, "previous": None, "results": data})
        return super().get_paginated_response(data)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        answer = super().get_paginated_response_schema(schema)
        answer["required"] = ["results"]
        answer["properties"]["count"]["description"] = (
            "Every matching row; left out on cursor pages."
        )
        return answer

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": (
                    "Page by cursor: empty for the first page, then the `next` link's. "
                    "Cursor pages have no `count`, cost the same however deep, and need an "
                    "ordering on a field that is never empty. Not with `page`."
                ),
                "schema": {"type": "string"},
            },
        ]

    # Keyset pages.

    def _cursor_page(self, queryset: QuerySet[Any], request: Request) -> list[Any]:
        if self.page_query_param in request.query_params:
            raise ValidationError({"cursor": ["Give page or cursor, not both."]})
        raw = request.query_params.getlist(self.cursor_query_param)
        if len(raw) > 1:
            raise ValidationError({"cursor": ["Give cursor once."]})
        size = self.get_page_size(request) or self.page_size or 50
        field, descending = _keyset_ordering(queryset)
        position = _decode(raw[0], queryset.model, field) if raw[0] else None
        rows = queryset.order_by(*_order(field, descending))
        if position is not None:
            value, pk = position
            before_or_after = "lt" if descending else "gt"
            rows = rows.filter(
                Q(**{f"{field}__{before_or_after}": value})
                | Q(**{field: value, f"pk__{before_or_after}": pk})
            )
        page = list(rows[: size + 1])
        self.request = request
        self.next_link = None
        if len(page) > size:
            page = page[:size]
            last = page[-1]
            url = remove_query_param(request.build_absolute_uri(), self.page_query_param)
            self.next_link = replace_query_param(
                url, self.cursor_query_param, _encode(_value(last, field), _value(last, "pk"))
            )
        return page


def _keyset_ordering(queryset: QuerySet[Any]) -> tuple[str, bool]:
    """The list's first ordering field and its direction; the id breaks ties. A field that
    may be empty, or an ordering that is not a plain field, cannot be paged by position."""
    ordering = list(queryset.query.order_by) or ["-pk"]
    first = ordering[0]
    if isinstance(first, OrderBy) and hasattr(first.expression, "name"):
        name, descending = str(first.expression.name), bool(first.descending)
    elif isinstance(first, str):
        name, descending = first.lstrip("-"), first.startswith("-")
    else:
        raise ValidationError({"cursor": ["This list's ordering cannot be paged by cursor."]})
    model: type[Model] = queryset.model
    if name in ("pk", "id"):
        return "pk", descending
    try:
        column = model._meta.get_field(name)
    except FieldDoesNotExist:
        raise ValidationError(
            {"cursor": [f"Ordering by {name} cannot be paged by cursor."]}
        ) from None
    if getattr(column, "null", True) or getattr(column, "is_relation", False):
        raise ValidationError(
            {
                "cursor": [
                    f"{name} may be empty, so it cannot be paged by cursor; order by "
                    "created_at (ordering=-created_at) to page by cursor."
                ]
            }
        )
    return name, descending


def _order(field: str, descending: bool) -> list[str]:
    sign = "-" if descending else ""
    return [f"{sign}{field}", f"{sign}pk"] if field != "pk" else [f"{sign}pk"]


def _value(row: Any, field: str) -> Any:
    if isinstance(row, dict):
        return row["id"] if field == "pk" else row[field]
    return row.pk if field == "pk" else getattr(row, field)


def _encode(value: Any, pk: Any) -> str:
    if isinstance(value, datetime | date):
        value = value.isoformat()
    payload = json.dumps([value, pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def _decode(cursor: str, model: type[Model], field: str) -> tuple[Any, int]:
    """The position a cursor names, checked against the field it orders by: a cursor made
    up, or one from a list ordered otherwise, is a 400."""
    refused = ValidationError(
        {"cursor": ["Not a cursor of this list in this ordering; start again with cursor="]}
    )
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value, pk = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise refused from None
    if not isinstance(pk, int) or isinstance(pk, bool) or not 0 <= pk <= 2**63 - 1:
        raise refused
    if field == "pk":
        return pk, pk
    if not isinstance(value, str | int) or isinstance(value, bool) or "\x00" in str(value):
        raise refused
    try:
        checked = model._meta.get_field(field).to_python(value)  # type: ignore[union-attr]
    except DjangoValidationError:
        raise refused from None
    if checked is None or (isinstance(checked, int) and not 0 <= checked <= 2**63 - 1):
        raise refused
    return checked, pk
