"""The outbox: every message Tremplin sends, its status history, and what clients chose.

`OutboundMessage` is both the record and the queue: workers claim due rows with a conditional
UPDATE (plus SKIP LOCKED on PostgreSQL), call the provider outside any transaction, and record
the outcome only if they still hold the claim (see tremplin/messaging/outbox.py).
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from tremplin.messaging.message_types import MessageType


class Channel(models.TextChoices):
    """Ways the platform reaches a person; each has an outbound adapter (tremplin.messaging.adapters)."""

    WEB = "web", _("Web chat")
    SMS = "sms", _("Text message (SMS)")
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone call")


class OutboundStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    DEFERRED = "deferred", _("Deferred (quiet hours)")
    SENDING = "sending", _("Sending")
    RETRY = "retry", _("Waiting to retry")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")


# Rows a worker may claim once `send_after` has passed.
DUE_STATUSES = (OutboundStatus.QUEUED, OutboundStatus.DEFERRED, OutboundStatus.RETRY)
FINAL_STATUSES = (
    OutboundStatus.SENT,
    OutboundStatus.DELIVERED,
    OutboundStatus.FAILED,
    OutboundStatus.SKIPPED,
)


class OutboundMessage(models.Model):
    """One message the platform sends to a person on one channel; sent by a worker."""

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="outbound_messages"
    )
    client = models.ForeignKey(
        "clients.Client",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbound_messages",
    )
    message_type = models.CharField(
        _("type"), max_length=40, choices=MessageType.choices, blank=True
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    to = models.CharField(_("to"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    text = models.TextField(_("text"))
    language = models.CharField(_("language"), max_length=12)
    status = models.CharField(
        _("status"), max_length=10, choices=OutboundStatus.choices, default=OutboundStatus.QUEUED
    )
    error = models.CharField(_("reason"), max_length=500, blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)
    provider_message_id = models.CharField(_("provider message id"), max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Not before this moment (scheduled, deferred by quiet hours, or backing off before a retry).
    send_after = models.DateTimeField(default=timezone.now)
    claim_token = models.CharField(max_length=32, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A worker may have called the provider for the current attempt without recording the
    # answer (it died): ask the provider for the idempotency key before sending again.
    in_doubt = models.BooleanField(default=False, editable=False)
    # What the message is about, e.g. "registration:12" (reminders check it before sending).
    ref = models.CharField(max_length=60, blank=True)
    dedupe_key = models.CharField(max_length=120, blank=True)
    # Channels still to try, in order, if this one fails for good.
    fallback_channels = models.JSONField(default=list, blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        verbose_name=_("follows"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "status", "created_at"]),
            models.Index(fields=["status", "send_after"], name="outbox_due"),
            models.Index(fields=["provider_message_id"], name="outbox_provider_id"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="outbox_unique_dedupe_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.to} ({self.status})"

    @property
    def idempotency_key(self) -> str:
        return f"{self.pk}:{self.attempts}"


class MessageEvent(models.Model):
    """One step of a message's status history."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(OutboundMessage, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=20)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("message event")
        verbose_name_plural = _("message events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.status} {self.at:%Y-%m-%d %H:%M:%S}"


class ProviderCallback(models.Model):
    """A delivery-status callback already applied: the same (sid, status) is ignored."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    provider_message_id = models.CharField(max_length=100)
    status = models.CharField(max_length=20)
    received_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(agency="agency")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider_message_id", "status"], name="provider_callback_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider_message_id}: {self.status}"


class OptOut(models.Model):
    """An address that sent STOP on a channel (so that the confirmation goes out once)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    address = models.CharField(max_length=254)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(agency="agency")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "channel", "address"], name="optout_once_per_address"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.address}"


class InboundContact(models.Model):
    """When a person last wrote to us from an address on a channel.

    WhatsApp lets a business send free text only within 24 hours of the person's last message
    (its customer-service window); after that, only approved templates (outbox.deliver).
    """

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    address = models.CharField(max_length=254)
    last_inbound_at = models.DateTimeField()

    objects = ScopedManager(agency="agency")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "channel", "address"], name="inbound_contact_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.address}: {self.last_inbound_at:%Y-%m-%d %H:%M}"


class MessageTemplate(models.Model):
    """An agency's text for one type in one language (adds languages, or rewords EN/FR)."""

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="message_templates"
    )
    message_type = models.CharField(_("type"), max_length=40, choices=MessageType.choices)
    language = models.CharField(_("language code"), max_length=12)
    subject = models.CharField(_("email subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["message_type", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "message_type", "language"], name="message_template_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.message_type} ({self.language})"


class MessagingPreference(models.Model):
    """What a client turned off (kind × channel) and the time zone of their quiet hours."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    client = models.OneToOneField(
        "clients.Client", on_delete=models.CASCADE, related_name="messaging_preference"
    )
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    # "kind:channel" pairs the client does not want, e.g. ["surveys:sms"].
    disabled = models.JSONField(default=list, blank=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("messaging preference")
        verbose_name_plural = _("messaging preferences")

    def __str__(self) -> str:
        return f"{self.client_id}: {len(self.disabled)} off"
