"""Writes of the operations app: recording webhook deliveries once."""

from django.db import IntegrityError, transaction

from tremplin.ops.models import WebhookReceipt


def webhook_claim(*, source: str, key: str) -> bool:
    """Record delivery `key` of webhook `source`; False when it was already recorded (a replay).

    Race-safe on both databases: the unique constraint decides, so two processes receiving the
    same delivery at once get one True and one False. An empty key (a provider that sends no id)
    is always accepted.
    """
    key = key.strip()[:100]
    if not key:
        return True
    try:
        with transaction.atomic():
            WebhookReceipt.objects.create(source=source[:40], key=key)
    except IntegrityError:
        return False
    return True
