"""The fact-checkers' workplace. Every change goes through the same services as the API."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from factcheck.facts import admin_html, corroboration, roles, selectors
from factcheck.facts.models import (
    CheckRun,
    Claim,
    ClaimStatusChange,
    Event,
    Evidence,
    ExternalReview,
    Feed,
    FeedEntry,
    Outlet,
    ReviewQueueEntry,
    ReviewState,
    Source,
    SourceVersion,
    Speaker,
    Stance,
    Verdict,
    VerdictFlag,
    WebhookDelivery,
    WebhookSubscription,
)
from factcheck.facts.quantity import COLUMNS as QUANTITY_COLUMNS
from factcheck.facts.selectors import evidence_suggested_q
from factcheck.facts.services.claims import claim_create, claim_request_recheck, claim_update
from factcheck.facts.services.corrections import source_retract
from factcheck.facts.services.evidence import evidence_create, evidence_review
from factcheck.facts.services.feeds import feed_create, feed_queue_poll, feed_update
from factcheck.facts.services.sources import source_retry
from factcheck.facts.services.speakers import speaker_save
from factcheck.facts.services.verdicts import verdict_create
from factcheck.facts.services.webhooks import webhook_replay

REVIEW_FIELDS = (
    "publisher",
    "rating_text",
    "rating_value",
    "best_rating",
    "published",
    "claimant",
    "url",
)
ENTRY_FIELDS = ("title", "url", "published_at", "source", "error", "created_at")
FEED_STATE = ["next_poll_at", "last_polled_at", "last_success_at", "failures", "last_error"]

# More room for the lists on a 1366-px screen; the index page lists every model.
admin.site.enable_nav_sidebar = False

# The admin shows each row's review state where the person acts on it; it does not yet carry
# the version seen through the form, so its reviews name any version.
ADMIN_SAW_IT = "*"


def acting_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionError("admin changes need a signed-in user")
    return user


def _report(
    request: HttpRequest, modeladmin: admin.ModelAdmin[Any], error: ValidationError
) -> None:
    modeladmin.message_user(request, "; ".join(error.messages), level=messages.ERROR)


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Lists and pages that show what happened: nothing is added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin[Outlet]):
    list_display = ["name", "kind", "country", "state_affiliated", "owner_group"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "owner_group"]


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin[Speaker]):
    list_display = ["name", "kind", "role", "organization", "root"]
    list_filter = ["kind"]
    search_fields = ["name", "aliases", "role"]
    autocomplete_fields = ["organization"]
    readonly_fields = ["root"]

    def save_model(self, request: HttpRequest, obj: Speaker, form: Any, change: bool) -> None:
        speaker_save(speaker=obj)


VERSION_FIELDS = ("replaced_at", "reason", "note", "replaced_by", "title", "text")


class SourceVersionInline(admin.StackedInline[SourceVersion, Any]):
    """Earlier texts, as they were before each correction; read-only."""

    model = SourceVersion
    extra = 0
    max_num = 0
    can_delete = False
    verbose_name_plural = "earlier versions (before each correction)"
    fields = VERSION_FIELDS
    readonly_fields = VERSION_FIELDS
    classes = ["collapse"]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.has_perm("facts.view_source"))


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin[Source]):
    list_display = [
        "__str__",
        "outlet",
        "syndicated_from",
        "published_at",
        "state",
        "standing",
        "error",
    ]
    list_filter = ["state", "standing", "outlet"]
    search_fields = ["title", "url"]
    readonly_fields = [
        "text_with_evidence",
        "content_hash",
        "copy_of",
        "state",
        "error",
        "standing",
        "standing_note",
        "standing_changed_at",
        "next_refetch_at",
        "last_refetched_at",
        "refetch_error",
        "created_at",
        "updated_at",
    ]
    autocomplete_fields = ["outlet", "syndicated_from"]
    inlines = [SourceVersionInline]
    actions = ["retry", "retract"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description="text, with its evidence")
    def text_with_evidence(self, obj: Source) -> str:
        spans = [
            admin_html.Span(e.quote_start, e.quote_end, e.claim_id, e.claim.text, e.stance)
            for e in Evidence.objects.filter(source=obj, quote_start__isnull=False)
            .exclude(review_state=ReviewState.REJECTED)
            .select_related("claim")
            if e.quote_start is not None and e.quote_end is not None
        ]
        return admin_html.marked_text_html(obj.text, spans)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # sources come in through the API or `manage.py load_seeds`

    @admin.action(description="Retry processing of the selected sources")
    def retry(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        queued = 0
        for source in queryset:
            try:
                source_retry(source=source, requested_by=acting_user(request))
                queued += 1
            except ValidationError as error:
                _report(request, self, error)
        self.message_user(request, f"Queued {queued} source(s) again.")

    @admin.action(description="Mark the selected sources retracted by their publisher")
    def retract(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        flagged = done = 0
        for source in queryset:
            try:
                report = source_retract(
                    source_id=source.pk,
                    note=f"marked retracted in the admin by {request.user.get_username()}",
                    by=acting_user(request),
                )
            except ValidationError as error:
                _report(request, self, error)
                continue
            done += 1
            flagged += report["verdicts_flagged"]
        self.message_user(
            request,
            f"Retracted {done} source(s): their evidence no longer counts; "
            f"{flagged} verdict(s) flagged for review.",
        )


def quote_in_paragraph(evidence: Evidence) -> str:
    found = selectors.passage_in_context(
        evidence.source.text, evidence.quote_start, evidence.quote_end
    )
    if not found.quote:
        return evidence.quote
    return format_html("{}<mark>{}</mark>{}", found.before, found.quote, found.after)


class EvidenceInline(admin.TabularInline[Evidence, Any]):
    model = Evidence
    extra = 0
    fields = [
        "source",
        "speaker",
        "stance",
        "in_paragraph",
        "confidence",
        "method",
        "engine_rule",
        "review_state",
        "reviewed_by",
    ]
    readonly_fields = [
        "source",
        "speaker",
        "in_paragraph",
        "confidence",
        "method",
        "engine_rule",
        "review_state",
        "reviewed_by",
    ]
    can_delete = False
    show_change_link = True

    @admin.display(description="quote, in its paragraph")
    def in_paragraph(self, obj: Evidence) -> str:
        return quote_in_paragraph(obj)

    @admin.display(description="why (engine)")
    def engine_rule(self, obj: Evidence) -> str:
        return str(obj.engine_notes.get("rule", "")) if obj.engine_notes else ""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Evidence]:
        return super().get_queryset(request).select_related("source", "speaker", "reviewed_by")


class ExternalReviewInline(admin.TabularInline[ExternalReview, Any]):
    """Other publishers' fact-checks of the claim (imported ClaimReviews); read-only."""

    model = ExternalReview
    extra = 0
    max_num = 0
    can_delete = False
    verbose_name = "fact-check by another publisher"
    verbose_name_plural = "fact-checks by other publishers (imported; they move no status)"
    fields = REVIEW_FIELDS
    readonly_fields = REVIEW_FIELDS

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.has_perm("facts.view_claim"))


class VerdictInline(admin.StackedInline[Verdict, Any]):
    """Earlier verdicts read-only; one empty form adds a new one (append-only)."""

    model = Verdict
    extra = 1
    fields = ["rating", "summary", "published", "author", "created_at"]
    readonly_fields = ["author", "created_at"]
    can_delete = False
    verbose_name_plural = "verdicts (newest first; add one below)"

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is not None and roles.has_role(request.user, roles.FACT_CHECKER)


class TagFilter(admin.SimpleListFilter):
    title = "tag"
    parameter_name = "tag"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        tags = sorted({t for tags in Claim.objects.values_list("tags", flat=True) for t in tags})
        return [(t, t) for t in tags]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        return queryset.filter(tags__contains=[self.value()]) if self.value() else queryset


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin[Claim]):
    list_display = [
        "short_text",
        "status_column",
        "verdict",
        "evidence_total",
        "speaker",
        "last_checked_at",
    ]
    list_filter = ["status", "status_basis", "current_verdict__rating", TagFilter, "speaker"]
    search_fields = ["text"]
    autocomplete_fields = ["speaker", "first_source"]
    readonly_fields = [
        "status_column",
        "explanation",
        "timeline",
        "last_checked_at",
        "current_verdict",
    ]
    fieldsets = [
        (
            "Corroboration",
            {
                "fields": [
                    "status_column",
                    "explanation",
                    "timeline",
                    "last_checked_at",
                    "current_verdict",
                ]
            },
        ),
        ("The claim", {"fields": ["text", "as_of", "speaker", "first_source", "tags"]}),
        (
            "Quantity",
            {
                "fields": list(QUANTITY_COLUMNS),
                "classes": ["collapse"],
            },
        ),
    ]
    inlines = [EvidenceInline, ExternalReviewInline, VerdictInline]
    actions = ["recheck"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Claim]:
        return (
            super()
            .get_queryset(request)
            .select_related("speaker", "current_verdict")
            .annotate(evidence_n=Count("evidence"))
        )

    @admin.display(description="claim")
    def short_text(self, obj: Claim) -> str:
        return obj.text[:90]

    @admin.display(description="verdict", ordering="current_verdict__rating")
    def verdict(self, obj: Claim) -> str:
        return obj.current_verdict.rating if obj.current_verdict else "-"

    @admin.display(description="evidence", ordering="evidence_n")
    def evidence_total(self, obj: Claim) -> int:
        return getattr(obj, "evidence_n", 0)

    @admin.display(description="status", ordering="status")
    def status_column(self, obj: Claim) -> str:
        return admin_html.status_badge(obj.status, obj.status_basis)

    @admin.display(description="why")
    def explanation(self, obj: Claim) -> str:
        lines = {
            e.pk: admin_html.EvidenceLine(e.pk, e.stance, e.review_state, e.quote)
            for e in Evidence.objects.filter(claim=obj).only(
                "pk", "stance", "review_state", "quote"
            )
        }
        return format_html(
            "<p>{}</p>{}",
            obj.status_explanation,
            admin_html.explanation_html(obj.status_detail, lines),
        )

    @admin.display(description="history")
    def timeline(self, obj: Claim) -> str:
        changes = ClaimStatusChange.objects.filter(claim=obj).select_related("trigger_source")
        return admin_html.timeline_html(
            admin_html.Change(
                at=c.changed_at.strftime("%Y-%m-%d %H:%M"),
                from_status=c.from_status,
                to_status=c.to_status,
                to_basis=c.to_basis,
                trigger=c.get_trigger_display(),
                source_id=c.trigger_source_id,
                source_title=c.trigger_source.title if c.trigger_source else "",
            )
            for c in changes
        )

    def save_model(self, request: HttpRequest, obj: Claim, form: Any, change: bool) -> None:
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        if change:
            claim_update(claim=obj, data=fields)
        else:
            data = {name: form.cleaned_data.get(name) for name in form.cleaned_data}
            created = claim_create(
                **{k: v for k, v in data.items() if v is not None},
                created_by=acting_user(request),
                force=True,  # a person filling in the form means it; retries are the API's
            )
            obj.pk = created.pk

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # The admin's change message reads these lists, as formset.save() would fill them.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if formset.model is Verdict:
            for verdict_form in formset.extra_forms:
                if verdict_form.has_changed() and verdict_form.is_valid():
                    data = verdict_form.cleaned_data
                    verdict = verdict_create(
                        claim=form.instance,
                        rating=data["rating"],
                        summary=data["summary"],
                        author=acting_user(request),
                        published=data.get("published", False),
                    )
                    formset.new_objects.append(verdict)
            return
        if formset.model is Evidence:
            for evidence_form in formset.initial_forms:
                if "stance" in evidence_form.changed_data:
                    evidence = evidence_review(
                        evidence=evidence_form.instance,
                        reviewer=acting_user(request),
                        stance=evidence_form.cleaned_data["stance"],
                        if_match=ADMIN_SAW_IT,
                    )
                    formset.changed_objects.append((evidence, ["stance"]))
            return
        formset.save()

    @admin.action(description="Re-check now")
    def recheck(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        for claim in queryset:
            claim_request_recheck(claim=claim, requested_by=acting_user(request))
        self.message_user(request, f"Queued a re-check of {queryset.count()} claim(s).")


class SuggestedFilter(admin.SimpleListFilter):
    """Automatic readings below the engine's floor: they count only once a person confirms."""

    title = "counted in the status"
    parameter_name = "suggested"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("1", "suggested only (below the engine's floor)"), ("0", "counted")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Evidence]) -> QuerySet[Evidence]:
        if self.value() == "1":
            return queryset.filter(evidence_suggested_q())
        if self.value() == "0":
            return queryset.exclude(evidence_suggested_q())
        return queryset


class ReviewActions:
    """Confirm, override or reject readings from a list, as a fact-checker."""

    actions: Any = ["confirm", "reject", "mark_supports", "mark_contradicts", "mark_discusses"]

    def _review(
        self,
        request: HttpRequest,
        queryset: QuerySet[Evidence],
        stance: str | None,
        *,
        reject: bool = False,
    ) -> None:
        if not roles.has_role(request.user, roles.FACT_CHECKER):
            self.message_user(  # type: ignore[attr-defined]
                request, "Only fact-checkers review evidence.", level=messages.ERROR
            )
            return
        items = list(queryset)
        for evidence in items:
            evidence_review(
                evidence=evidence,
                reviewer=acting_user(request),
                stance=stance,
                reject=reject,
                if_match=ADMIN_SAW_IT,
            )
        self.message_user(  # type: ignore[attr-defined]
            request, f"Reviewed {len(items)} piece(s) of evidence."
        )

    @admin.action(description="Confirm the stance")
    def confirm(self, request: HttpRequest, queryset: QuerySet[Evidence]) -> None:
        self._review(request, queryset, None)

    @admin.action(description="Reject: the reading is wrong")
    def reject(self, request: HttpRequest, queryset: QuerySet[Evidence]) -> None:
        self._review(request, queryset, None, reject=True)

    @admin.action(description="Override: supports")
    def mark_supports(self, request: HttpRequest, queryset: QuerySet[Evidence]) -> None:
        self._review(request, queryset, Stance.SUPPORTS)

    @admin.action(description="Override: contradicts")
    def mark_contradicts(self, request: HttpRequest, queryset: QuerySet[Evidence]) -> None:
        self._review(request, queryset, Stance.CONTRADICTS)

    @admin.action(description="Override: discusses")
    def mark_discusses(self, request: HttpRequest, queryset: QuerySet[Evidence]) -> None:
        self._review(request, queryset, Stance.DISCUSSES)


@admin.register(ReviewQueueEntry)
class ReviewQueueAdmin(ReviewActions, ReadOnlyAdmin):
    """Unreviewed readings, most consequential first; review them with the actions."""

    # Fits a 1366-px screen: the change says why an entry is first, the passage names its
    # source (the speaker is in the list filter and on the evidence page).
    list_display = ["claim_link", "change", "stance", "confidence", "in_context"]
    list_display_links = None
    list_filter = ["review_priority", "stance", SuggestedFilter]
    search_fields = ["quote", "claim__text"]
    list_per_page = 25

    def get_queryset(self, request: HttpRequest) -> QuerySet[Evidence]:
        return selectors.review_queue()

    def get_ordering(self, request: HttpRequest) -> tuple[()]:
        return ()  # the queue's own order

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        # The queue's other half: verdicts a correction or retraction put in doubt.
        flagged = selectors.verdict_flags().filter(cleared_at__isnull=True)
        count = flagged.values("verdict").distinct().count()
        if count:
            url = reverse("admin:facts_verdictflag_changelist") + "?cleared_at__isempty=1"
            self.message_user(
                request,
                format_html(
                    "{} verdict(s) to look at again: a source of their evidence was corrected "
                    'or retracted since. <a href="{}">See which and why</a>.',
                    count,
                    url,
                ),
                level=messages.WARNING,
            )
        return super().changelist_view(request, extra_context)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.has_perm("facts.view_evidence"))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    @admin.display(description="claim")
    def claim_link(self, obj: Evidence) -> str:
        url = reverse("admin:facts_claim_change", args=[obj.claim_id])
        return format_html(
            '<a href="{}">{}</a><br><small>{} ({})</small>',
            url,
            obj.claim.text[:120],
            obj.claim.status,
            obj.claim.status_basis,
        )

    @admin.display(description="what reviewing it changes")
    def change(self, obj: Evidence) -> str:
        return corroboration.consequence_sentence(
            obj.claim.status, obj.status_if_confirmed, obj.status_if_rejected
        )

    @admin.display(description="passage, in its paragraph")
    def in_context(self, obj: Evidence) -> str:
        return format_html(
            "{}<br><small>{}</small>", quote_in_paragraph(obj), obj.source.title or obj.source.url
        )


@admin.register(Evidence)
class EvidenceAdmin(ReviewActions, admin.ModelAdmin[Evidence]):
    list_display = [
        "short_claim",
        "short_source",
        "speaker",
        "stance",
        "confidence",
        "method",
        "review_state",
    ]
    list_filter = [SuggestedFilter, "stance", "method", "review_state"]
    search_fields = ["quote", "claim__text", "source__title"]
    autocomplete_fields = ["claim", "source", "speaker"]
    list_select_related = ["claim", "source", "speaker"]

    @admin.display(description="claim", ordering="claim")
    def short_claim(self, obj: Evidence) -> str:
        return obj.claim.text[:70]

    @admin.display(description="source", ordering="source")
    def short_source(self, obj: Evidence) -> str:
        return (obj.source.title or obj.source.url or f"source {obj.source_id}")[:50]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return ["method", "review_state", "reviewed_by", "reviewed_at"]
        return [f.name for f in Evidence._meta.fields if f.name not in {"stance", "review_note"}]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return [
                "claim",
                "source",
                "speaker",
                "stance",
                "quote",
                "figure_value",
                "figure_text",
                "confidence",
            ]
        return [f.name for f in Evidence._meta.fields if f.name != "id"]

    def save_model(self, request: HttpRequest, obj: Evidence, form: Any, change: bool) -> None:
        if change:
            if "stance" in form.changed_data or "review_note" in form.changed_data:
                evidence_review(
                    evidence=obj,
                    reviewer=acting_user(request),
                    stance=form.cleaned_data["stance"],
                    note=form.cleaned_data.get("review_note", ""),
                    if_match=ADMIN_SAW_IT,
                )
            return
        data = form.cleaned_data
        created = evidence_create(
            claim=data["claim"],
            source=data["source"],
            speaker=data.get("speaker"),
            stance=data["stance"],
            quote=data.get("quote", ""),
            figure_value=data.get("figure_value"),
            figure_text=data.get("figure_text", ""),
            confidence=data.get("confidence", 1.0),
            created_by=acting_user(request),
        )
        obj.pk = created.pk


@admin.register(Verdict)
class VerdictAdmin(admin.ModelAdmin[Verdict]):
    list_display = ["claim", "rating", "published", "author", "created_at"]
    list_filter = ["rating", "published"]
    search_fields = ["claim__text", "summary"]
    autocomplete_fields = ["claim"]
    fields = ["claim", "rating", "summary", "published"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Verdict, form: Any, change: bool) -> None:
        data = form.cleaned_data
        created = verdict_create(
            claim=data["claim"],
            rating=data["rating"],
            summary=data["summary"],
            author=acting_user(request),
            published=data.get("published", False),
        )
        obj.pk = created.pk


class FeedEntryInline(admin.TabularInline[FeedEntry, Any]):
    model = FeedEntry
    extra = 0
    max_num = 0
    can_delete = False
    fields = ENTRY_FIELDS
    readonly_fields = ENTRY_FIELDS
    ordering = ["-created_at", "-id"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[FeedEntry]:
        return super().get_queryset(request).select_related("source")


@admin.register(ExternalReview)
class ExternalReviewAdmin(ReadOnlyAdmin):
    """Imported ClaimReviews (`manage.py import_claimreview`, POST /claimreview-import/)."""

    list_display = ["claim", "publisher", "rating_text", "rating_value", "published"]
    list_filter = ["publisher", "language"]
    search_fields = ["claim_reviewed", "publisher", "claimant", "url"]
    list_select_related = ["claim"]
    fields = [
        "claim",
        "claim_reviewed",
        *REVIEW_FIELDS,
        "worst_rating",
        "publisher_url",
        "appearances",
        "language",
        "imported_by",
        "created_at",
        "updated_at",
    ]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.has_perm("facts.view_claim"))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)


@admin.register(VerdictFlag)
class VerdictFlagAdmin(ReadOnlyAdmin):
    """Verdicts to look at again: a source their claim's evidence came from was corrected
    or retracted since. The claim's next verdict answers the flag."""

    list_display = ["verdict", "claim", "source", "reason", "created_at", "cleared_at"]
    list_filter = [("cleared_at", admin.EmptyFieldListFilter)]
    list_select_related = ["verdict", "claim", "source"]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.has_perm("facts.view_verdict"))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin[Feed]):
    list_display = [
        "__str__",
        "outlet",
        "active",
        "poll_interval",
        "last_polled_at",
        "next_poll_at",
        "failures",
        "last_error",
    ]
    list_filter = ["active", "outlet"]
    list_select_related = ["outlet"]
    search_fields = ["title", "url"]
    autocomplete_fields = ["outlet"]
    fields = ["url", "title", "outlet", "poll_interval", "active", *FEED_STATE]
    readonly_fields = FEED_STATE
    inlines = [FeedEntryInline]
    actions = ["poll_now"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request: HttpRequest, obj: Feed, form: Any, change: bool) -> None:
        editable = {name: form.cleaned_data[name] for name in form.changed_data}
        if change:
            feed_update(feed=Feed.objects.get(pk=obj.pk), **editable)
            return
        created = feed_create(
            url=obj.url,
            title=obj.title,
            outlet=obj.outlet,
            poll_interval=obj.poll_interval,
            active=obj.active,
            created_by=acting_user(request),
        )
        obj.pk = created.pk

    @admin.action(description="Poll the selected feeds now")
    def poll_now(self, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
        runs = [feed_queue_poll(feed=f, requested_by=acting_user(request)) for f in queryset]
        self.message_user(request, f"Queued {len(runs)} poll(s).")


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    """The changes stream as it was written (read-only): what changed, on which claim."""

    list_display = ["id", "type", "claim", "source", "occurred_at"]
    list_filter = ["type"]
    list_select_related = ["claim", "source"]
    search_fields = ["claim__text"]
    ordering = ["-id"]


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin[WebhookSubscription]):
    """Token owners' webhooks; they are made through the API (the secret is shown there)."""

    list_display = ["id", "url", "owner", "event_types", "tag", "active", "created_at"]
    list_filter = ["active"]
    list_select_related = ["owner"]
    fields = ["owner", "url", "event_types", "tag", "active", "created_at"]
    readonly_fields = ["owner", "url", "event_types", "tag", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "event",
        "subscription",
        "state",
        "attempts",
        "status_code",
        "latency_ms",
        "next_attempt_at",
        "error",
    ]
    list_filter = ["state"]
    list_select_related = ["event", "subscription"]
    actions = ["replay"]

    @admin.action(description="Send the selected deliveries again now")
    def replay(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        for delivery in queryset:
            webhook_replay(delivery=delivery)
        self.message_user(request, f"Queued {queryset.count()} delivery(ies) again.")


@admin.register(CheckRun)
class CheckRunAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "kind",
        "state",
        "claim",
        "source",
        "feed",
        "created_at",
        "finished_at",
        "error",
    ]
    list_filter = ["kind", "state"]
    list_select_related = ["claim", "source", "feed"]
