from django.db import models
from django.utils.translation import gettext_lazy as _


class WebhookReceipt(models.Model):
    """One inbound webhook delivery, recorded once: a replayed delivery finds its row and stops.

    `source` names the webhook ("sms-inbound", "sms-status"…), `key` the provider's id for the
    delivery (Twilio's MessageSid). Not agency data: the key is opaque and holds no personal data.
    """

    source = models.CharField(_("source"), max_length=40)
    key = models.CharField(_("key"), max_length=100)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook receipt")
        verbose_name_plural = _("webhook receipts")
        constraints = [
            models.UniqueConstraint(fields=["source", "key"], name="webhook_receipt_once")
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.key}"
