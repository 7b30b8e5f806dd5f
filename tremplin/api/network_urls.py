from django.urls import path

from tremplin.api import staff_views

app_name = "network_api"

# Pages under /<lang>/network/api/ (network administrators only).
urlpatterns = [
    path("tokens/", staff_views.network_token_list, name="tokens"),
    path(
        "tokens/<int:api_token_id>/revoke/",
        staff_views.network_token_revoke,
        name="token_revoke",
    ),
]
