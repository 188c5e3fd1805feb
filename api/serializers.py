"""Serializers: shape and validate; the services do the work."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from factcheck.facts import corroboration
from factcheck.facts.models import (
    CheckRun,
    Claim,
    ClaimStatus,
    ClaimStatusChange,
    EventType,
    Evidence,
    ExternalReview,
    Feed,
    FeedEntry,
    Outlet,
    Rating,
    ReviewPriority,
    Source,
    SourceVersion,
    Speaker,
    Stance,
    StatusBasis,
    Verdict,
    VerdictFlag,
    WebhookDelivery,
    WebhookSubscription,
)
from factcheck.facts.quantity import COLUMNS as QUANTITY_COLUMNS
from factcheck.facts.quantity import ClaimQuantity
from factcheck.facts.selectors import (
    ChangeCursor,
    HistoryEntry,
    change_cursor_now,
    passage_in_context,
)
from factcheck.facts.services.claims import evidence_fact
from factcheck.facts.services.outlets import outlet_get_or_create
from factcheck.facts.services.speakers import speaker_get_or_create

MAX_ID = 2**63 - 1


class StrictCharField(serializers.CharField):
    """Text must come as a JSON string: 123 is not "123" (DRF's CharField would take it)."""

    default_error_messages = {"not_a_string": "Give text (a JSON string), not {kind}."}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            kind = "null" if data is None else type(data).__name__
            self.fail(
                "not_a_string",
                kind={"bool": "true/false", "int": "a number", "float": "a number"}.get(kind, kind),
            )
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """A yes or no must come as JSON true or false: 0, 1 and "yes" are not booleans."""

    default_error_messages = {"not_a_boolean": "Give true or false, not {value!r}."}

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("not_a_boolean", value=data)
        return data


def _refuse_non_numbers(field: serializers.Field[Any, Any, Any, Any], data: Any) -> None:
    if isinstance(data, bool) or not isinstance(data, int | float):
        field.fail("not_a_number", kind="true/false" if isinstance(data, bool) else repr(data))


class StrictFloatField(serializers.FloatField):
    """A number must come as a JSON number: "3" and true are not numbers."""

    default_error_messages = {"not_a_number": "Give a number, not {kind}."}

    def to_internal_value(self, data: Any) -> float:
        _refuse_non_numbers(self, data)
        return float(super().to_internal_value(data))


class StrictIntegerField(serializers.IntegerField):
    """A whole number must come as a JSON number: "3" and true are not numbers."""

    default_error_messages = {"not_a_number": "Give a whole number, not {kind}."}

    def to_internal_value(self, data: Any) -> int:
        _refuse_non_numbers(self, data)
        return int(super().to_internal_value(data))


class ModelSerializer(serializers.ModelSerializer[Any]):
    """A ModelSerializer whose text fields take only strings and booleans only true/false."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.BooleanField: StrictBooleanField,
        models.FloatField: StrictFloatField,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.URLField: StrictCharField,
    }


class NameOrIdField(serializers.Field[Any, Any, Any, Any]):
    """Accepts an id or a name. An unknown id is an error; an unknown name is created."""

    default_error_messages = {
        "does_not_exist": "No {model} has id {value}.",
        "invalid": "Give an id (a whole number) or a name (text).",
        "blank": "A name cannot be blank.",
        "too_long": "A name has at most 200 characters.",
    }

    def __init__(self, *, model: type[Outlet] | type[Speaker], **kwargs: Any) -> None:
        self.model = model
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Outlet | Speaker:
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, int):
            found = self.model.objects.filter(pk=data).first() if 0 < data <= MAX_ID else None
            if found is None:
                self.fail("does_not_exist", model=self.model.__name__.lower(), value=data)
            return found
        if not isinstance(data, str):
            self.fail("invalid")
        name = " ".join(data.split())
        if not name:
            self.fail("blank")
        if len(name) > 200:
            self.fail("too_long")
        if self.model is Outlet:
            return outlet_get_or_create(name=name)
        return speaker_get_or_create(name=name)

    def to_representation(self, value: Any) -> Any:
        return {"id": value.pk, "name": value.name}


class BriefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    name = StrictCharField(read_only=True)


class OutletSerializer(ModelSerializer):
    class Meta:
        model = Outlet
        fields = [
            "id",
            "name",
            "kind",
            "country",
            "domains",
            "state_affiliated",
            "owner_group",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    def validate_country(self, value: str) -> str:
        return _country(value)

    def validate_state_affiliated(self, value: str) -> str:
        return _country(value)

    def validate_domains(self, value: list[str]) -> list[str]:
        return sorted({d.strip().lower().removeprefix("www.") for d in value if d.strip()})


def _country(value: str) -> str:
    value = value.strip().upper()
    if value and not (len(value) == 2 and value.isalpha() and value.isascii()):
        raise serializers.ValidationError("Use a two-letter country code, such as US or KR.")
    return value


class SpeakerSerializer(ModelSerializer):
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Speaker.objects.all(), allow_null=True, required=False
    )
    root = BriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Speaker
        fields = [
            "id",
            "name",
            "kind",
            "aliases",
            "role",
            "country",
            "organization",
            "root",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    def validate_country(self, value: str) -> str:
        return _country(value)


class SourceSerializer(ModelSerializer):
    url = StrictCharField(read_only=True, help_text="Normalised URL; empty if none")
    outlet = BriefSerializer(read_only=True, allow_null=True)
    syndicated_from = BriefSerializer(read_only=True, allow_null=True)
    copy_of: serializers.PrimaryKeyRelatedField[Source] = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="The earlier source this one republishes (same or nearly the same text); "
        "its evidence counts as that source's origin.",
    )
    evidence_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Source
        fields = [
            "id",
            "url",
            "title",
            "outlet",
            "syndicated_from",
            "copy_of",
            "published_at",
            "language",
            "state",
            "error",
            "content_hash",
            "standing",
            "standing_note",
            "standing_changed_at",
            "next_refetch_at",
            "last_refetched_at",
            "refetch_error",
            "evidence_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SourceDetailSerializer(SourceSerializer):
    class Meta(SourceSerializer.Meta):
        fields = [*SourceSerializer.Meta.fields, "text"]
        read_only_fields = fields


class SourceAcceptedSerializer(SourceDetailSerializer):
    """A new source, with the check run that reads it (follow it at /check-runs/{id}/)."""

    check_run = serializers.IntegerField(read_only=True)

    class Meta(SourceDetailSerializer.Meta):
        fields = [*SourceDetailSerializer.Meta.fields, "check_run"]
        read_only_fields = fields


class SourceCreateSerializer(serializers.Serializer[Any]):
    url = serializers.URLField(max_length=2000, required=False, allow_blank=True, default="")
    title = StrictCharField(max_length=500, required=False, allow_blank=True, default="")
    text = StrictCharField(
        max_length=1_000_000,
        trim_whitespace=True,
        required=False,
        allow_blank=True,
        default="",
        help_text="Leave out to have the page at `url` fetched",
    )
    outlet = NameOrIdField(model=Outlet, required=False, allow_null=True, default=None)
    syndicated_from = NameOrIdField(model=Outlet, required=False, allow_null=True, default=None)
    published_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    language = StrictCharField(max_length=12, required=False, default="en")

    def validate_url(self, value: str) -> str:
        if value and not value.lower().startswith(("http://", "https://")):
            raise serializers.ValidationError("Only http and https URLs are accepted.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("text") and not attrs.get("url"):
            raise serializers.ValidationError(
                {"text": "Give the source's text, or a URL to fetch it from."}
            )
        return attrs


class QuantitySerializer(serializers.Serializer[Any]):
    value = StrictFloatField(
        required=False, allow_null=True, default=None, min_value=-1e15, max_value=1e15
    )
    low = StrictFloatField(
        required=False, allow_null=True, default=None, min_value=-1e15, max_value=1e15
    )
    high = StrictFloatField(
        required=False, allow_null=True, default=None, min_value=-1e15, max_value=1e15
    )
    unit = StrictCharField(max_length=100, required=False, allow_blank=True, default="")
    approximate = StrictBooleanField(required=False, default=False)
    about = StrictCharField(max_length=300, required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        quantity = ClaimQuantity.from_dict(attrs)
        if not quantity.has_figure:
            raise serializers.ValidationError("A quantity needs a value, a low or a high bound.")
        if problems := quantity.problems():
            raise serializers.ValidationError(problems)
        return attrs


# The claims list reads its page as rows (`.values()`), not model instances, and writes
# each row as ClaimSerializer would: DRF's per-field machinery cost the busy list about
# two thirds of its rate (bench/list_queries.py). `tests/api/test_claims.py` holds the
# two to the same output.
CLAIM_ROW_FIELDS = (
    "id",
    "text",
    *QUANTITY_COLUMNS,
    "as_of",
    "speaker_id",
    "speaker__name",
    "first_source_id",
    "tags",
    "status",
    "status_basis",
    "status_explanation",
    "status_detail",
    "last_checked_at",
    "current_verdict_id",
    "current_verdict__rating",
    "current_verdict__published",
    "current_verdict__created_at",
    "evidence_count",
    "supporting_evidence_count",
    "contradicting_evidence_count",
    "created_at",
    "updated_at",
)


def _when(value: Any) -> str | None:
    """A date or time as DRF writes it (UTC as "Z")."""
    if value is None:
        return None
    text = str(value.isoformat())
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def claim_row(r: dict[str, Any]) -> dict[str, Any]:
    """One claim of a list page, from its `CLAIM_ROW_FIELDS` values, as ClaimSerializer
    writes it."""
    quantity = ClaimQuantity.of(r)
    return {
        "id": r["id"],
        "text": r["text"],
        "quantity": quantity.as_dict() if quantity else None,
        "as_of": _when(r["as_of"]),
        "speaker": {"id": r["speaker_id"], "name": r["speaker__name"]}
        if r["speaker_id"] is not None
        else None,
        "first_source": r["first_source_id"],
        "tags": list(r["tags"]),
        "status": r["status"],
        "status_basis": r["status_basis"],
        "status_explanation": r["status_explanation"],
        "status_detail": r["status_detail"],
        "last_checked_at": _when(r["last_checked_at"]),
        "current_verdict": {
            "id": r["current_verdict_id"],
            "rating": r["current_verdict__rating"],
            "published": r["current_verdict__published"],
            "created_at": _when(r["current_verdict__created_at"]),
        }
        if r["current_verdict_id"] is not None
        else None,
        "evidence_count": r["evidence_count"],
        "supporting_evidence_count": r["supporting_evidence_count"],
        "contradicting_evidence_count": r["contradicting_evidence_count"],
        "created_at": _when(r["created_at"]),
        "updated_at": _when(r["updated_at"]),
    }


class VerdictBriefSerializer(ModelSerializer):
    class Meta:
        model = Verdict
        fields = ["id", "rating", "published", "created_at"]
        read_only_fields = fields


class ClaimSerializer(ModelSerializer):
    speaker = NameOrIdField(model=Speaker, required=False, allow_null=True)
    first_source = serializers.PrimaryKeyRelatedField(
        queryset=Source.objects.all(), required=False, allow_null=True
    )
    quantity = QuantitySerializer(required=False, allow_null=True)
    tags = serializers.ListField(
        child=StrictCharField(max_length=50), required=False, max_length=50
    )
    current_verdict = VerdictBriefSerializer(read_only=True, allow_null=True)
    force = StrictBooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="Create the claim even if it repeats one you posted a moment ago (else 409).",
    )
    evidence_count = serializers.IntegerField(read_only=True)
    supporting_evidence_count = serializers.IntegerField(read_only=True)
    contradicting_evidence_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Claim
        fields = [
            "id",
            "text",
            "quantity",
            "as_of",
            "speaker",
            "first_source",
            "tags",
            "status",
            "status_basis",
            "status_explanation",
            "status_detail",
            "last_checked_at",
            "current_verdict",
            "evidence_count",
            "supporting_evidence_count",
            "contradicting_evidence_count",
            "created_at",
            "updated_at",
            "force",
        ]
        read_only_fields = [
            "status",
            "status_basis",
            "status_explanation",
            "status_detail",
            "last_checked_at",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"text": {"max_length": 5000}}

    def to_representation(self, instance: Claim) -> dict[str, Any]:
        data = super().to_representation(instance)
        quantity = ClaimQuantity.of(instance)
        data["quantity"] = quantity.as_dict() if quantity else None
        return data

    def service_arguments(self) -> dict[str, Any]:
        """The validated data as claim_create / claim_update keyword arguments."""
        data = dict(self.validated_data)
        data.pop("force", None)
        if "quantity" in data:  # null clears the figure
            data.update(ClaimQuantity.from_dict(data.pop("quantity")).columns())
        return data


class EvidenceSerializer(ModelSerializer):
    source: Any = serializers.SerializerMethodField()
    speaker: Any = serializers.SerializerMethodField()
    origin = serializers.SerializerMethodField()
    reviewed_by: Any = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    automatic_stance = serializers.ChoiceField(
        choices=Stance.choices, allow_blank=True, read_only=True
    )
    suggested = serializers.BooleanField(
        read_only=True,
        help_text="An automatic reading below the engine's confidence floor for its stance "
        "(FACTCHECK_AUTO_SUPPORT_FLOOR / FACTCHECK_AUTO_CONTRADICT_FLOOR): listed for "
        "review, not counted in the claim's status until a person confirms it.",
    )

    class Meta:
        model = Evidence
        fields = [
            "id",
            "claim",
            "source",
            "speaker",
            "origin",
            "stance",
            "quote",
            "quote_start",
            "quote_end",
            "figure_value",
            "figure_text",
            "confidence",
            "suggested",
            "method",
            "engine_version",
            "engine_notes",
            "automatic_stance",
            "review_state",
            "reviewed_by",
            "reviewed_at",
            "review_note",
            "withdrawn_at",
            "withdrawn_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_source(self, obj: Evidence) -> dict[str, Any]:
        s = obj.source
        return {
            "id": s.pk,
            "title": s.title,
            "url": s.url,
            "outlet": s.outlet.name if s.outlet else None,
            "syndicated_from": s.syndicated_from.name if s.syndicated_from else None,
            "published_at": s.published_at,
        }

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_speaker(self, obj: Evidence) -> dict[str, Any] | None:
        if obj.speaker is None:
            return None
        root = obj.speaker.root or obj.speaker
        return {
            "id": obj.speaker.pk,
            "name": obj.speaker.name,
            "root": {"id": root.pk, "name": root.name},
        }

    @extend_schema_field(OpenApiTypes.STR)
    def get_origin(self, obj: Evidence) -> str:
        return evidence_fact(obj).origin.label


class EvidenceCreateSerializer(serializers.Serializer[Any]):
    claim = serializers.PrimaryKeyRelatedField(queryset=Claim.objects.all())
    source: Any = serializers.PrimaryKeyRelatedField(queryset=Source.objects.all())
    speaker = NameOrIdField(model=Speaker, required=False, allow_null=True, default=None)
    stance = serializers.ChoiceField(choices=Stance.choices)
    quote = StrictCharField(
        required=False, allow_blank=True, default="", max_length=5000, trim_whitespace=False
    )
    quote_start = StrictIntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=10_000_000
    )
    quote_end = StrictIntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=10_000_000
    )
    figure_value = StrictFloatField(
        required=False, allow_null=True, default=None, min_value=-1e15, max_value=1e15
    )
    figure_text = StrictCharField(required=False, allow_blank=True, default="", max_length=200)
    confidence = StrictFloatField(required=False, default=1.0, min_value=0.0, max_value=1.0)


class EvidenceReviewSerializer(serializers.Serializer[Any]):
    stance = serializers.ChoiceField(
        choices=Stance.choices,
        required=False,
        allow_null=True,
        default=None,
        help_text="Leave out to confirm the current stance; give another to override it.",
    )
    reject = StrictBooleanField(
        required=False,
        default=False,
        help_text="The reading is wrong: it counts for nothing, and the engine never makes it "
        "again for this claim, source and speaker. Not with `stance`.",
    )
    note = StrictCharField(required=False, allow_blank=True, default="", max_length=2000)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["reject"] and attrs["stance"] is not None:
            raise serializers.ValidationError(
                {"reject": "Reject a reading, or give its stance: not both."}
            )
        return attrs


class ReviewQueueEntrySerializer(EvidenceSerializer):
    """An unreviewed reading with what reviewing it would do and the text around it."""

    claim: Any = serializers.SerializerMethodField()
    status_now = serializers.ChoiceField(
        source="claim.status", choices=ClaimStatus.choices, read_only=True
    )
    status_if_confirmed = serializers.ChoiceField(choices=ClaimStatus.choices, read_only=True)
    status_if_rejected = serializers.ChoiceField(choices=ClaimStatus.choices, read_only=True)
    consequence = serializers.SerializerMethodField()
    priority = serializers.ChoiceField(
        source="review_priority", choices=ReviewPriority.choices, read_only=True
    )
    paragraph = serializers.SerializerMethodField()

    class Meta(EvidenceSerializer.Meta):
        fields = [
            "id",
            "priority",
            "claim",
            "status_now",
            "status_if_confirmed",
            "status_if_rejected",
            "consequence",
            "stance",
            "confidence",
            "suggested",
            "quote",
            "quote_start",
            "quote_end",
            "paragraph",
            "speaker",
            "origin",
            "source",
            "figure_text",
            "engine_version",
            "engine_notes",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_claim(self, obj: Evidence) -> dict[str, Any]:
        claim = obj.claim
        return {
            "id": claim.pk,
            "text": claim.text,
            "status": claim.status,
            "status_basis": claim.status_basis,
            "speaker": claim.speaker.name if claim.speaker else None,
            "created_at": claim.created_at,
        }

    @extend_schema_field(OpenApiTypes.STR)
    def get_consequence(self, obj: Evidence) -> str:
        return corroboration.consequence_sentence(
            obj.claim.status, obj.status_if_confirmed, obj.status_if_rejected
        )

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_paragraph(self, obj: Evidence) -> dict[str, str]:
        """The quote inside its paragraph: `before` + `quote` + `after`."""
        found = passage_in_context(obj.source.text, obj.quote_start, obj.quote_end)
        return {"before": found.before, "quote": found.quote, "after": found.after}


class VerdictSerializer(ModelSerializer):
    claim = serializers.PrimaryKeyRelatedField(queryset=Claim.objects.all())
    rating = serializers.ChoiceField(choices=Rating.choices)
    author: Any = serializers.SlugRelatedField(slug_field="username", read_only=True)
    needs_review = serializers.SerializerMethodField(
        help_text="A source its claim's evidence came from was corrected or retracted since "
        "(see /verdict-flags/); the claim's next verdict answers it."
    )

    class Meta:
        model = Verdict
        fields = [
            "id",
            "claim",
            "rating",
            "summary",
            "author",
            "published",
            "needs_review",
            "created_at",
        ]
        read_only_fields = ["author", "created_at"]
        extra_kwargs = {"summary": {"max_length": 10000}}

    def get_needs_review(self, obj: Verdict) -> bool:
        return bool(getattr(obj, "needs_review", False))


class VerdictFlagSerializer(ModelSerializer):
    open = serializers.SerializerMethodField(help_text="Not yet answered by a newer verdict")

    class Meta:
        model = VerdictFlag
        fields = [
            "id",
            "verdict",
            "claim",
            "source",
            "reason",
            "open",
            "created_at",
            "cleared_at",
            "cleared_by_verdict",
        ]
        read_only_fields = fields

    def get_open(self, obj: VerdictFlag) -> bool:
        return obj.cleared_at is None


class FeedSerializer(ModelSerializer):
    url = serializers.URLField(max_length=2000, help_text="RSS or Atom feed; stored normalised")
    title = StrictCharField(max_length=500, required=False, allow_blank=True, default="")
    outlet = NameOrIdField(
        model=Outlet,
        required=False,
        allow_null=True,
        default=None,
        help_text="The outlet of its entries (id or name); none: the outlet whose domains "
        "match each entry's URL",
    )
    entry_count = serializers.IntegerField(read_only=True)
    source_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Feed
        fields = [
            "id",
            "url",
            "title",
            "outlet",
            "poll_interval",
            "active",
            "next_poll_at",
            "last_polled_at",
            "last_success_at",
            "failures",
            "last_error",
            "entry_count",
            "source_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "next_poll_at",
            "last_polled_at",
            "last_success_at",
            "failures",
            "last_error",
            "created_at",
            "updated_at",
        ]

    def validate_url(self, value: str) -> str:
        if not value.lower().startswith(("http://", "https://")):
            raise serializers.ValidationError("Only http and https URLs are accepted.")
        return value


class FeedEntrySerializer(ModelSerializer):
    class Meta:
        model = FeedEntry
        fields = ["id", "entry_id", "url", "title", "published_at", "source", "error", "created_at"]
        read_only_fields = fields


class CheckRunSerializer(ModelSerializer):
    duration_seconds = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = CheckRun
        fields = [
            "id",
            "kind",
            "state",
            "claim",
            "source",
            "feed",
            "trigger",
            "counts",
            "error",
            "attempts",
            "created_at",
            "started_at",
            "finished_at",
            "duration_seconds",
        ]
        read_only_fields = fields


class FirstStatusField(serializers.ChoiceField):
    """The status before a change; the first status a claim gets has none (null, not "")."""

    def to_representation(self, value: Any) -> Any:
        return value or None


class StatusChangeSerializer(ModelSerializer):
    from_status = FirstStatusField(
        choices=ClaimStatus.choices,
        allow_null=True,
        read_only=True,
        help_text="The status before the change; null for the claim's first status.",
    )
    from_basis = FirstStatusField(
        choices=StatusBasis.choices,
        allow_null=True,
        read_only=True,
        help_text="The basis before the change; null for the claim's first status.",
    )

    class Meta:
        model = ClaimStatusChange
        fields = [
            "id",
            "from_status",
            "to_status",
            "from_basis",
            "to_basis",
            "changed_at",
            "trigger",
            "trigger_source",
            "explanation",
            "detail",
        ]
        read_only_fields = fields


class HistoryEntrySerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=["status", "verdict"])
    at = serializers.DateTimeField()
    status_change = serializers.SerializerMethodField()
    verdict = serializers.SerializerMethodField()

    @extend_schema_field(StatusChangeSerializer(allow_null=True))
    def get_status_change(self, entry: HistoryEntry) -> dict[str, Any] | None:
        if entry.kind != "status":
            return None
        return StatusChangeSerializer(entry.item).data

    @extend_schema_field(VerdictSerializer(allow_null=True))
    def get_verdict(self, entry: HistoryEntry) -> dict[str, Any] | None:
        if entry.kind != "verdict":
            return None
        return VerdictSerializer(entry.item).data


class StatsQuerySerializer(serializers.Serializer[Any]):
    since = serializers.DateTimeField(required=False, default=None)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.initial_data.get("since") == "":
            raise serializers.ValidationError({"since": ["Give a date and time, or leave it out."]})
        return attrs


class StatsSerializer(serializers.Serializer[Any]):
    claims = serializers.IntegerField()
    claims_by_status = serializers.DictField(child=serializers.IntegerField())
    claims_by_basis = serializers.DictField(child=serializers.IntegerField())
    claims_by_verdict = serializers.DictField(child=serializers.IntegerField())
    claims_without_verdict = serializers.IntegerField()
    sources = serializers.IntegerField()
    sources_by_state = serializers.DictField(child=serializers.IntegerField())
    evidence = serializers.IntegerField()
    evidence_awaiting_review = serializers.IntegerField()
    evidence_changing_a_status = serializers.IntegerField(
        help_text="Unreviewed readings whose confirmation or rejection would change a status"
    )
    verdicts_to_look_at_again = serializers.IntegerField(
        help_text="Verdicts with an open flag: a source of their evidence was corrected or "
        "retracted since (/verdict-flags/?open=true)"
    )
    check_runs_by_state = serializers.DictField(child=serializers.IntegerField())
    failed_check_runs = serializers.IntegerField()
    since = serializers.DateTimeField(allow_null=True)
    claims_changed_since = serializers.IntegerField(allow_null=True)
    status_changes_since = serializers.IntegerField(allow_null=True)


class MatchRequestSerializer(serializers.Serializer[Any]):
    text = StrictCharField(
        max_length=settings.FACTCHECK_MAX_MATCH_CHARS,
        trim_whitespace=True,
        help_text="At most FACTCHECK_MAX_MATCH_CHARS characters (20,000: a long article); "
        "post longer texts as sources.",
    )
    published_at = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="When the text was published: figures are compared at that time",
    )
    limit = StrictIntegerField(required=False, default=20, min_value=1, max_value=50)


class MatchSerializer(serializers.Serializer[Any]):
    claim = serializers.DictField()
    stance = serializers.ChoiceField(choices=Stance.choices)
    confidence = serializers.FloatField()
    suggested = serializers.BooleanField(
        help_text="Below the engine's confidence floor for its stance: were the text a source, "
        "this reading would be recorded for review and not counted in the status."
    )
    passage = serializers.DictField()
    figure = serializers.DictField(allow_null=True)
    speaker = serializers.DictField(allow_null=True)
    speaker_mention = StrictCharField(allow_blank=True)
    explanation = serializers.DictField()


class ChangeQuerySerializer(serializers.Serializer[Any]):
    after = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        help_text="The `next` cursor of the page read before; `now` to start from the "
        "present (no history); leave out to read from the first event.",
    )
    type = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        help_text="Event types, comma-separated: " + ", ".join(t.value for t in EventType),
    )
    tag = serializers.CharField(required=False, default="", allow_blank=True)
    claim = serializers.IntegerField(required=False, default=None, min_value=1, max_value=2**63 - 1)
    limit = serializers.IntegerField(required=False, default=100, min_value=1, max_value=500)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        blank = [name for name in ("claim", "limit") if self.initial_data.get(name) == ""]
        if blank:
            raise serializers.ValidationError(
                {name: ["Give a whole number, or leave it out."] for name in blank}
            )
        return attrs

    def validate_after(self, value: str) -> ChangeCursor | None:
        if not value:
            return None
        if value == "now":
            return change_cursor_now()
        try:
            return ChangeCursor.decode(value)
        except ValueError:
            raise serializers.ValidationError(
                "Not a cursor of this stream: pass the `next` value of a page you read."
            ) from None

    def validate_type(self, value: str) -> list[str]:
        types = [t.strip() for t in value.split(",") if t.strip()]
        unknown = sorted(set(types) - set(EventType.values))
        if unknown:
            raise serializers.ValidationError(
                f"Unknown event type(s) {', '.join(unknown)}; known: {', '.join(EventType.values)}."
            )
        return types


class ChangeSerializer(serializers.Serializer[Any]):
    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        # `source` and `data` name attributes of a serializer: declared here, not on the class.
        return {
            "cursor": serializers.CharField(
                help_text="Pass as `after` to read what follows this event."
            ),
            "type": serializers.ChoiceField(choices=EventType.choices),
            "occurred_at": serializers.DateTimeField(),
            "claim": serializers.IntegerField(allow_null=True, source="claim_id"),
            "source": serializers.IntegerField(allow_null=True, source="source_id"),
            "data": serializers.DictField(help_text="What changed; its fields depend on the type."),
        }


class ChangePageSerializer(serializers.Serializer[Any]):
    results = ChangeSerializer(many=True)
    next = serializers.CharField(
        allow_null=True,
        help_text="Pass as `after` for the next page (the same cursor when nothing is new "
        "yet); null only when the stream is empty and no cursor was given.",
    )
    has_more = serializers.BooleanField()


class WebhookSerializer(ModelSerializer):
    url = serializers.URLField(max_length=2000, help_text="Where deliveries are POSTed")
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.choices),
        required=False,
        default=list,
        help_text="The event types to deliver; empty: all of them",
    )
    tag = StrictCharField(
        max_length=50,
        required=False,
        allow_blank=True,
        default="",
        help_text="Only events on claims with this tag",
    )
    secret = serializers.CharField(
        read_only=True,
        help_text="Verify each delivery's `webhook-signature` with it (Standard Webhooks)",
    )

    class Meta:
        model = WebhookSubscription
        fields = ["id", "url", "event_types", "tag", "active", "secret", "created_at"]
        read_only_fields = ["created_at"]


class WebhookDeliverySerializer(ModelSerializer):
    type = serializers.CharField(source="event.type", read_only=True)
    log = serializers.ListField(
        child=serializers.DictField(),
        read_only=True,
        help_text="The last attempts: attempt, at, status_code, latency_ms, error",
    )

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "subscription",
            "event",
            "type",
            "state",
            "attempts",
            "next_attempt_at",
            "status_code",
            "latency_ms",
            "error",
            "log",
            "created_at",
            "delivered_at",
        ]
        read_only_fields = fields


class ReviewImportQuerySerializer(serializers.Serializer[Any]):
    tag = serializers.ListField(
        child=serializers.CharField(max_length=50),
        required=False,
        default=list,
        max_length=20,
        help_text="Tag the new claims (repeat the parameter for several); every imported "
        "claim is also tagged `claimreview`.",
    )
    backfill = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Also screen each new claim against the sources already stored.",
    )


class SkippedReviewSerializer(serializers.Serializer[Any]):
    where = serializers.CharField(help_text="Its place in the payload, as a JSON path")
    reason = serializers.CharField()


class ReviewImportReportSerializer(serializers.Serializer[Any]):
    found = serializers.IntegerField(help_text="ClaimReviews and other objects found")
    claims_created = serializers.IntegerField()
    claims_joined = serializers.IntegerField(
        help_text="New reviews of a claim already tracked with the same words"
    )
    reviews_created = serializers.IntegerField()
    reviews_updated = serializers.IntegerField()
    reviews_unchanged = serializers.IntegerField()
    skipped = serializers.IntegerField()
    skipped_by_reason = serializers.DictField(child=serializers.IntegerField())
    skipped_items = SkippedReviewSerializer(many=True, help_text="The first 100 skipped")
    embedded = serializers.IntegerField()
    embedding_run = serializers.IntegerField(
        allow_null=True,
        help_text="The check run computing the new claims' vectors: they are matched "
        "against new texts once it is done",
    )
    backfills_queued = serializers.IntegerField()


class ExternalReviewSerializer(ModelSerializer):
    class Meta:
        model = ExternalReview
        fields = [
            "id",
            "claim",
            "url",
            "publisher",
            "publisher_url",
            "claim_reviewed",
            "rating_text",
            "rating_value",
            "best_rating",
            "worst_rating",
            "published",
            "claimant",
            "appearances",
            "language",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SourceVersionSerializer(ModelSerializer):
    replaced_by: Any = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = SourceVersion
        fields = [
            "id",
            "text",
            "title",
            "content_hash",
            "replaced_at",
            "reason",
            "note",
            "replaced_by",
        ]
        read_only_fields = fields


class SourceCorrectionSerializer(serializers.Serializer[Any]):
    note = StrictCharField(
        max_length=2000, help_text="What was corrected (shown with the source and its events)"
    )
    text = StrictCharField(
        max_length=1_000_000,
        required=False,
        default="",
        allow_blank=True,
        help_text="The corrected text; leave out when only the fact of a correction is known "
        "(its claims are re-checked and their verdicts flagged, its text stays)",
    )


class SourceRetractionSerializer(serializers.Serializer[Any]):
    note = StrictCharField(max_length=2000, help_text="Why, or the publisher's notice")


class StandingReportSerializer(serializers.Serializer[Any]):
    changed = serializers.BooleanField(help_text="The text was replaced by a new version")
    evidence_withdrawn = serializers.IntegerField()
    claims_rechecked = serializers.IntegerField()
    verdicts_flagged = serializers.IntegerField()
    check_run = serializers.IntegerField(allow_null=True, help_text="The run reading the new text")
    source: Any = SourceSerializer()
