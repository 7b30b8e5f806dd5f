from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "tremplin.agencies"
    verbose_name = _("Network and agencies")

    def ready(self) -> None:
        from tremplin.agencies.models import Agency, Location
        from tremplin.core.pagecache import invalidate_public_pages_on_change

        invalidate_public_pages_on_change(Agency, Location)
