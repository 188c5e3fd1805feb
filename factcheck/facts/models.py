"""The domain: outlets, speakers, sources, claims, evidence, verdicts and check runs.

Vocabulary and rules: docs/corroboration.md. Invariants that can live in the
database do (unique and check constraints); the services in `services/` keep the rest.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import MD5
from django.utils import timezone
from pgvector.django import HnswIndex, VectorField

from factcheck.matching import labels

EMBEDDING_DIMENSIONS = 384


class OutletKind(models.TextChoices):
    WIRE = "wire"
    NEWSPAPER = "newspaper"
    BROADCASTER = "broadcaster"
    ONLINE = "online"
    AGGREGATOR = "aggregator"
    STATE_MEDIA = "state_media"
    GOVERNMENT = "government"
    INTERGOVERNMENTAL = "intergovernmental"
    NGO = "ngo"
    SOCIAL = "social"
    OTHER = "other"


class Outlet(models.Model):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=OutletKind.choices, default=OutletKind.OTHER)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code")
    domains = ArrayField(models.CharField(max_length=253), default=list, blank=True)
    state_affiliated = models.CharField(
        max_length=2, blank=True, help_text="Country code of the state it answers to, if any"
    )
    owner_group = models.CharField(
        max_length=200,
        blank=True,
        help_text="Outlets of one group are not independent of each other",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        indexes = [GinIndex(fields=["domains"], name="outlet_domains_gin")]

    def __str__(self) -> str:
        return self.name


class SpeakerKind(models.TextChoices):
    PERSON = "person"
    ORGANIZATION = "organization"


class Speaker(models.Model):
    """A person or organisation quoted. `root` (top of the organisation chain) is kept by
    `speaker_save` so lists and the status rules read it without walking the chain."""

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=SpeakerKind.choices, default=SpeakerKind.PERSON)
    aliases = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    role = models.CharField(max_length=300, blank=True)
    country = models.CharField(max_length=2, blank=True)
    organization = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    root = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(organization=F("id")), name="speaker_not_own_organization"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ProcessingState(models.TextChoices):
    PENDING = "pending"
    PROCESSING = "processing"
    PROCESSED = "processed"
    FAILED = "failed"


class SourceStanding(models.TextChoices):
    CURRENT = "current"
    CORRECTED = "corrected"  # its text changed after it was read (a new version)
    RETRACTED = "retracted"  # withdrawn by its publisher: its evidence counts for nothing


class Source(models.Model):
    url = models.URLField(max_length=2000, blank=True, default="", help_text="Normalised URL")
    title = models.CharField(max_length=500, blank=True)
    outlet = models.ForeignKey(
        Outlet, null=True, blank=True, on_delete=models.PROTECT, related_name="sources"
    )
    syndicated_from = models.ForeignKey(
        Outlet,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="syndicated_sources",
        help_text="The wire or outlet whose story this source republishes",
    )
    copy_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
        help_text="The earlier source this one republishes (the same or nearly the same text); "
        "its evidence counts as that source's origin.",
    )
    published_at = models.DateTimeField(null=True, blank=True)
    text = models.TextField(blank=True)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    language = models.CharField(max_length=12, blank=True, default="en")
    state = models.CharField(
        max_length=12, choices=ProcessingState.choices, default=ProcessingState.PENDING
    )
    error = models.TextField(blank=True)
    # False when the failure is the input's own (too long to read): retrying cannot help,
    # so the sweep leaves it; a person may still retry it.
    retryable = models.BooleanField(default=True)
    standing = models.CharField(
        max_length=12, choices=SourceStanding.choices, default=SourceStanding.CURRENT
    )
    standing_note = models.TextField(blank=True, help_text="Why it was corrected or retracted")
    standing_changed_at = models.DateTimeField(null=True, blank=True)
    # A page whose text was fetched from its URL is fetched again, less often as it ages,
    # with the validators its server sent (conditional GET); null: not (or no longer).
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    next_refetch_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_refetched_at = models.DateTimeField(null=True, blank=True, editable=False)
    refetch_error = models.TextField(blank=True, editable=False)
    search_vector = models.GeneratedField(
        expression=SearchVector("title", "text", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["url"], condition=~Q(url=""), name="source_url_unique"),
            models.UniqueConstraint(
                fields=["content_hash"],
                condition=~Q(content_hash="") & Q(copy_of__isnull=True),
                name="source_content_hash_unique",
            ),
            models.CheckConstraint(
                condition=Q(state="failed") | Q(error=""), name="source_error_only_when_failed"
            ),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="source_search_gin"),
            models.Index(fields=["state", "updated_at"], name="source_state_idx"),
            models.Index(
                fields=["next_refetch_at"],
                condition=Q(next_refetch_at__isnull=False),
                name="source_refetch_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.url or f"source {self.pk}"


class VersionReason(models.TextChoices):
    REFETCH = "refetch"  # the page changed when fetched again
    EDITOR = "editor"  # an editor gave the corrected text


class SourceVersion(models.Model):
    """An earlier text of a source, kept when a correction replaced it (readable as it was)."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="versions")
    text = models.TextField()
    title = models.CharField(max_length=500, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    replaced_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=8, choices=VersionReason.choices)
    note = models.TextField(blank=True)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-replaced_at", "-id"]

    def __str__(self) -> str:
        return f"source {self.source_id} as of {self.replaced_at:%Y-%m-%d %H:%M}"


class Passage(models.Model):
    """A sentence of a source, with its vector: what new claims are screened against."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="passages")
    index = models.PositiveIntegerField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()
    embedding = VectorField(dimensions=EMBEDDING_DIMENSIONS)
    search_vector = models.GeneratedField(
        expression=SearchVector("text", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["source", "index"]
        constraints = [
            models.UniqueConstraint(fields=["source", "index"], name="passage_unique_index"),
            models.CheckConstraint(condition=Q(start__lte=F("end")), name="passage_offsets"),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="passage_search_gin"),
            # Finding republished copies: which stored passages have exactly this text.
            models.Index(MD5("text"), name="passage_text_md5"),
            HnswIndex(
                name="passage_embedding_hnsw",
                fields=["embedding"],
                m=16,
                ef_construction=64,
                opclasses=["vector_cosine_ops"],
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class ClaimStatus(models.TextChoices):
    UNVERIFIED = "unverified"
    CORROBORATED = "corroborated"
    CONTESTED = "contested"
    CONTRADICTED = "contradicted"


class StatusBasis(models.TextChoices):
    """How firm a status is: see corroboration.StatusResult.basis."""

    REVIEWED = "reviewed"
    PROVISIONAL = "provisional"
    NONE = "none"


class Claim(models.Model):
    text = models.TextField()
    quantity_value = models.FloatField(null=True, blank=True)
    quantity_low = models.FloatField(null=True, blank=True)
    quantity_high = models.FloatField(null=True, blank=True)
    quantity_unit = models.CharField(max_length=100, blank=True)
    quantity_approximate = models.BooleanField(default=False)
    quantity_about = models.CharField(
        max_length=300, blank=True, help_text="What the figure counts"
    )
    as_of = models.DateField(null=True, blank=True, help_text="The moment the claim is about")
    speaker = models.ForeignKey(
        Speaker, null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    first_source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="first_claims"
    )
    tags = ArrayField(models.CharField(max_length=50), default=list, blank=True)
    status = models.CharField(
        max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.UNVERIFIED, editable=False
    )
    status_basis = models.CharField(
        max_length=12,
        choices=StatusBasis.choices,
        default=StatusBasis.NONE,
        editable=False,
        help_text="reviewed: every origin the status counts rests on evidence a person entered "
        "or confirmed; provisional: one rests on unreviewed automatic evidence; none: nothing "
        "beyond the claimant is counted",
    )
    status_explanation = models.TextField(blank=True, editable=False)
    status_detail = models.JSONField(default=dict, blank=True, editable=False)
    last_checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    current_verdict = models.ForeignKey(
        "Verdict",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    search_vector = models.GeneratedField(
        expression=SearchVector("text", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    embedding = VectorField(dimensions=EMBEDDING_DIMENSIONS, null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity_low__isnull=True)
                | Q(quantity_value__isnull=True)
                | Q(quantity_low__lte=F("quantity_value")),
                name="claim_quantity_low_le_value",
            ),
            models.CheckConstraint(
                condition=Q(quantity_high__isnull=True)
                | Q(quantity_value__isnull=True)
                | Q(quantity_value__lte=F("quantity_high")),
                name="claim_quantity_value_le_high",
            ),
            models.CheckConstraint(
                condition=Q(quantity_high__isnull=True)
                | Q(quantity_low__isnull=True)
                | Q(quantity_low__lte=F("quantity_high")),
                name="claim_quantity_low_le_high",
            ),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="claim_search_gin"),
            GinIndex(fields=["tags"], name="claim_tags_gin"),
            models.Index(fields=["status", "-updated_at"], name="claim_status_idx"),
            # The lists' order: a page is read off the index, not sorted from the table.
            models.Index(fields=["-created_at", "-id"], name="claim_recent_idx"),
            models.Index(fields=["last_checked_at"], name="claim_stale_idx"),
            # Nearest claims to a passage: order_by(CosineDistance(...))[:k] uses it.
            HnswIndex(
                name="claim_embedding_hnsw",
                fields=["embedding"],
                m=16,
                ef_construction=64,
                opclasses=["vector_cosine_ops"],
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Stance(models.TextChoices):
    SUPPORTS = labels.SUPPORTS
    CONTRADICTS = labels.CONTRADICTS
    DISCUSSES = labels.DISCUSSES


class EvidenceMethod(models.TextChoices):
    AUTOMATIC = "automatic"
    MANUAL = "manual"


class ReviewState(models.TextChoices):
    UNREVIEWED = "unreviewed"
    CONFIRMED = "confirmed"
    OVERRIDDEN = "overridden"
    REJECTED = "rejected"  # the reading is wrong: it counts for nothing and is never re-made


class ReviewPriority(models.IntegerChoices):
    """The review queue's order: what a fact-checker should look at first."""

    CHANGES_STATUS = 0, "confirming or rejecting it changes the claim's status"
    SUGGESTED_CONTRADICTION = 1, "a contradiction below the engine's floor"
    OTHER = 2, "other unreviewed readings"


class Evidence(models.Model):
    """One per (claim, source, speaker): what that speaker, in that source, says of the claim."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="evidence")
    speaker = models.ForeignKey(
        Speaker, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    stance = models.CharField(max_length=12, choices=Stance.choices)
    quote = models.TextField(blank=True)
    quote_start = models.PositiveIntegerField(null=True, blank=True)
    quote_end = models.PositiveIntegerField(null=True, blank=True)
    figure_value = models.FloatField(null=True, blank=True)
    figure_text = models.CharField(max_length=200, blank=True)
    confidence = models.FloatField(
        default=1.0, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)]
    )
    method = models.CharField(max_length=10, choices=EvidenceMethod.choices)
    engine_version = models.CharField(max_length=40, blank=True)
    engine_notes = models.JSONField(
        default=dict,
        blank=True,
        help_text="For automatic evidence, why the engine read it so: the rule that decided, "
        "similarity, the figures compared (and those not compared, with the reason), cues.",
    )
    automatic_stance = models.CharField(
        max_length=12,
        choices=Stance.choices,
        blank=True,
        help_text="What the engine said before a person overrode it",
    )
    review_state = models.CharField(
        max_length=12, choices=ReviewState.choices, default=ReviewState.UNREVIEWED
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    # Set when the passage left its source (a correction removed it) or the source was
    # retracted: the evidence stays on record and counts for nothing.
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawn_reason = models.TextField(blank=True, editable=False)
    # Kept by every status recompute for readings nobody has reviewed (null once reviewed).
    review_priority = models.PositiveSmallIntegerField(
        choices=ReviewPriority.choices, null=True, blank=True, editable=False
    )
    status_if_confirmed = models.CharField(
        max_length=16, choices=ClaimStatus.choices, blank=True, editable=False
    )
    status_if_rejected = models.CharField(
        max_length=16, choices=ClaimStatus.choices, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "evidence"
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "source", "speaker"],
                nulls_distinct=False,
                name="evidence_one_per_claim_source_speaker",
            ),
            models.CheckConstraint(
                condition=Q(confidence__gte=0.0) & Q(confidence__lte=1.0),
                name="evidence_confidence_0_1",
            ),
            models.CheckConstraint(
                condition=(Q(quote_start__isnull=True) & Q(quote_end__isnull=True))
                | (
                    Q(quote_start__isnull=False)
                    & Q(quote_end__isnull=False)
                    & Q(quote_start__lte=F("quote_end"))
                ),
                name="evidence_quote_offsets_ordered",
            ),
            models.CheckConstraint(
                condition=Q(review_state="unreviewed")
                | (Q(reviewed_by__isnull=False) & Q(reviewed_at__isnull=False)),
                name="evidence_review_has_reviewer",
            ),
        ]
        indexes = [
            models.Index(fields=["review_state", "method"], name="evidence_review_queue_idx"),
            models.Index(
                fields=["review_priority", "claim"],
                condition=Q(review_priority__isnull=False),
                name="evidence_queue_priority_idx",
            ),
            models.Index(fields=["source"], name="evidence_source_idx"),
            models.Index(fields=["-created_at", "-id"], name="evidence_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.stance}: claim {self.claim_id} in source {self.source_id}"

    @property
    def is_human(self) -> bool:
        """Entered or reviewed by a person: outranks automatic evidence."""
        return self.method == EvidenceMethod.MANUAL or self.review_state != ReviewState.UNREVIEWED


class ReviewQueueEntry(Evidence):
    """The admin's review queue: unreviewed readings, most consequential first."""

    class Meta:
        proxy = True
        verbose_name = "review queue entry"
        verbose_name_plural = "review queue entries"


class StatusTrigger(models.TextChoices):
    EVIDENCE = "evidence", "evidence added or changed"
    REVIEW = "review", "evidence reviewed"
    RECHECK = "recheck", "re-check requested"
    SWEEP = "sweep", "periodic sweep"
    SOURCE = "source", "new source"


class ClaimStatusChange(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=ClaimStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=ClaimStatus.choices)
    from_basis = models.CharField(max_length=12, choices=StatusBasis.choices, blank=True)
    to_basis = models.CharField(
        max_length=12, choices=StatusBasis.choices, default=StatusBasis.NONE
    )
    changed_at = models.DateTimeField()
    trigger = models.CharField(max_length=12, choices=StatusTrigger.choices)
    trigger_source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    explanation = models.TextField()
    detail = models.JSONField(default=dict)

    class Meta:
        ordering = ["changed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_status=F("to_status")) | ~Q(from_basis=F("to_basis")),
                name="status_change_changes",
            )
        ]
        indexes = [models.Index(fields=["claim", "changed_at"], name="status_change_claim_idx")]

    def __str__(self) -> str:
        return (
            f"{self.from_status or '-'} ({self.from_basis or '-'}) -> "
            f"{self.to_status} ({self.to_basis})"
        )


class Rating(models.TextChoices):
    TRUE = "true"
    MOSTLY_TRUE = "mostly_true"
    HALF_TRUE = "half_true"
    MOSTLY_FALSE = "mostly_false"
    FALSE = "false"
    UNPROVEN = "unproven"


class Verdict(models.Model):
    """A fact-checker's rating. Append-only: a database trigger refuses updates."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="verdicts")
    rating = models.CharField(max_length=14, choices=Rating.choices)
    summary = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="verdicts"
    )
    published = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["claim", "-created_at"], name="verdict_claim_idx")]

    def __str__(self) -> str:
        return f"{self.rating} on claim {self.claim_id}"


class ExternalReview(models.Model):
    """A fact-check another publisher made of a claim, imported from its schema.org
    ClaimReview: the publisher's verdict in its own words and on its own scale, kept apart
    from our verdicts (it moves no status). `key` makes a second import of the same review
    an update, not a copy (`claimreview.ReviewItem.key`)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="external_reviews")
    key = models.CharField(max_length=64, unique=True, editable=False)
    url = models.URLField(max_length=2000, blank=True, help_text="The review's page")
    publisher = models.CharField(max_length=500, blank=True)
    publisher_url = models.URLField(max_length=2000, blank=True)
    claim_reviewed = models.TextField(help_text="The claim as the publisher worded it")
    rating_text = models.CharField(
        max_length=500, blank=True, help_text="The publisher's rating in its own words"
    )
    rating_value = models.FloatField(null=True, blank=True)
    best_rating = models.FloatField(null=True, blank=True)
    worst_rating = models.FloatField(null=True, blank=True)
    published = models.DateField(null=True, blank=True)
    claimant = models.CharField(max_length=500, blank=True)
    appearances = models.JSONField(
        default=list, blank=True, help_text="Where the claim was seen (URLs)"
    )
    language = models.CharField(max_length=12, blank=True)
    raw = models.JSONField(default=dict, blank=True, help_text="The ClaimReview as imported")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published", "-id"]

    def __str__(self) -> str:
        return f"{self.publisher or 'review'}: {self.rating_text or self.rating_value}"


class VerdictFlag(models.Model):
    """A verdict to look at again: a source its claim's evidence came from was corrected or
    retracted after (or while) the verdict was made. Cleared by the claim's next verdict."""

    verdict = models.ForeignKey(Verdict, on_delete=models.CASCADE, related_name="flags")
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="verdict_flags")
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by_verdict = models.ForeignKey(
        Verdict, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["verdict", "source"],
                condition=Q(cleared_at__isnull=True),
                name="verdict_flag_one_open_per_source",
            )
        ]
        indexes = [
            models.Index(
                fields=["-created_at"],
                condition=Q(cleared_at__isnull=True),
                name="verdict_flag_open_idx",
            )
        ]

    def __str__(self) -> str:
        return f"verdict {self.verdict_id}: {self.reason[:60]}"


class Feed(models.Model):
    """An RSS or Atom feed the service follows: each new entry becomes a source, fetched by
    its URL. Polled by beat every `poll_interval` seconds; a failing feed waits longer after
    each failure (`failures`, `last_error`) and starts over when a poll succeeds."""

    url = models.URLField(max_length=2000, unique=True, help_text="Normalised URL")
    title = models.CharField(max_length=500, blank=True)
    outlet = models.ForeignKey(
        Outlet,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feeds",
        help_text="The outlet of its entries; none: the outlet whose domains match each URL",
    )
    poll_interval = models.PositiveIntegerField(
        default=900,
        validators=[MinValueValidator(60), MaxValueValidator(7 * 86400)],
        help_text="Seconds between polls",
    )
    active = models.BooleanField(default=True)
    # Conditional GET: what the server sent last time, sent back as If-None-Match /
    # If-Modified-Since.
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    next_poll_at = models.DateTimeField(default=timezone.now)
    last_polled_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(null=True, blank=True, editable=False)
    failures = models.PositiveIntegerField(default=0, editable=False)
    last_error = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["next_poll_at"], condition=Q(active=True), name="feed_due_idx")
        ]

    def __str__(self) -> str:
        return self.title or self.url


class FeedEntry(models.Model):
    """One entry of a feed, by the feed's own id for it (its guid, else its link): seen once,
    whatever the feed sends again."""

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="entries")
    entry_id = models.CharField(max_length=2000)
    url = models.URLField(max_length=2000, blank=True)
    title = models.CharField(max_length=500, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="feed_entries"
    )
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(F("feed"), MD5("entry_id"), name="feed_entry_once_per_feed")
        ]

    def __str__(self) -> str:
        return self.title or self.url or self.entry_id


class CheckRunKind(models.TextChoices):
    INGEST_SOURCE = "ingest_source"
    RECHECK_CLAIM = "recheck_claim"
    BACKFILL_CLAIM = "backfill_claim"
    POLL_FEED = "poll_feed"
    EMBED_CLAIMS = "embed_claims"
    REFETCH_SOURCE = "refetch_source"
    SWEEP = "sweep"


class CheckRunState(models.TextChoices):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class CheckRun(models.Model):
    kind = models.CharField(max_length=16, choices=CheckRunKind.choices)
    state = models.CharField(
        max_length=8, choices=CheckRunState.choices, default=CheckRunState.QUEUED
    )
    claim = models.ForeignKey(
        Claim, null=True, blank=True, on_delete=models.CASCADE, related_name="check_runs"
    )
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.CASCADE, related_name="check_runs"
    )
    feed = models.ForeignKey(
        Feed, null=True, blank=True, on_delete=models.CASCADE, related_name="check_runs"
    )
    trigger = models.CharField(max_length=12, choices=StatusTrigger.choices, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    # The run is the job; a broker message only wakes a worker for it. `dispatched_at` is
    # when the last message was sent (null: never, e.g. the broker was down), `dispatches`
    # how many were sent; the reconciler sends another when one seems lost.
    dispatched_at = models.DateTimeField(null=True, blank=True)
    dispatches = models.PositiveIntegerField(default=0)
    # The message (Celery task id) whose delivery runs it: the same message delivered again
    # means its last holder died (acks_late), and it may take the run over; another
    # message for a running run is a duplicate and is skipped.
    held_by = models.CharField(max_length=64, blank=True)
    # Requests this queued re-check took in instead of queueing another run.
    absorbed = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(state__in=["done", "failed"]),
                name="check_run_finished_only_when_over",
            ),
            # At most one queued re-check (and one queued backfill) per claim: the next
            # request joins it.
            models.UniqueConstraint(
                fields=["kind", "claim"],
                condition=Q(state="queued", kind__in=["recheck_claim", "backfill_claim"]),
                name="check_run_one_queued_per_claim",
            ),
            models.UniqueConstraint(
                fields=["feed"],
                condition=Q(state__in=["queued", "running"], kind="poll_feed"),
                name="check_run_one_poll_per_feed",
            ),
            models.UniqueConstraint(
                fields=["source"],
                condition=Q(state__in=["queued", "running"], kind="refetch_source"),
                name="check_run_one_refetch_per_source",
            ),
            # One queued embedding run at a time: the next request joins it.
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(state="queued", kind="embed_claims"),
                name="check_run_one_queued_embedding",
            ),
        ]
        indexes = [models.Index(fields=["state", "-created_at"], name="check_run_state_idx")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.state})"

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class EventType(models.TextChoices):
    CLAIM_CREATED = "claim.created"
    CLAIM_STATUS_CHANGED = "claim.status_changed"
    EVIDENCE_ADDED = "evidence.added"
    EVIDENCE_REVIEWED = "evidence.reviewed"
    VERDICT_PUBLISHED = "verdict.published"
    SOURCE_CORRECTED = "source.corrected"
    SOURCE_RETRACTED = "source.retracted"


class Event(models.Model):
    """What changed, written in the same transaction as the change (an outbox): the changes
    stream and the webhooks read it, so they never disagree with the data.

    `transaction_id` is the writing transaction's id (`pg_current_xact_id()`). The stream is
    ordered by (transaction_id, id) and only shows transactions older than every one still
    running, so an event committed after a client read a page always sorts after that page:
    a slow transaction holds the stream back instead of being skipped."""

    transaction_id = models.BigIntegerField(editable=False)
    type = models.CharField(max_length=32, choices=EventType.choices)
    claim = models.ForeignKey(
        Claim, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict)
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["transaction_id", "id"]
        indexes = [
            models.Index(fields=["transaction_id", "id"], name="event_stream_idx"),
            models.Index(fields=["type", "transaction_id", "id"], name="event_type_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.type} #{self.pk}"


class WebhookSubscription(models.Model):
    """Where to tell a token owner of events: a URL, the event types (none: all), an
    optional claim tag, and the secret its deliveries are signed with (Standard Webhooks)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField(max_length=2000)
    event_types = ArrayField(
        models.CharField(max_length=32, choices=EventType.choices), default=list, blank=True
    )
    tag = models.CharField(max_length=50, blank=True)
    secret = models.CharField(max_length=100, editable=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.url


class DeliveryState(models.TextChoices):
    QUEUED = "queued"  # waiting for its next attempt (next_attempt_at)
    DELIVERED = "delivered"
    FAILED = "failed"  # gave up after the last attempt; can be replayed


class WebhookDelivery(models.Model):
    """One event sent to one subscription: created with the event (same transaction), sent
    by a worker, retried with exponential back-off; each attempt is logged."""

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    state = models.CharField(
        max_length=10, choices=DeliveryState.choices, default=DeliveryState.QUEUED
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    log = models.JSONField(default=list, blank=True)  # the last attempts, newest last
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event"], name="webhook_delivery_once_per_event"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="queued"),
                name="webhook_delivery_due_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} -> {self.subscription} ({self.state})"
