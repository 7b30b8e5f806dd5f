from django.urls import path

from tremplin.reports import views

app_name = "network_reports"

# Pages under /<lang>/network/reports/ (network administrators: aggregates only).
urlpatterns = [
    path("", views.network_dashboard, name="dashboard"),
    path("modes/", views.network_modes, name="modes"),
]
