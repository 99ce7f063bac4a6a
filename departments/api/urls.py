"""API routes for reference lists, the caller and token login."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from departments.api import views

router = SimpleRouter()
router.register("regions", views.RegionViewSet, basename="region")
router.register("departments", views.DepartmentViewSet, basename="department")

urlpatterns = [
    *router.urls,
    path("me/", views.MeView.as_view(), name="me"),
    path("auth/token/", views.TokenLoginView.as_view(), name="auth-token"),
]
