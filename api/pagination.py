from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class PagePagination(PageNumberPagination):
    """Pages of 50 by default; `page_size` from 1 to 200. A page size that is not a whole
    number in that range is a 400 (not silently the default)."""

    page_size_query_param = "page_size"
    max_page_size = 200

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
        if request.query_params.get(self.page_query_param, None) == "":
            raise ValidationError({"page": ["Give a page number, or leave the parameter out."]})
        return super().paginate_queryset(queryset, request, view)
