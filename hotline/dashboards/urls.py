"""Dashboard pages under /dashboards/."""

from django.urls import path

from hotline.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.today, name="today"),
    path("assessment/", views.assessment, name="assessment"),
    path("trends/", views.trends, name="trends"),
    path("hotspots/", views.hotspots_page, name="hotspots"),
    path("supervision/", views.supervision_orders, name="supervision"),
    path("supervision/<str:state>/", views.supervision_orders, name="supervision_state"),
]
