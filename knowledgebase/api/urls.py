"""The knowledge base's API, included under /api/v1/kb/."""

from django.urls import path

from knowledgebase.api.views import AskView

urlpatterns = [
    path("ask/", AskView.as_view(), name="kb-ask"),
]
