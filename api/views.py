"""Thin views: validate, call one service or selector, serialize."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest, JsonResponse
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from kombu import Connection
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import filters, serializers
from api.parsers import HTMLPageParser, JSONLDParser, StrictJSONParser
from api.permissions import SignedIn, acting_user
from factcheck.facts import roles, selectors
from factcheck.facts.claimreview import (
    NotClaimReview,
    claim_review_jsonld,
    reviews_in,
    reviews_in_html,
)
from factcheck.facts.models import (
    CheckRun,
    Evidence,
    Outlet,
    Speaker,
    Verdict,
    VerdictFlag,
    VersionReason,
    WebhookDelivery,
    WebhookSubscription,
)
from factcheck.facts.pages import verdict_page_url
from factcheck.facts.services.claims import claim_create, claim_request_recheck, claim_update
from factcheck.facts.services.corrections import (
    source_mark_corrected,
    source_retract,
    source_revise,
)
from factcheck.facts.services.evidence import evidence_create, evidence_review
from factcheck.facts.services.feeds import feed_create, feed_queue_poll, feed_update
from factcheck.facts.services.matching import match_as_dict, text_match
from factcheck.facts.services.reviews import reviews_import
from factcheck.facts.services.sources import source_create, source_retry
from factcheck.facts.services.speakers import speaker_save
from factcheck.facts.services.verdicts import verdict_create
from factcheck.facts.services.webhooks import webhook_create, webhook_replay, webhook_update
from factcheck.facts.versions import claim_etag, evidence_etag

IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="The ETag read with GET: the write is refused (412) if the record changed since.",
)


class OutletViewSet(viewsets.ModelViewSet[Outlet]):
    """News outlets, wires, governments and other publishers."""

    queryset = Outlet.objects.all()
    serializer_class = serializers.OutletSerializer
    filterset_class = filters.OutletFilter
    ordering_fields = ["name", "created_at", "kind"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    action_roles = {"destroy": roles.ADMIN}


class SpeakerViewSet(viewsets.ModelViewSet[Speaker]):
    """People and organisations quoted; `root` is the top of the organisation chain."""

    queryset = selectors.speaker_list()
    serializer_class = serializers.SpeakerSerializer
    filterset_class = filters.SpeakerFilter
    ordering_fields = ["name", "created_at"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    action_roles = {"destroy": roles.ADMIN}

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = speaker_save(speaker=Speaker(**serializer.validated_data))

    def perform_update(self, serializer: Any) -> None:
        speaker = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(speaker, name, value)
        serializer.instance = speaker_save(speaker=speaker)


@extend_schema_view(
    create=extend_schema(
        request=serializers.SourceCreateSerializer,
        responses={
            201: serializers.SourceAcceptedSerializer,
            202: serializers.SourceAcceptedSerializer,
        },
    ),
)
class SourceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Any],
):
    """Documents: articles and statements. Creating one queues its ingestion."""

    filterset_class = filters.SourceFilter
    ordering_fields = ["published_at", "created_at", "title"]

    def get_queryset(self) -> Any:
        return selectors.source_list()

    def get_serializer_class(self) -> Any:
        if self.action == "create":
            return serializers.SourceCreateSerializer
        if self.action == "list":
            return serializers.SourceSerializer
        return serializers.SourceDetailSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = serializers.SourceCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        source, run = source_create(**serializer.validated_data, created_by=acting_user(request))
        data = dict(
            serializers.SourceDetailSerializer(selectors.source_list().get(pk=source.pk)).data
        )
        data["check_run"] = run.pk
        # With only a URL the page is yet to be fetched: accepted, not created complete.
        code = status.HTTP_201_CREATED if source.text else status.HTTP_202_ACCEPTED
        return Response(data, status=code)

    @extend_schema(request=None, responses={202: serializers.CheckRunSerializer})
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str | None = None) -> Response:
        """Queue the source's ingestion again (after a failure)."""
        run = source_retry(source=self.get_object(), requested_by=acting_user(request))
        return Response(serializers.CheckRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=serializers.SourceCorrectionSerializer,
        responses={200: serializers.StandingReportSerializer},
    )
    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk: str | None = None) -> Response:
        """The source was corrected. With the corrected `text`: the old text is kept as a
        version (`versions/`), evidence whose quote the new text no longer holds is
        withdrawn, and the new text is read (`check_run`). Either way the claims that
        counted the source are re-checked and their verdicts made since are flagged for
        review (`/verdict-flags/`); a `source.corrected` event tells the stream."""
        body = serializers.SourceCorrectionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        source = self.get_object()
        note, text = body.validated_data["note"].strip(), body.validated_data["text"]
        if text.strip():
            report = source_revise(
                source_id=source.pk,
                text=text,
                reason=VersionReason.EDITOR,
                note=note,
                by=acting_user(request),
            )
            if not report["changed"]:
                report = source_mark_corrected(
                    source_id=source.pk, note=note, by=acting_user(request)
                )
        else:
            report = source_mark_corrected(source_id=source.pk, note=note, by=acting_user(request))
        return self._standing_answer(source.pk, report)

    @extend_schema(
        request=serializers.SourceRetractionSerializer,
        responses={200: serializers.StandingReportSerializer},
    )
    @action(detail=True, methods=["post"])
    def retract(self, request: Request, pk: str | None = None) -> Response:
        """The publisher withdrew the source: all its evidence is withdrawn (kept, counted
        for nothing), it is never read again, its claims are re-checked and their verdicts
        flagged; a `source.retracted` event tells the stream."""
        body = serializers.SourceRetractionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        source = self.get_object()
        report = source_retract(
            source_id=source.pk,
            note=body.validated_data["note"].strip(),
            by=acting_user(request),
        )
        return self._standing_answer(source.pk, report)

    @extend_schema(
        responses=serializers.SourceVersionSerializer(many=True), filters=False, parameters=[]
    )
    @action(detail=True, methods=["get"], filterset_class=None, ordering_fields=[])
    def versions(self, request: Request, pk: str | None = None) -> Response:
        """The source's earlier texts, newest first, each as it was before a correction."""
        page = self.paginate_queryset(selectors.source_versions(source=self.get_object()))
        data = serializers.SourceVersionSerializer(page, many=True).data
        return self.get_paginated_response(data)

    def _standing_answer(self, source_id: int, report: dict[str, Any]) -> Response:
        source = selectors.source_list().get(pk=source_id)
        body = {**report, "source": serializers.SourceSerializer(source).data}
        return Response(serializers.StandingReportSerializer(body).data)


@extend_schema_view(
    partial_update=extend_schema(
        parameters=[IF_MATCH],
        responses={
            200: serializers.ClaimSerializer,
            412: OpenApiResponse(description="If-Match names an older version"),
        },
    ),
    create=extend_schema(
        responses={
            201: serializers.ClaimSerializer,
            409: OpenApiResponse(description="You track this text already"),
        },
    ),
)
class ClaimViewSet(viewsets.ModelViewSet[Any]):
    """Tracked claims with their corroboration status and current verdict."""

    serializer_class = serializers.ClaimSerializer
    filterset_class = filters.ClaimFilter
    ordering_fields = ["created_at", "updated_at", "as_of", "last_checked_at", "status"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    action_roles = {"destroy": roles.ADMIN}

    def get_queryset(self) -> Any:
        return selectors.claim_list()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Tracked claims, newest first unless `ordering` says otherwise."""
        rows = self.filter_queryset(self.get_queryset()).values(*serializers.CLAIM_ROW_FIELDS)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response([serializers.claim_row(r) for r in page or []])

    def perform_create(self, serializer: Any) -> None:
        claim = claim_create(
            **serializer.service_arguments(),
            created_by=acting_user(self.request),
            force=serializer.validated_data.get("force", False),
        )
        serializer.instance = selectors.claim_list().get(pk=claim.pk)

    def perform_update(self, serializer: Any) -> None:
        claim = claim_update(
            claim=serializer.instance,
            data=serializer.service_arguments(),
            if_match=self.request.headers.get("If-Match"),
        )
        serializer.instance = selectors.claim_list().get(pk=claim.pk)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The claim, with its version in `ETag`: send it back in `If-Match` when editing."""
        claim = self.get_object()
        response = Response(self.get_serializer(claim).data)
        response["ETag"] = claim_etag(claim)
        return response

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Edit the claim; with `If-Match`, only the version read (else 412)."""
        response = super().update(request, *args, **kwargs)
        response["ETag"] = claim_etag(selectors.claim_list().get(pk=self.get_object().pk))
        return response

    @extend_schema(
        responses=serializers.EvidenceSerializer(many=True), filters=False, parameters=[]
    )
    @action(detail=True, methods=["get"], filterset_class=None, ordering_fields=[])
    def evidence(self, request: Request, pk: str | None = None) -> Response:
        """The evidence recorded for this claim."""
        claim = self.get_object()
        page = self.paginate_queryset(selectors.evidence_for_claim(claim=claim))
        data = serializers.EvidenceSerializer(page, many=True).data
        return self.get_paginated_response(data)

    @extend_schema(
        responses=serializers.ExternalReviewSerializer(many=True), filters=False, parameters=[]
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="external-reviews",
        filterset_class=None,
        ordering_fields=[],
    )
    def external_reviews(self, request: Request, pk: str | None = None) -> Response:
        """Other publishers' fact-checks of this claim (imported ClaimReviews), newest
        first: their rating in their own words and scale. They do not move the status."""
        claim = self.get_object()
        page = self.paginate_queryset(selectors.external_reviews_for_claim(claim=claim))
        data = serializers.ExternalReviewSerializer(page, many=True).data
        return self.get_paginated_response(data)

    @extend_schema(responses=serializers.HistoryEntrySerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def history(self, request: Request, pk: str | None = None) -> Response:
        """Status changes and verdicts, oldest first."""
        entries = selectors.claim_history(claim=self.get_object())
        return Response(serializers.HistoryEntrySerializer(entries, many=True).data)

    @extend_schema(request=None, responses={202: serializers.CheckRunSerializer})
    @action(detail=True, methods=["post"])
    def recheck(self, request: Request, pk: str | None = None) -> Response:
        """Queue a re-check of the claim's status; follow it at /api/v1/check-runs/{id}/."""
        run = claim_request_recheck(claim=self.get_object(), requested_by=acting_user(request))
        return Response(serializers.CheckRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        responses={
            200: OpenApiResponse(description="schema.org ClaimReview (JSON-LD)"),
            404: OpenApiResponse(description="No published verdict"),
        },
        filters=False,
    )
    @action(detail=True, methods=["get"], filterset_class=None)
    def claimreview(self, request: Request, pk: str | None = None) -> Response:
        """The current published verdict as schema.org ClaimReview JSON-LD; its `url` is
        the verdict's public page (/fact-checks/{verdict id}/)."""
        claim = self.get_object()
        verdict = selectors.claim_published_verdict(claim=claim)
        if verdict is None:
            raise NotFound("This claim has no published verdict.")
        url = verdict_page_url(request, verdict)
        return Response(claim_review_jsonld(claim=claim, verdict=verdict, url=url))


@extend_schema_view(
    create=extend_schema(
        request=serializers.EvidenceCreateSerializer,
        responses={201: serializers.EvidenceSerializer},
    ),
)
class EvidenceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Evidence],
):
    """Evidence: a quoted passage, its stance on a claim, who said it. Editors add it;
    fact-checkers confirm or override it."""

    queryset = selectors.evidence_list()
    serializer_class = serializers.EvidenceSerializer
    filterset_class = filters.EvidenceFilter
    ordering_fields = ["created_at", "confidence", "updated_at"]
    action_roles = {"review": roles.FACT_CHECKER}

    def get_queryset(self) -> Any:
        return selectors.evidence_list()  # the floors as configured now

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = serializers.EvidenceCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        evidence = evidence_create(**serializer.validated_data, created_by=acting_user(request))
        data = serializers.EvidenceSerializer(selectors.evidence_list().get(pk=evidence.pk)).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.EvidenceReviewSerializer,
        parameters=[IF_MATCH],
        responses={
            200: serializers.EvidenceSerializer,
            412: OpenApiResponse(description="If-Match names an older version"),
            428: OpenApiResponse(description="Reviewed already: send If-Match"),
        },
    )
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        """Confirm the stance, override it with another, or reject the reading."""
        serializer = serializers.EvidenceReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        evidence: Evidence = self.get_object()
        reviewed = evidence_review(
            evidence=evidence,
            reviewer=acting_user(request),
            stance=serializer.validated_data["stance"],
            reject=serializer.validated_data["reject"],
            note=serializer.validated_data["note"],
            if_match=request.headers.get("If-Match"),
        )
        response = Response(
            serializers.EvidenceSerializer(selectors.evidence_list().get(pk=evidence.pk)).data
        )
        response["ETag"] = evidence_etag(reviewed)
        return response

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The evidence, with its version in `ETag`: send it back in `If-Match` when
        reviewing evidence someone reviewed already."""
        evidence = self.get_object()
        response = Response(self.get_serializer(evidence).data)
        response["ETag"] = evidence_etag(evidence)
        return response


class ReviewQueueViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Any]):
    """Readings nobody has reviewed, in the order a fact-checker should take them: first
    those whose confirmation or rejection would change a claim's status (`priority` 0; the
    entry says which change), then contradictions below the engine's floor (1), then the
    rest (2), newest claims first. Review each with `POST /evidence/{id}/review/`."""

    queryset = selectors.review_queue()
    serializer_class = serializers.ReviewQueueEntrySerializer
    filterset_class = filters.ReviewQueueFilter
    filter_backends = [filters.FilterBackend]

    def get_queryset(self) -> Any:
        return selectors.review_queue()  # the floors as configured now

    @extend_schema(
        responses=serializers.VerdictFlagSerializer(many=True), filters=False, parameters=[]
    )
    @action(detail=False, methods=["get"], filterset_class=None, filter_backends=[])
    def verdicts(self, request: Request) -> Response:
        """The queue's other half: verdicts to look at again (open flags), newest first: a
        source their claim's evidence came from was corrected or retracted since. A new
        verdict on the claim answers the flag."""
        flags = selectors.verdict_flags().filter(cleared_at__isnull=True)
        page = self.paginate_queryset(flags)
        return self.get_paginated_response(serializers.VerdictFlagSerializer(page, many=True).data)


class VerdictViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Verdict],
):
    """Fact-checkers' verdicts. Append-only: a changed verdict is a new one."""

    queryset = selectors.verdict_list()
    serializer_class = serializers.VerdictSerializer
    filterset_class = filters.VerdictFilter
    ordering_fields = ["created_at"]
    write_role = roles.FACT_CHECKER

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = verdict_create(
            **serializer.validated_data, author=acting_user(self.request)
        )


class VerdictFlagViewSet(viewsets.ReadOnlyModelViewSet[VerdictFlag]):
    """Verdicts to look at again, newest first: since the verdict was made, a source its
    claim's evidence came from was corrected or retracted. `?open=true` for those no newer
    verdict has answered yet."""

    queryset = selectors.verdict_flags()
    serializer_class = serializers.VerdictFlagSerializer
    filterset_class = filters.VerdictFlagFilter
    ordering_fields = ["created_at"]


@extend_schema_view(
    create=extend_schema(
        responses={201: serializers.FeedSerializer, 409: OpenApiResponse(description="Held")}
    ),
)
class FeedViewSet(viewsets.ModelViewSet[Any]):
    """RSS and Atom feeds followed: each new entry becomes a source fetched by its URL.
    Polled every `poll_interval` seconds; a failing feed shows its error and waits longer."""

    serializer_class = serializers.FeedSerializer
    filterset_class = filters.FeedFilter
    ordering_fields = ["created_at", "next_poll_at", "last_polled_at", "title"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    action_roles = {"destroy": roles.ADMIN}

    def get_queryset(self) -> Any:
        return selectors.feed_list()

    def perform_create(self, serializer: Any) -> None:
        feed = feed_create(**serializer.validated_data, created_by=acting_user(self.request))
        serializer.instance = selectors.feed_list().get(pk=feed.pk)

    def perform_update(self, serializer: Any) -> None:
        feed = feed_update(feed=serializer.instance, **serializer.validated_data)
        serializer.instance = selectors.feed_list().get(pk=feed.pk)

    @extend_schema(request=None, responses={202: serializers.CheckRunSerializer})
    @action(detail=True, methods=["post"])
    def poll(self, request: Request, pk: str | None = None) -> Response:
        """Poll the feed now (a poll already queued or running is returned instead)."""
        run = feed_queue_poll(feed=self.get_object(), requested_by=acting_user(request))
        return Response(serializers.CheckRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=serializers.FeedEntrySerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filterset_class=None, ordering_fields=[])
    def entries(self, request: Request, pk: str | None = None) -> Response:
        """The feed's entries, newest first: the source each became, or why it did not."""
        page = self.paginate_queryset(selectors.feed_entries(feed=self.get_object()))
        return self.get_paginated_response(serializers.FeedEntrySerializer(page, many=True).data)


class WebhookViewSet(viewsets.ModelViewSet[Any]):
    """Your webhooks: events (all, or the types you name; on claims with a tag, if you give
    one) POSTed to your URL as they happen, signed by the Standard Webhooks convention with
    the subscription's `secret`, retried with exponential back-off. Each token owner sees and
    changes only its own."""

    serializer_class = serializers.WebhookSerializer
    permission_classes = [SignedIn]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    ordering_fields = ["created_at"]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return WebhookSubscription.objects.none()
        return selectors.webhook_list(owner=acting_user(self.request))

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = webhook_create(
            owner=acting_user(self.request), **serializer.validated_data
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = webhook_update(
            subscription=serializer.instance, **serializer.validated_data
        )

    @extend_schema(responses=serializers.WebhookDeliverySerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], ordering_fields=[])
    def deliveries(self, request: Request, pk: str | None = None) -> Response:
        """The subscription's deliveries, newest first, with their attempts."""
        rows = selectors.webhook_deliveries(subscription=self.get_object())
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(
            serializers.WebhookDeliverySerializer(page, many=True).data
        )


class WebhookDeliveryViewSet(viewsets.ReadOnlyModelViewSet[WebhookDelivery]):
    """Deliveries to your webhooks: state (`queued`, `delivered`, `failed`), attempts, the last
    status code and latency, and a log of attempts; `replay/` sends one again."""

    serializer_class = serializers.WebhookDeliverySerializer
    permission_classes = [SignedIn]
    filterset_class = filters.WebhookDeliveryFilter
    ordering_fields = ["created_at"]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return WebhookDelivery.objects.none()
        return selectors.webhook_deliveries(owner=acting_user(self.request))

    @extend_schema(request=None, responses={202: serializers.WebhookDeliverySerializer})
    @action(detail=True, methods=["post"])
    def replay(self, request: Request, pk: str | None = None) -> Response:
        """Send the delivery again now, with the same webhook-id (the receiver can tell)."""
        delivery = webhook_replay(delivery=self.get_object())
        return Response(
            serializers.WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED
        )


class CheckRunViewSet(viewsets.ReadOnlyModelViewSet[CheckRun]):
    """Background jobs: queued, running, done or failed, with counts and errors."""

    queryset = selectors.check_run_list()
    serializer_class = serializers.CheckRunSerializer
    filterset_class = filters.CheckRunFilter
    ordering_fields = ["created_at", "finished_at"]


class MatchView(APIView):
    """Which tracked claims does this text speak to? Stance, passage and explanation for
    each; nothing is stored. Any role may ask."""

    write_role = roles.READER

    @extend_schema(
        request=serializers.MatchRequestSerializer, responses=serializers.MatchSerializer(many=True)
    )
    def post(self, request: Request) -> Response:
        query = serializers.MatchRequestSerializer(data=request.data)
        query.is_valid(raise_exception=True)
        matches = text_match(
            text=query.validated_data["text"],
            published=query.validated_data["published_at"],
            limit=query.validated_data["limit"],
        )
        return Response([match_as_dict(m) for m in matches])


class ChangesView(APIView):
    """What changed, in order: claims created and their status changes, evidence added and
    reviewed, verdicts published. Read a page, keep its `next` cursor, and ask again with
    `after=` that cursor: nothing committed later is ever skipped, even by a transaction that
    started before the page was read (a transaction still running holds the stream back until
    it is over)."""

    @extend_schema(
        parameters=[serializers.ChangeQuerySerializer],
        responses=serializers.ChangePageSerializer,
    )
    def get(self, request: Request) -> Response:
        query = serializers.ChangeQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        after = query.validated_data["after"]
        events, has_more = selectors.change_list(
            after=after,
            types=query.validated_data["type"],
            tag=query.validated_data["tag"].strip().lower() or None,
            claim_id=query.validated_data["claim"],
            limit=query.validated_data["limit"],
        )
        results = [
            {
                "cursor": selectors.ChangeCursor(e.transaction_id, e.pk).encode(),
                "type": e.type,
                "occurred_at": e.occurred_at,
                "claim_id": e.claim_id,
                "source_id": e.source_id,
                "data": e.data,
            }
            for e in events
        ]
        last = results[-1]["cursor"] if results else (after.encode() if after else None)
        page = {"results": results, "next": last, "has_more": has_more}
        return Response(serializers.ChangePageSerializer(page).data)


class ClaimReviewFeedView(APIView):
    """Every claim's current published verdict as schema.org ClaimReview, in one schema.org
    DataFeed, for aggregators (newest first)."""

    @extend_schema(responses={200: OpenApiResponse(description="schema.org DataFeed (JSON-LD)")})
    def get(self, request: Request) -> Response:
        verdicts = list(selectors.claimreview_feed())
        return Response(
            {
                "@context": "https://schema.org",
                "@type": "DataFeed",
                "name": "Published fact-checks",
                "dateModified": verdicts[0].created_at.isoformat() if verdicts else None,
                "dataFeedElement": [
                    claim_review_jsonld(claim=v.claim, verdict=v, url=verdict_page_url(request, v))
                    for v in verdicts
                ],
            }
        )


class ClaimReviewImportView(APIView):
    """Import other publishers' fact-checks: schema.org ClaimReview JSON-LD (one object, an
    array, an `@graph`, a DataFeed, the Google Fact Check Tools API's `claims`), or an HTML
    page carrying them. Each becomes a tracked claim (tagged `claimreview`), or joins the
    claim already tracked with the same words, with the publisher's rating kept beside it
    (`/claims/{id}/external-reviews/`), apart from our own verdicts. Importing the same
    reviews again updates them. The answer reports what was created, updated and skipped,
    and why. New claims are matched against new texts once their vectors are computed (the
    `embedding_run` check run). At most FACTCHECK_MAX_IMPORT_REVIEWS reviews per request;
    larger archives: `manage.py import_claimreview`."""

    parser_classes = [StrictJSONParser, JSONLDParser, HTMLPageParser]

    @extend_schema(
        parameters=[serializers.ReviewImportQuerySerializer],
        request={
            "application/json": {"type": "object", "additionalProperties": True},
            "application/ld+json": {"type": "object", "additionalProperties": True},
            "text/html": {"type": "string"},
        },
        responses={
            201: serializers.ReviewImportReportSerializer,
            200: serializers.ReviewImportReportSerializer,
        },
    )
    def post(self, request: Request) -> Response:
        query = serializers.ReviewImportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            if isinstance(request.data, str):
                items, skipped = reviews_in_html(request.data)
            else:
                items, skipped = reviews_in(request.data)
        except NotClaimReview as exc:
            raise ParseError(f"Nothing to import: {exc}.") from exc
        limit = settings.FACTCHECK_MAX_IMPORT_REVIEWS
        if len(items) > limit:
            raise ParseError(
                f"{len(items)} ClaimReviews in one request; at most {limit}. Split the file, "
                "or import it with `manage.py import_claimreview`."
            )
        if not items:
            return Response(
                {
                    "detail": "No ClaimReview could be imported.",
                    "skipped_items": [
                        {"where": s.where, "reason": s.reason} for s in skipped[:100]
                    ],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        report = reviews_import(
            items=items,
            skipped=skipped,
            tags=query.validated_data["tag"],
            imported_by=acting_user(request),
            embed=False,
            backfill=query.validated_data["backfill"],
        )
        created = report.claims_created or report.reviews_created
        return Response(
            serializers.ReviewImportReportSerializer(report.as_dict()).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class StatsView(APIView):
    """Counts for dashboards; `since` adds what changed after that time."""

    @extend_schema(
        parameters=[serializers.StatsQuerySerializer], responses=serializers.StatsSerializer
    )
    def get(self, request: Request) -> Response:
        query = serializers.StatsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = selectors.stats(since=query.validated_data["since"])
        return Response(serializers.StatsSerializer(data).data)


@transaction.non_atomic_requests
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up; touches nothing else."""
    return JsonResponse({"status": "ok"})


@transaction.non_atomic_requests
def readyz(request: HttpRequest) -> JsonResponse:
    """The database and the broker answer; 503 naming the part that does not."""
    from django.conf import settings

    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 (a readiness check reports any failure)
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
        checks["broker"] = "ok"
    except Exception as exc:  # noqa: BLE001 (a readiness check reports any failure)
        checks["broker"] = f"error: {type(exc).__name__}"
    ready = all(v == "ok" for v in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )
