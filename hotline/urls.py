"""The project's URL map: the browser pages, the admin, the API and its schema."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from cases import urls as cases_urls
from hotline.workbench import urls as workbench_urls

urlpatterns = [
    path("healthz", include("hotline.health")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("hotline.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    # The intake pages stand on the center's floor (they read the knowledge base) but keep
    # their /cases/new/ addresses and "cases:" names; they come first, before <number>/.
    path("cases/", include((workbench_urls.urlpatterns + cases_urls.urlpatterns, "cases"))),
    path("dashboards/", include("hotline.dashboards.urls")),
    path("routing/", include("cases.routing.urls")),
    path("departments/", include("departments.urls")),
    path("open311/v2/", include("hotline.open311.urls")),
    path("kb/", include("knowledgebase.urls")),
    path("ask/", include("knowledgebase.ask_urls")),
    path("lookup/", include("hotline.lookup.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("hotline.pages")),
]
