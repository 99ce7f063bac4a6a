"""The citizens' self-service dialogue, under /ask/ (no sign-in)."""

from django.urls import path

from knowledgebase import views

app_name = "ask"

urlpatterns = [
    path("", views.ask_page, name="page"),
    path("escalate/", views.ask_escalate, name="escalate"),
    path("reset/", views.ask_reset, name="reset"),
]
