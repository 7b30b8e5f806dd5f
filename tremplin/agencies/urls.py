from django.urls import path

from tremplin.agencies import views
from tremplin.audit.views import audit_event_export, audit_event_list_view

app_name = "agencies"

urlpatterns = [
    path("", views.agency_home, name="home"),
    path("me/", views.client_home, name="client_home"),
    path("staff/", views.staff_home, name="staff_home"),
    path("staff/audit/", audit_event_list_view, name="audit"),
    path("staff/audit/export.csv", audit_event_export, name="audit_export"),
]
