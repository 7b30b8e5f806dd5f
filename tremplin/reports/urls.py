from django.urls import path

from tremplin.reports import views

app_name = "reports"

# Pages under /<lang>/a/<agency_slug>/reports/ (agency administrators).
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("modes/", views.modes, name="modes"),
    path("funder/", views.funder, name="funder"),
    path("funder/clients/<int:client_id>/", views.funder_profile, name="funder_profile"),
]
