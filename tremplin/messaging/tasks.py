"""Background work of the messaging app (huey). `tremplin worker` runs these and a pump.

The database decides what is sent: these tasks only say "look now". Losing one (a restart, a
full queue) delays a message until the next tick or pump round, never loses it.
"""

from django_scopes import scopes_disabled
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from tremplin.messaging import outbox


@db_task()
def drain_outbox() -> None:
    outbox.drain()


@db_task()
def deliver_outbound_message(message_id: int) -> None:
    """Kept for tasks queued before the outbox existed: sends what is due."""
    outbox.drain()


@db_periodic_task(crontab(minute="*"))
def messaging_tick() -> None:
    """Every minute: take back stuck rows, queue reminders and missed promotions, send what is due."""
    from tremplin.messaging import hooks

    outbox.sweep()
    with scopes_disabled():
        hooks.reminders_queue()
        hooks.promotions_catch_up()
    outbox.drain()
