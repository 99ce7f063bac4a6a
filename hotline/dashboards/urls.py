"""Dashboard pages under /dashboards/."""

from django.urls import path

from hotline.dashboards import reports, rootcause, views

app_name = "dashboards"

urlpatterns = [
    path("", views.today, name="today"),
    path("assessment/", views.assessment, name="assessment"),
    path("trends/", views.trends, name="trends"),
    path("hotspots/", views.hotspots_page, name="hotspots"),
    path("supervision/", views.supervision_orders, name="supervision"),
    path("supervision/<str:state>/", views.supervision_orders, name="supervision_state"),
    path("monthly/", reports.monthly_report, name="monthly"),
    path("rootcause/", rootcause.task_list, name="rootcause"),
    path("rootcause/new/", rootcause.new_task, name="rootcause_new"),
    path("rootcause/<int:pk>/", rootcause.task_detail, name="rootcause_detail"),
]
