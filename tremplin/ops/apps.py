from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Running Tremplin in production: app server, shared cache, headers, webhook idempotency."""

    name = "tremplin.ops"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from tremplin.ops import dates

        dates.install()
