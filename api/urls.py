from django.urls import include, path
from rest_framework.routers import DefaultRouter

from api import views

router = DefaultRouter()
router.register("outlets", views.OutletViewSet, basename="outlet")
router.register("speakers", views.SpeakerViewSet, basename="speaker")
router.register("sources", views.SourceViewSet, basename="source")
router.register("claims", views.ClaimViewSet, basename="claim")
router.register("evidence", views.EvidenceViewSet, basename="evidence")
router.register("review-queue", views.ReviewQueueViewSet, basename="review-queue")
router.register("verdicts", views.VerdictViewSet, basename="verdict")
router.register("verdict-flags", views.VerdictFlagViewSet, basename="verdict-flag")
router.register("feeds", views.FeedViewSet, basename="feed")
router.register("webhooks", views.WebhookViewSet, basename="webhook")
router.register("webhook-deliveries", views.WebhookDeliveryViewSet, basename="webhook-delivery")
router.register("check-runs", views.CheckRunViewSet, basename="check-run")

urlpatterns = [
    path("stats/", views.StatsView.as_view(), name="stats"),
    path("match/", views.MatchView.as_view(), name="match"),
    path("changes/", views.ChangesView.as_view(), name="changes"),
    path("claimreview-feed/", views.ClaimReviewFeedView.as_view(), name="claimreview-feed"),
    path("claimreview-import/", views.ClaimReviewImportView.as_view(), name="claimreview-import"),
    path("", include(router.urls)),
]
