"""The worker's part of webhooks: send due deliveries when woken, and every minute."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from tremplin.api.services import idempotency_keys_purge
from tremplin.api.webhooks import webhook_deliveries_send


@db_task()
def webhook_send_due() -> int:
    return webhook_deliveries_send()


@db_periodic_task(crontab(minute="*"))
@lock_task("webhook-send-sweep")
def webhook_send_sweep() -> int:
    """Retries whose time has come (and anything a lost wake-up missed)."""
    return webhook_deliveries_send()


@db_periodic_task(crontab(minute="17"))
def idempotency_keys_forget() -> int:
    return idempotency_keys_purge()
