"""The agents' knowledge pages, under /kb/."""

from django.urls import path

from knowledgebase import views

app_name = "kb"

urlpatterns = [
    path("", views.article_list, name="list"),
    path("stale/", views.stale_list, name="stale"),
    path("new/", views.article_create, name="new"),
    path("<int:pk>/edit/", views.article_edit, name="edit"),
    path("<int:pk>/", views.article_detail, name="detail"),
    path("<int:pk>/feedback/", views.article_feedback, name="feedback"),
    path("<int:pk>/<slug:action>/", views.article_action, name="action"),
]
