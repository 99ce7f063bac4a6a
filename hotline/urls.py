"""The project's URL map: the browser pages, the admin, the API and its schema."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("healthz", include("hotline.health")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("hotline.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("cases/", include("cases.urls")),
    path("dashboards/", include("hotline.dashboards.urls")),
    path("routing/", include("cases.routing.urls")),
    path("departments/", include("departments.urls")),
    path("open311/v2/", include("hotline.open311.urls")),
    path("kb/", include("knowledgebase.urls")),
    path("ask/", include("knowledgebase.ask_urls")),
    path("", include("hotline.pages")),
]
