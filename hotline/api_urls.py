"""The REST API under /api/v1/: each app adds its own urls module here, one line each."""

from django.urls import include, path

app_name = "api"

urlpatterns = [
    path("", include("cases.api.urls")),
    path("", include("departments.api.urls")),
    path("routing/", include("departments.api.routing")),
]
