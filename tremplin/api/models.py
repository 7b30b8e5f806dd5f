"""API tokens, idempotency keys and webhooks.

A token belongs to one agency (or to the network, agency empty); only a SHA-256 of its secret
is stored, so a leaked database does not leak working tokens (the secret is 256 random bits:
a slow hash would add nothing). Webhook deliveries are rows: `webhook_emit` writes them in
the caller's transaction (an event is never sent for a change that was rolled back), and the
worker sends them with retries (see webhooks.py).
"""

import secrets

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class Scope(models.TextChoices):
    PROGRAMS_READ = "programs:read", _("Read programs, sessions, registrations and attendance")
    PROGRAMS_WRITE = "programs:write", _("Register, cancel, switch mode and record attendance")
    CLIENTS_READ = "clients:read", _("Read client records")
    CLIENTS_WRITE = "clients:write", _("Create client records")
    LEARNING_READ = "learning:read", _("Read courses and learner progress")
    OUTCOMES_READ = "outcomes:read", _("Read survey responses and outcomes")
    MESSAGES_READ = "messages:read", _("Read outbound messages")
    EMPLOYERS_READ = "employers:read", _("Read employers and job postings")
    PERSONAL = "personal", _("Personal data (names, contact details, dates of birth)")


AGENCY_SCOPES = tuple(Scope.values)
NETWORK_SCOPE = "network:read"


class ApiToken(models.Model):
    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    network = models.ForeignKey("agencies.Network", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("starts with"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("permissions"), default=list)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    rate_limit_per_minute = models.PositiveIntegerField(_("requests per minute"), default=600)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class NetworkAuditEvent(models.Model):
    """The network's own audit log: what network administrators and network tokens did.

    An agency's `AuditEvent` needs an agency; a network token reads across agencies (counts
    and templates), so its requests, and the creation and revocation of network tokens, are
    recorded here, with the token's name, and shown on the network's token page.
    """

    network = models.ForeignKey("agencies.Network", on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token = models.ForeignKey(
        ApiToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=80)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("network audit event")
        verbose_name_plural = _("network audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["network", "-created_at"], name="network_audit_recent")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"


class IdempotencyKey(models.Model):
    """The first answer to a POST carrying an `Idempotency-Key` header, replayed on repeats."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of method, path and body
    status_code = models.PositiveSmallIntegerField(default=0)
    response = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "key"], name="idempotency_key_once")
        ]

    def __str__(self) -> str:
        return self.key


class EventType(models.TextChoices):
    REGISTRATION_CREATED = "registration.created", _("Registration created")
    REGISTRATION_CANCELLED = "registration.cancelled", _("Registration cancelled")
    REGISTRATION_PROMOTED = "registration.promoted", _("Registration moved off the waitlist")
    ATTENDANCE_RECORDED = "attendance.recorded", _("Attendance recorded")
    COURSE_COMPLETED = "course.completed", _("Course completed")
    SURVEY_RESPONSE = "survey.response", _("Survey response received")
    OUTCOME_RECORDED = "outcome.recorded", _("Outcome recorded")
    MESSAGE_FAILED = "message.failed", _("Message failed")


def new_webhook_secret() -> str:
    # The Standard Webhooks secret format: "whsec_" and base64 of 24 random bytes.
    import base64

    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


class WebhookEndpoint(models.Model):
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    url = models.URLField(_("address"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(max_length=64, default=new_webhook_secret, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    disabled_reason = models.CharField(_("why it was turned off"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.url


class WebhookEvent(models.Model):
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    event_type = models.CharField(_("event"), max_length=40, choices=EventType.choices)
    object_type = models.CharField(_("object type"), max_length=40)
    object_id = models.CharField(_("object id"), max_length=40)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    objects = ScopedManager(agency="agency")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.event_type} {self.object_type} {self.object_id}"

    @property
    def message_id(self) -> str:
        return f"msg_{self.pk}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Given up")


class WebhookDelivery(models.Model):
    """One event for one endpoint; `attempts` counts tries, the log keeps each answer."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    # The object the event is about: deliveries of one object go out one at a time, in order.
    object_key = models.CharField(max_length=90)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_status_code = models.PositiveSmallIntegerField(_("last answer"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
            models.Index(fields=["endpoint", "object_key", "status"], name="webhook_delivery_obj"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.endpoint_id}"
