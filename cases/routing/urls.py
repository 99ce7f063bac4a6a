"""Supervisors' routing pages under /routing/."""

from django.urls import path

from cases.routing import views

app_name = "routing"

urlpatterns = [
    path("rules/", views.rule_list, name="rules"),
    path("rules/new/", views.rule_new, name="rule-new"),
    path("rules/<int:pk>/", views.rule_detail, name="rule"),
    path("rules/<int:pk>/edit/", views.rule_edit, name="rule-edit"),
    path("rules/<int:pk>/publish/", views.rule_publish, name="rule-publish"),
    path("rules/<int:pk>/deactivate/", views.rule_deactivate, name="rule-deactivate"),
    path("simulate/", views.rule_simulation, name="simulate"),
    path("returns/", views.rule_returns, name="returns"),
]
