"""Background work of the employers app: unpublish postings past their closing date.

The selectors already hide a posting from the day after its closing date (in the agency's
time zone); this hourly task also records the change (status "closed", audit event)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from tremplin.agencies.models import Agency
from tremplin.employers.services import job_postings_close_expired


@db_periodic_task(crontab(minute="7"))
@lock_task("employers-close-expired-postings")
def close_expired_postings() -> int:
    closed = 0
    for agency in Agency.objects.filter(is_active=True):
        closed += job_postings_close_expired(agency=agency)
    return closed
