from django.urls import path

from tremplin.outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("clients/<int:client_id>/new/", views.record, name="record"),
    path("<int:outcome_id>/edit/", views.edit, name="edit"),
]
