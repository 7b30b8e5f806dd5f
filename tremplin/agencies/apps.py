from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "tremplin.agencies"
    verbose_name = _("Network and agencies")
