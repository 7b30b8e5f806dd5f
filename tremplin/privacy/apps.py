from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "tremplin.privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        from tremplin.privacy import signals  # noqa: F401  (email confirmed → client record)
