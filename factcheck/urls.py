from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api import views
from factcheck.facts import pages

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("fact-checks/<int:verdict_id>/", pages.fact_check, name="fact-check"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
]

handler400 = "api.middleware.json_bad_request"
handler403 = "api.middleware.json_permission_denied"
handler404 = "api.middleware.json_page_not_found"
handler500 = "api.middleware.json_server_error"
