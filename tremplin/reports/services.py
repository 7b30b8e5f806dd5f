"""Writes of the reports app: the client's identifier with the funder, the summary table."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Min
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from tremplin.accounts.models import User
from tremplin.audit.services import audit_log
from tremplin.clients.models import Client
from tremplin.programs.models import AttendanceStatus, Registration
from tremplin.reports.models import FirstService, FunderProfile, IdentifierType


@transaction.atomic
def funder_profile_set(
    *, client: Client, actor: User, identifier_type: str, identifier_value: str
) -> FunderProfile:
    value = identifier_value.strip().upper()
    if identifier_type not in IdentifierType.values:
        raise ValidationError({"identifier_type": _("Choose the type of identifier.")})
    if not value or len(value) > 40 or not value.replace("-", "").isalnum():
        raise ValidationError(
            {"identifier_value": _("Give the identifier: letters and digits, up to 40.")}
        )
    profile, _created = FunderProfile.objects.update_or_create(
        client=client,
        defaults={
            "agency": client.agency,
            "identifier_type": identifier_type,
            "identifier_value": value,
            "updated_by": actor,
        },
    )
    audit_log(
        agency=client.agency,
        actor=actor,
        action="funder_profile.set",
        obj=profile,
        client_id=client.pk,
        detail={"fields": ["identifier_type", "identifier_value"]},
    )
    return profile


@transaction.atomic
def first_services_refresh(*, agency_ids: list[int] | None = None) -> int:
    """Rebuild the first-service summary table (all agencies, or these): one grouped query."""
    with scopes_disabled():
        attended = Registration.objects.filter(
            attendance=AttendanceStatus.ATTENDED,
            client__intake_completed_at__isnull=False,
            session__starts_at__gte=F("client__intake_completed_at"),
        )
        existing = FirstService.objects.all()
        if agency_ids is not None:
            attended = attended.filter(agency_id__in=agency_ids)
            existing = existing.filter(agency_id__in=agency_ids)
        rows = (
            attended.values("client_id", "agency_id")
            .annotate(first=Min("session__starts_at"))
            .order_by()
        )
        existing.delete()
        created = FirstService.objects.bulk_create(
            (
                FirstService(
                    client_id=row["client_id"],
                    agency_id=row["agency_id"],
                    first_service_at=row["first"],
                )
                for row in rows
            ),
            batch_size=5000,
        )
    return len(created)
