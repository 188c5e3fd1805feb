"""Query-string filters for the list endpoints (django-filter)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django import forms
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F, QuerySet
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField

from factcheck.facts.models import (
    CheckRun,
    CheckRunKind,
    CheckRunState,
    Claim,
    ClaimStatus,
    Evidence,
    EvidenceMethod,
    Outlet,
    OutletKind,
    ProcessingState,
    Rating,
    ReviewState,
    Source,
    Speaker,
    SpeakerKind,
    Stance,
    Verdict,
)


class UtcIsoDateTimeField(IsoDateTimeField):
    """ISO 8601 in, UTC out: PostgreSQL refuses offsets beyond 15:59, and UTC always fits."""

    def to_python(self, value: Any) -> datetime | None:
        parsed = super().to_python(value)
        if parsed is None:
            return None
        try:
            return parsed.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError("Date and time out of range.", code="invalid") from None


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


def full_text(queryset: QuerySet, value: str) -> QuerySet:
    if not value.strip():
        return queryset
    query = SearchQuery(value, search_type="websearch", config="english")
    return (
        queryset.filter(search_vector=query)
        .annotate(search_rank=SearchRank(F("search_vector"), query))
        .order_by("-search_rank", "-id")
    )


class OutletFilter(filters.FilterSet):
    kind = filters.MultipleChoiceFilter(choices=OutletKind.choices)
    country = filters.CharFilter(lookup_expr="iexact")
    search = filters.CharFilter(field_name="name", lookup_expr="icontains")
    domain = filters.CharFilter(field_name="domains", lookup_expr="icontains")

    class Meta:
        model = Outlet
        fields = ["kind", "country", "owner_group"]


class SpeakerFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=SpeakerKind.choices)
    search = filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = Speaker
        fields = ["kind", "organization", "root", "country"]


class SourceFilter(filters.FilterSet):
    state = filters.MultipleChoiceFilter(choices=ProcessingState.choices)
    published_after = UtcDateTimeFilter(field_name="published_at", lookup_expr="gte")
    published_before = UtcDateTimeFilter(field_name="published_at", lookup_expr="lt")
    search = filters.CharFilter(method="filter_search", help_text="Full-text search")

    class Meta:
        model = Source
        fields = ["outlet", "syndicated_from", "state", "language"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return full_text(queryset, value)


class ClaimFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=ClaimStatus.choices)
    verdict = filters.ChoiceFilter(field_name="current_verdict__rating", choices=Rating.choices)
    has_verdict = filters.BooleanFilter(
        field_name="current_verdict", lookup_expr="isnull", exclude=True
    )
    tag = filters.CharFilter(method="filter_tag")
    as_of_after = filters.DateFilter(field_name="as_of", lookup_expr="gte")
    as_of_before = filters.DateFilter(field_name="as_of", lookup_expr="lte")
    changed_since = UtcDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    checked_before = UtcDateTimeFilter(field_name="last_checked_at", lookup_expr="lt")
    search = filters.CharFilter(method="filter_search", help_text="Full-text search")

    class Meta:
        model = Claim
        fields = ["status", "speaker", "first_source"]

    def filter_tag(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(tags__contains=[value.strip().lower()])

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return full_text(queryset, value)


class EvidenceFilter(filters.FilterSet):
    stance = filters.MultipleChoiceFilter(choices=Stance.choices)
    method = filters.ChoiceFilter(choices=EvidenceMethod.choices)
    review_state = filters.MultipleChoiceFilter(choices=ReviewState.choices)
    min_confidence = filters.NumberFilter(field_name="confidence", lookup_expr="gte")

    class Meta:
        model = Evidence
        fields = ["claim", "source", "speaker", "stance", "method", "review_state"]


class VerdictFilter(filters.FilterSet):
    rating = filters.MultipleChoiceFilter(choices=Rating.choices)

    class Meta:
        model = Verdict
        fields = ["claim", "rating", "published", "author"]


class CheckRunFilter(filters.FilterSet):
    kind = filters.MultipleChoiceFilter(choices=CheckRunKind.choices)
    state = filters.MultipleChoiceFilter(choices=CheckRunState.choices)

    class Meta:
        model = CheckRun
        fields = ["kind", "state", "claim", "source"]
