"""Query-string filters for the list endpoints (django-filter)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from django import forms
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import models
from django.db.models import F, Q, QuerySet
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework import filters as rest_filters

from factcheck.facts.models import (
    CheckRun,
    CheckRunKind,
    CheckRunState,
    Claim,
    ClaimStatus,
    DeliveryState,
    Evidence,
    EvidenceMethod,
    Feed,
    Outlet,
    OutletKind,
    ProcessingState,
    Rating,
    ReviewPriority,
    ReviewState,
    Source,
    SourceStanding,
    Speaker,
    SpeakerKind,
    Stance,
    StatusBasis,
    Verdict,
    VerdictFlag,
    WebhookDelivery,
)


class UtcIsoDateTimeField(IsoDateTimeField):
    """ISO 8601 in, UTC out: PostgreSQL refuses offsets beyond 15:59, and UTC always fits."""

    def to_python(self, value: Any) -> datetime | None:
        if value == "":
            raise forms.ValidationError(
                "Give a date and time, or leave the parameter out.", code="required"
            )
        parsed = super().to_python(value)
        if parsed is None:
            return None
        try:
            return parsed.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError("Date and time out of range.", code="invalid") from None


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


def full_text(queryset: QuerySet[Any], value: str) -> QuerySet[Any]:
    if not value.strip():
        return queryset
    query = SearchQuery(value, search_type="websearch", config="english")
    return (
        queryset.filter(search_vector=query)
        .annotate(search_rank=SearchRank(F("search_vector"), query))
        .order_by("-search_rank", "-id")
    )


class StrictBooleanField(forms.NullBooleanField):
    """true or false (1 or 0); anything else is a 400, not "no filter"."""

    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]
        if value is None:
            return None
        if str(value).lower() in ("true", "1"):
            return True
        if str(value).lower() in ("false", "0"):
            return False
        raise forms.ValidationError("Give true or false.", code="invalid")


class BooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # django-filter's own widget reads an unknown word as "no filter"
        kwargs["widget"] = forms.TextInput
        super().__init__(*args, **kwargs)


MAX_ID = 2**63 - 1  # PostgreSQL's bigint


class WholeNumberField(forms.IntegerField):
    """Digits only: Django's IntegerField also takes "3.0" and "3." as 3, which the schema
    (type integer) does not allow."""

    def to_python(self, value: Any) -> int | None:
        if value not in self.empty_values and not re.fullmatch(r"\s*-?\d+\s*", str(value)):
            raise forms.ValidationError("Enter a whole number.", code="invalid")
        return super().to_python(value)


@extend_schema_field({"type": "integer"})
class IdFilter(filters.Filter):
    """A related row's id. An id that names nothing (0, negative, or past any id) gives an
    empty list, as an id that is not used yet does, rather than a 400 or a database error."""

    field_class = WholeNumberField

    def filter(self, queryset: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if value is None:
            return queryset
        if not 1 <= value <= MAX_ID:
            return queryset.none()
        return queryset.filter(**{f"{self.field_name}_id": value})


class FilterSet(filters.FilterSet):
    """Foreign keys in Meta.fields filter by id (IdFilter), booleans take only true or false,
    and a parameter given empty is a 400 unless it takes free text: `kind=` is a mistake to
    report, not "any kind"."""

    def is_valid(self) -> bool:
        valid = super().is_valid()
        for name, filter_ in self.filters.items():
            given = self.data.getlist(name) if hasattr(self.data, "getlist") else []
            if "" in given and type(filter_) is not filters.CharFilter:
                self.form.add_error(name, "Give a value, or leave the parameter out.")
                valid = False
        return valid

    @classmethod
    def filter_for_field(cls, field: Any, field_name: str, lookup_expr: str | None = None) -> Any:
        if field.many_to_one:
            return IdFilter(field_name=field_name)
        if isinstance(field, models.BooleanField):
            return BooleanFilter(field_name=field_name)
        return super().filter_for_field(field, field_name, lookup_expr)


class OutletFilter(FilterSet):
    kind = filters.MultipleChoiceFilter(choices=OutletKind.choices)
    country = filters.CharFilter(lookup_expr="iexact")
    search = filters.CharFilter(field_name="name", lookup_expr="icontains")
    domain = filters.CharFilter(field_name="domains", lookup_expr="icontains")

    class Meta:
        model = Outlet
        fields = ["kind", "country", "owner_group"]


class SpeakerFilter(FilterSet):
    kind = filters.ChoiceFilter(choices=SpeakerKind.choices)
    search = filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = Speaker
        fields = ["kind", "organization", "root", "country"]


class SourceFilter(FilterSet):
    state = filters.MultipleChoiceFilter(choices=ProcessingState.choices)
    standing = filters.MultipleChoiceFilter(choices=SourceStanding.choices)
    published_after = UtcDateTimeFilter(field_name="published_at", lookup_expr="gte")
    published_before = UtcDateTimeFilter(field_name="published_at", lookup_expr="lt")
    search = filters.CharFilter(method="filter_search", help_text="Full-text search")

    class Meta:
        model = Source
        fields = ["outlet", "syndicated_from", "state", "language"]

    def filter_search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return full_text(queryset, value)


class ClaimFilter(FilterSet):
    status = filters.MultipleChoiceFilter(choices=ClaimStatus.choices)
    status_basis = filters.MultipleChoiceFilter(choices=StatusBasis.choices)
    verdict = filters.ChoiceFilter(field_name="current_verdict__rating", choices=Rating.choices)
    has_verdict = BooleanFilter(field_name="current_verdict", lookup_expr="isnull", exclude=True)
    tag = filters.CharFilter(method="filter_tag")
    as_of_after = filters.DateFilter(field_name="as_of", lookup_expr="gte")
    as_of_before = filters.DateFilter(field_name="as_of", lookup_expr="lte")
    changed_since = UtcDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    checked_before = UtcDateTimeFilter(field_name="last_checked_at", lookup_expr="lt")
    search = filters.CharFilter(method="filter_search", help_text="Full-text search")

    class Meta:
        model = Claim
        fields = ["status", "status_basis", "speaker", "first_source"]

    def filter_tag(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(tags__contains=[value.strip().lower()])

    def filter_search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return full_text(queryset, value)


class EvidenceFilter(FilterSet):
    stance = filters.MultipleChoiceFilter(choices=Stance.choices)
    method = filters.ChoiceFilter(choices=EvidenceMethod.choices)
    review_state = filters.MultipleChoiceFilter(choices=ReviewState.choices)
    min_confidence = filters.NumberFilter(field_name="confidence", lookup_expr="gte")
    suggested = BooleanFilter(
        field_name="suggested",
        help_text="Automatic readings below the engine's floor (true) or the rest (false)",
    )

    class Meta:
        model = Evidence
        fields = ["claim", "source", "speaker", "stance", "method", "review_state"]


class ReviewQueueFilter(FilterSet):
    priority = filters.MultipleChoiceFilter(
        field_name="review_priority", choices=ReviewPriority.choices
    )
    stance = filters.MultipleChoiceFilter(choices=Stance.choices)
    suggested = BooleanFilter(field_name="suggested")
    tag = filters.CharFilter(method="filter_tag", help_text="Claims with this tag")

    class Meta:
        model = Evidence
        fields = ["priority", "claim", "source", "speaker", "stance"]

    def filter_tag(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(claim__tags__contains=[value.strip().lower()])


class VerdictFilter(FilterSet):
    rating = filters.MultipleChoiceFilter(choices=Rating.choices)
    needs_review = BooleanFilter(
        field_name="needs_review",
        help_text="A source its evidence came from was corrected or retracted since",
    )

    class Meta:
        model = Verdict
        fields = ["claim", "rating", "published", "author"]


class FeedFilter(FilterSet):
    failing = BooleanFilter(method="filter_failing", help_text="Its last poll failed")
    search = filters.CharFilter(method="filter_search", help_text="In the title or URL")

    class Meta:
        model = Feed
        fields = ["active", "outlet"]

    def filter_failing(self, queryset: Any, name: str, value: bool) -> Any:
        return queryset.filter(failures__gt=0) if value else queryset.filter(failures=0)

    def filter_search(self, queryset: Any, name: str, value: str) -> Any:
        return queryset.filter(Q(title__icontains=value) | Q(url__icontains=value))


class CheckRunFilter(FilterSet):
    kind = filters.MultipleChoiceFilter(choices=CheckRunKind.choices)
    state = filters.MultipleChoiceFilter(choices=CheckRunState.choices)

    class Meta:
        model = CheckRun
        fields = ["kind", "state", "claim", "source", "feed"]


class WebhookDeliveryFilter(FilterSet):
    state = filters.MultipleChoiceFilter(choices=DeliveryState.choices)

    class Meta:
        model = WebhookDelivery
        fields = ["state", "subscription"]


class VerdictFlagFilter(FilterSet):
    open = BooleanFilter(
        field_name="cleared_at", lookup_expr="isnull", help_text="Not yet answered"
    )

    class Meta:
        model = VerdictFlag
        fields = ["claim", "verdict", "source"]


class OrderingFilter(rest_filters.OrderingFilter):
    """`ordering` as DRF reads it, with the id after the fields asked for (in the first
    field's direction), so rows that tie keep one order from page to page and a cursor walk
    gives the rows numbered pages give."""

    def get_ordering(self, request: Any, queryset: QuerySet[Any], view: Any) -> Any:
        ordering = super().get_ordering(request, queryset, view)
        if not ordering or not isinstance(ordering[0], str):
            return ordering
        fields = [str(o).lstrip("-") for o in ordering]
        if "id" in fields or "pk" in fields:
            return ordering
        return [*ordering, "-id" if ordering[0].startswith("-") else "id"]


class FilterBackend(DjangoFilterBackend):
    """django-filter, left out when the request names none of the list's filters: building
    and validating its form costs a couple of milliseconds a request, and with no filter
    given it changes nothing."""

    def filter_queryset(self, request: Any, queryset: QuerySet[Any], view: Any) -> Any:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        if not set(filterset_class.base_filters).intersection(request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)
