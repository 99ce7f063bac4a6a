"""The intake pages; included under /cases/ in the "cases" namespace by hotline/urls.py."""

from django.urls import path

from hotline.workbench import views

urlpatterns = [
    path("new/", views.intake, name="new"),
    path("new/assist/", views.intake_assist, name="intake_assist"),
]
