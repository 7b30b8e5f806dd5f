from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "tremplin.api"
    verbose_name = _("API and webhooks")

    def ready(self) -> None:
        from tremplin.api import schema  # noqa: F401 — registers the token scheme for OpenAPI
