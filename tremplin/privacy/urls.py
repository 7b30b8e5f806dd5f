from django.urls import path

from tremplin.privacy import views

app_name = "privacy"

# Under /<lang>/a/<agency_slug>/privacy/.
urlpatterns = [
    path("me/", views.me, name="me"),
    path("me/file.<slug:file_format>", views.me_file, name="me_file"),
    path("clients/<int:client_id>/", views.client_privacy, name="client"),
    path("clients/<int:client_id>/file.<slug:file_format>", views.client_file, name="client_file"),
    path("requests/", views.request_list, name="requests"),
    path("requests/<int:privacy_request_id>/decide/", views.request_decide, name="request_decide"),
    path("holds/<int:legal_hold_id>/release/", views.hold_release, name="hold_release"),
    path("retention/", views.retention, name="retention"),
]
