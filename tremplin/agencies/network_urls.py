from django.urls import path

from tremplin.agencies import views

app_name = "network"

urlpatterns = [
    path("", views.network_dashboard, name="dashboard"),
]
