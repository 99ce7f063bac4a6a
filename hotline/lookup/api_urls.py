"""The public API of the progress lookup, included under /api/v1/public/."""

from django.urls import path

from hotline.lookup.api import LookupAddView, LookupView

urlpatterns = [
    path("lookup/", LookupView.as_view(), name="public-lookup"),
    path("lookup/add/", LookupAddView.as_view(), name="public-lookup-add"),
]
