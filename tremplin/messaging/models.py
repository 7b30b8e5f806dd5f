from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class Channel(models.TextChoices):
    """Ways the platform reaches a person; each has an outbound adapter (tremplin.messaging.adapters)."""

    WEB = "web", _("Web chat")
    SMS = "sms", _("Text message (SMS)")
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone call")


class OutboundStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboundMessage(models.Model):
    """One message the platform sends to a person, whatever the channel; sent by a background task."""

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
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    to = models.CharField(_("to"), max_length=254)
    text = models.TextField(_("text"))
    language = models.CharField(_("language"), max_length=12)
    status = models.CharField(
        _("status"), max_length=10, choices=OutboundStatus.choices, default=OutboundStatus.QUEUED
    )
    error = models.CharField(_("error"), max_length=500, blank=True)
    provider_message_id = models.CharField(_("provider message id"), max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["agency", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.channel} → {self.to} ({self.status})"
