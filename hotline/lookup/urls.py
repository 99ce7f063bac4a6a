"""The citizens' progress lookup, under /lookup/ (no sign-in)."""

from django.urls import path

from hotline.lookup import views

app_name = "lookup"

urlpatterns = [
    path("", views.lookup, name="form"),
    path("<str:number>/", views.lookup_case, name="case"),
    path("<str:number>/add/", views.lookup_add, name="add"),
]
