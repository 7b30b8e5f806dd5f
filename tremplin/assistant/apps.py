from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistantConfig(AppConfig):
    name = "tremplin.assistant"
    verbose_name = _("Virtual assistant")
