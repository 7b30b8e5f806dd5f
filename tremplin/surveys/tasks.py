"""The periodic task that sends scheduled survey invitations and reminders.

The schedule is rows in the database (`FollowUpSchedule`, `Invitation.reminded_at`), not
delayed tasks in the queue: a worker that stops or restarts loses nothing, and the next run
sends whatever came due meanwhile.
"""

from django_scopes import scopes_disabled
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from tremplin.surveys.services import schedule_process


@db_periodic_task(crontab(minute="*"))
@lock_task("surveys-schedule")
def process_survey_schedule() -> dict[str, int]:
    with scopes_disabled():
        return schedule_process()
