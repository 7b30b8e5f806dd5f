from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "tremplin.programs"
    verbose_name = _("Programs and sessions")

    def ready(self) -> None:
        from tremplin.core.pagecache import invalidate_public_pages_on_change
        from tremplin.programs.models import Program, ServiceElement, Session

        # Seat changes (registrations) bump the version from the services, under the session lock.
        invalidate_public_pages_on_change(Program, ServiceElement, Session)
