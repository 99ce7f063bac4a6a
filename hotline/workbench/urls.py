"""The intake pages and the inbox, under /cases/ in the "cases" namespace (hotline/urls.py)."""

from django.urls import path

from hotline.workbench import inbox, views

urlpatterns = [
    path("inbox/", inbox.inbox, name="inbox"),
    path("new/", views.intake, name="new"),
    path("new/assist/", views.intake_assist, name="intake_assist"),
]
