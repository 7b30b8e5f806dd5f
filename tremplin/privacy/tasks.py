from django_scopes import scope, scopes_disabled
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from tremplin.agencies.models import Agency
from tremplin.privacy.services import retention_apply


@db_periodic_task(crontab(hour="3", minute="17"))
def apply_retention_policies() -> None:
    """Every night: each agency's retention policy (a no-op where none is set)."""
    with scopes_disabled():
        agencies = list(Agency.objects.filter(retention_policy__inactive_years__isnull=False))
    for agency in agencies:
        with scope(agency=agency):
            retention_apply(agency=agency)
