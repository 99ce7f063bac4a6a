from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<int:pk>/", views.notice_open, name="open"),
    path("templates/", views.template_list, name="templates"),
    path("templates/<slug:key>/", views.template_edit, name="template_edit"),
    path("sms/inbound/", views.sms_inbound, name="sms_inbound"),
]
