from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistantConfig(AppConfig):
    name = "tremplin.assistant"
    verbose_name = _("Virtual assistant")

    def warm_up(self) -> None:
        """Called by tremplin.core.warmup.warm_up_apps in the server's master: models loaded once,
        shared by the workers forked after it."""
        from tremplin.assistant.brain import warm_up

        warm_up()
