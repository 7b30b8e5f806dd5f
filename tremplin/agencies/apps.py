from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "tremplin.agencies"
    verbose_name = _("Network and agencies")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from tremplin.agencies.models import Agency, Location, Network
        from tremplin.agencies.selectors import agencies_changed
        from tremplin.core.pagecache import invalidate_public_pages_on_change

        invalidate_public_pages_on_change(Agency, Location)
        for model in (Agency, Network):
            post_save.connect(agencies_changed, sender=model, dispatch_uid=f"agencies-save-{model}")
            post_delete.connect(
                agencies_changed, sender=model, dispatch_uid=f"agencies-del-{model}"
            )
