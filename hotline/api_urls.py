"""The REST API under /api/v1/: each app adds its own urls module here, one line each."""

from django.urls import include, path, re_path

from core.api_errors import endpoint_not_found

app_name = "api"

urlpatterns = [
    path("", include("cases.api.urls")),
    path("", include("departments.api.urls")),
    path("routing/", include("cases.api.routing")),
    path("kb/", include("knowledgebase.api.urls")),
    path("public/", include("hotline.lookup.api_urls")),
    # Keep last: any other address under /api/v1/ answers 404 in the API's error shape.
    re_path(r"", endpoint_not_found),
]
