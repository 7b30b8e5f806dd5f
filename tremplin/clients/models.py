from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class ArrivalStatus(models.TextChoices):
    PRE_ARRIVAL = "pre_arrival", _("Pre-arrival (approved, not yet in Canada)")
    ARRIVED = "arrived", _("Arrived in Canada")


class ImmigrationCategory(models.TextChoices):
    PERMANENT_RESIDENT = "permanent_resident", _("Permanent resident")
    PROTECTED_PERSON = "protected_person", _("Protected person / refugee")
    TEMPORARY_WORKER = "temporary_worker", _("Temporary resident: work permit")
    TEMPORARY_STUDENT = "temporary_student", _("Temporary resident: study permit")
    TEMPORARY_VISITOR = "temporary_visitor", _("Temporary resident: visitor")
    TEMPORARY_OTHER = "temporary_other", _("Temporary resident: other")
    CITIZEN = "citizen", _("Canadian citizen")
    OTHER = "other", _("Other")


class LocationType(models.TextChoices):
    URBAN = "urban", _("Urban")
    RURAL = "rural", _("Rural")
    REMOTE = "remote", _("Remote")


class Client(models.Model):
    """A person the agency serves. Linked to a login when they signed up themselves."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="clients")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="client_records"
    )
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, help_text=_("Stored in E.164 form."))
    preferred_language = models.CharField(_("preferred language"), max_length=12, default="en")
    arrival_status = models.CharField(
        _("arrival status"), max_length=20, choices=ArrivalStatus.choices, default=ArrivalStatus.ARRIVED
    )
    immigration_category = models.CharField(
        _("immigration category"), max_length=30, choices=ImmigrationCategory.choices, blank=True
    )
    location_type = models.CharField(_("location type"), max_length=10, choices=LocationType.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "user"], condition=models.Q(user__isnull=False), name="client_one_record_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"
