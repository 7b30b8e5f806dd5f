from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "tremplin.agencies"
    verbose_name = _("Network and agencies")

    def ready(self) -> None:
        from tremplin.agencies.models import Agency, Location, Network
        from tremplin.agencies.selectors import AGENCIES
        from tremplin.core.pagecache import invalidate_public_pages_on_change
        from tremplin.core.versions import EVERY_AGENCY, bump_on_change

        invalidate_public_pages_on_change(Agency, Location)
        # The agency rows every agency page reads from the cache (with their network).
        bump_on_change(AGENCIES, [Agency, Network], lambda _changed: EVERY_AGENCY)
