"""A department admin's integration pages (under /departments/)."""

from django.urls import path

from departments import accounts, views

app_name = "departments"

urlpatterns = [
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<int:pk>/rename/", views.token_rename, name="token-rename"),
    path("tokens/<int:pk>/rotate/", views.token_rotate, name="token-rotate"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("webhooks/", views.webhook_settings, name="webhooks"),
    path("webhooks/<int:pk>/disable/", views.webhook_disable, name="webhook-disable"),
    path("lockouts/", accounts.lockouts, name="lockouts"),
]
