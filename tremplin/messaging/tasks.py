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
    # In `tremplin worker` the pump sends: wake it rather than drain beside it (two drains in
    # one process only fight over the GIL and, on SQLite, the write lock).
    if not outbox.wake_pump():
        outbox.drain()


@db_task()
def deliver_outbound_message(message_id: int) -> None:
    """Kept for tasks queued before the outbox existed: sends what is due."""
    outbox.drain()


@db_task()
def send_registration_notices() -> None:
    from tremplin.messaging import hooks

    hooks.registration_notices_send()


@db_periodic_task(crontab(minute="*"))
def messaging_tick() -> None:
    """Every minute: take back stuck rows, queue reminders and missed promotions, send what is due."""
    from tremplin.messaging import hooks

    outbox.sweep()
    with scopes_disabled():
        hooks.registration_notices_send()
        hooks.reminders_queue()
        hooks.promotions_catch_up()
    outbox.drain()
