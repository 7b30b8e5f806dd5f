"""What the funder's bulk upload needs and the client record does not hold: the client's
unique identifier with the funder (IRCC), kept beside the client, in this app."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class IdentifierType(models.TextChoices):
    FOSS_GCMS = "foss_gcms", _("FOSS/GCMS client ID")
    TEMPORARY_RESIDENT = "tr_permit", _("Temporary resident permit number")
    IMM5292 = "imm5292", _("Confirmation of permanent residence (IMM 5292)")
    IMM5509 = "imm5509", _("Confirmation of permanent residence (IMM 5509)")
    IMM1000 = "imm1000", _("Record of landing (IMM 1000)")


class FunderProfile(models.Model):
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    client = models.OneToOneField(
        "clients.Client", on_delete=models.CASCADE, related_name="funder_profile"
    )
    identifier_type = models.CharField(
        _("type of unique identifier"), max_length=20, choices=IdentifierType.choices
    )
    identifier_value = models.CharField(_("unique identifier"), max_length=40)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("funder identifier")
        verbose_name_plural = _("funder identifiers")

    def __str__(self) -> str:
        return f"{self.client_id} · {self.identifier_type}"


class FirstService(models.Model):
    """Summary table: when each client with an intake first attended a session after it.

    "Time from intake to first service" needs, per client, the earliest attended session after
    the intake; as a live correlated subquery that costs seconds over a national network, so
    `services.first_services_refresh` rebuilds this table with one grouped query (every ten
    minutes, see tasks.py) and the dashboards join it.
    """

    client = models.OneToOneField(
        "clients.Client", primary_key=True, on_delete=models.CASCADE, related_name="first_service"
    )
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    first_service_at = models.DateTimeField()

    objects = ScopedManager(agency="agency")

    class Meta:
        verbose_name = _("first service after intake")
        verbose_name_plural = _("first services after intake")

    def __str__(self) -> str:
        return f"{self.client_id} · {self.first_service_at:%Y-%m-%d}"
