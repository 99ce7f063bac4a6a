"""Open311 GeoReport v2 endpoints (under /open311/v2/)."""

from django.urls import path, re_path

from hotline.open311 import views

app_name = "open311"
FMT = r"\.(?P<fmt>json|xml)"

urlpatterns = [
    re_path(rf"^services{FMT}$", views.service_list, name="services"),
    re_path(rf"^services/(?P<code>[^/.]+){FMT}$", views.service_definition, name="service"),
    re_path(rf"^requests{FMT}$", views.requests_endpoint, name="requests"),
    re_path(rf"^requests/(?P<request_id>[^/.]+){FMT}$", views.request_detail, name="request"),
    re_path(rf"^tokens/(?P<token>[^/.]+){FMT}$", views.token_detail, name="token"),
    path("discovery.json", views.discovery, name="discovery"),
    path("media/<int:pk>", views.media, name="media"),
]
