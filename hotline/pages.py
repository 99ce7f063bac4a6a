"""Sign in, sign out and the home page; each app adds its own pages under its prefix."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path


@login_required
def home(request):
    """Each role's starting page (the workbench replaces this with real queues)."""
    return render(request, "hotline/home.html")


urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", home, name="home"),
]
