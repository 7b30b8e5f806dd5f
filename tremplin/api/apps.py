from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "tremplin.api"
    verbose_name = _("API and webhooks")

    def ready(self) -> None:
        from tremplin.api import schema  # noqa: F401 — registers the token scheme for OpenAPI
        from tremplin.api.models import WebhookEndpoint
        from tremplin.api.webhooks import ENDPOINTS
        from tremplin.core.versions import bump_on_change

        # A saved or deleted endpoint drops the cached list the registrations read.
        bump_on_change(ENDPOINTS, [WebhookEndpoint], lambda endpoint: endpoint.agency_id)
