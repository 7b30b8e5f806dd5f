"""The reports' summary table, rebuilt in the background."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from tremplin.reports.services import first_services_refresh


@db_periodic_task(crontab(minute="*/10"))
@lock_task("reports-first-services")
def first_services_refresh_periodic() -> int:
    return first_services_refresh()
