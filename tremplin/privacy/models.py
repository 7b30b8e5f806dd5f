"""Clients' privacy rights: access and erasure requests, retention policy, legal holds, and the
sign-ups waiting for their email to be verified.

See docs/privacy.md. Nothing here holds a personal value beyond the link to the client record
(requests keep `client_number` so they still read after an erasure).
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

# The law gives an organisation 30 days to answer an access request.
ANSWER_WITHIN = timedelta(days=30)


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Access to my information")
    ERASURE = "erasure", _("Erasure")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused")


class PrivacyRequest(models.Model):
    """A client's request (access file or erasure), with its dates."""

    # Kept out of erasure and of the access file's table walk: see tremplin/privacy/graph.py.
    PRIVACY_KEEP_FIELDS = ("kind", "status", "reason", "refusal_reason")

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="privacy_requests"
    )
    kind = models.CharField(_("request"), max_length=10, choices=RequestKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    reason = models.TextField(_("reason"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("received"), default=timezone.now)
    due_at = models.DateTimeField(_("answer due by"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    fulfilled_at = models.DateTimeField(_("answered"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("privacy request")
        verbose_name_plural = _("privacy requests")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        if self.due_at is None:
            self.due_at = self.requested_at + ANSWER_WITHIN
        super().save(*args, **kwargs)


class RetentionPolicy(models.Model):
    """How long an agency keeps the record of a client who no longer uses its services."""

    agency = models.OneToOneField(
        "agencies.Agency", on_delete=models.CASCADE, related_name="retention_policy"
    )
    inactive_years = models.PositiveSmallIntegerField(
        _("erase after this many years without activity"),
        null=True,
        blank=True,
        help_text=_("Leave empty to keep records until someone asks for their erasure."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")

    def __str__(self) -> str:
        return str(self.inactive_years or "—")


class LegalHold(models.Model):
    """While a hold is active the client's record is neither erased nor expired."""

    PRIVACY_KEEP_FIELDS = ("reason",)

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="legal_holds"
    )
    reason = models.CharField(_("reason"), max_length=200)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    placed_at = models.DateTimeField(_("placed"), default=timezone.now)
    released_at = models.DateTimeField(_("released"), null=True, blank=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        ordering = ["-placed_at", "-id"]

    def __str__(self) -> str:
        return self.reason


class RetentionRun(models.Model):
    """The log of each application of the retention policy (counts only)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    ran_at = models.DateTimeField(default=timezone.now)
    cutoff = models.DateTimeField()
    erased = models.PositiveIntegerField(default=0)
    held = models.PositiveIntegerField(default=0)

    objects = ScopedManager(agency="agency")

    class Meta:
        ordering = ["-ran_at", "-id"]

    def __str__(self) -> str:
        return f"{self.ran_at:%Y-%m-%d} {self.erased}"


class PendingSignup(models.Model):
    """The agency a person chose at sign-up, until their email is verified: only then do the
    membership and the client record exist (tremplin/privacy/signals.py)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_signup"
    )
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user_id} → {self.agency_id}"
