from django.urls import path

from tremplin.api import staff_views

app_name = "api_staff"

# Under /<lang>/a/<agency_slug>/api/ (see tremplin/config/urls.py).
urlpatterns = [
    path("tokens/", staff_views.token_list, name="tokens"),
    path("tokens/<int:api_token_id>/revoke/", staff_views.token_revoke, name="token_revoke"),
    path("webhooks/", staff_views.webhook_list, name="webhooks"),
    path("webhooks/<int:webhook_endpoint_id>/", staff_views.webhook_detail, name="webhook"),
    path(
        "webhooks/<int:webhook_endpoint_id>/toggle/",
        staff_views.webhook_toggle,
        name="webhook_toggle",
    ),
]
