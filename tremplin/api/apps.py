from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "tremplin.api"
    verbose_name = _("API and webhooks")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from tremplin.api import schema  # noqa: F401 — registers the token scheme for OpenAPI
        from tremplin.api.models import WebhookEndpoint
        from tremplin.api.webhooks import webhook_endpoints_changed

        # Every path that saves or deletes an endpoint (services, demo, tests) drops the cached
        # list the registrations read.
        post_save.connect(webhook_endpoints_changed, sender=WebhookEndpoint)
        post_delete.connect(webhook_endpoints_changed, sender=WebhookEndpoint)
