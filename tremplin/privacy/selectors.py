from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from tremplin.agencies.models import Agency
from tremplin.audit.models import AuditEvent
from tremplin.audit.reads import READ_ACTIONS
from tremplin.clients.models import Client
from tremplin.privacy.models import (
    LegalHold,
    PrivacyRequest,
    RequestKind,
    RequestStatus,
    RetentionPolicy,
    RetentionRun,
)

# Reads do not count as activity on a record (a staff member opening it keeps nothing alive).
READ_SUFFIXES = ("view", "list", "export", "access_file")


def privacy_requests(*, agency: Agency, client: Client | None = None) -> QuerySet[PrivacyRequest]:
    rows = PrivacyRequest.objects.filter(agency=agency).select_related(
        "client", "requested_by", "decided_by"
    )
    return rows.filter(client=client) if client is not None else rows


def privacy_request_get(*, agency: Agency, privacy_request_id: int) -> PrivacyRequest:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(privacy_requests(agency=agency), pk=privacy_request_id)


def legal_holds(*, client: Client) -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(agency=client.agency, client=client).select_related("placed_by")


def legal_hold_get(*, agency: Agency, legal_hold_id: int) -> LegalHold:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(LegalHold.objects.filter(agency=agency), pk=legal_hold_id)


def retention_policy(*, agency: Agency) -> RetentionPolicy | None:
    return RetentionPolicy.objects.filter(agency=agency).first()


def retention_runs(*, agency: Agency) -> QuerySet[RetentionRun]:
    return RetentionRun.objects.filter(agency=agency)


def erased_client_ids(*, agency: Agency) -> set[int]:
    return set(
        PrivacyRequest.objects.filter(
            agency=agency, kind=RequestKind.ERASURE, status=RequestStatus.DONE
        ).values_list("client_id", flat=True)
    )


@dataclass
class RetentionPreview:
    cutoff: datetime
    to_erase: list[Client] = field(default_factory=list)
    held: list[Client] = field(default_factory=list)


def retention_preview(*, agency: Agency, cutoff: datetime) -> RetentionPreview:
    """Records with no activity since `cutoff`: created and changed before it, no registration
    or attendance after it, no audited change after it (reads excluded); split by legal hold."""
    from tremplin.programs.models import Registration

    recent_change = AuditEvent.objects.filter(
        agency=agency, client_id=OuterRef("pk"), created_at__gte=cutoff
    )
    recent_change = recent_change.exclude(action__in=READ_ACTIONS)
    for suffix in READ_SUFFIXES:
        recent_change = recent_change.exclude(action__endswith=suffix)
    recent_registration = Registration.objects.filter(client=OuterRef("pk")).filter(
        Q(created_at__gte=cutoff) | Q(checked_in_at__gte=cutoff)
    )
    held = LegalHold.objects.filter(client=OuterRef("pk"), released_at__isnull=True)
    candidates = (
        Client.objects.filter(agency=agency, created_at__lt=cutoff, updated_at__lt=cutoff)
        .exclude(pk__in=erased_client_ids(agency=agency))
        .annotate(
            recent_change=Exists(recent_change),
            recent_registration=Exists(recent_registration),
            held=Exists(held),
        )
        .filter(recent_change=False, recent_registration=False)
        .order_by("pk")
    )
    preview = RetentionPreview(cutoff=cutoff)
    for client in candidates:
        (preview.held if client.held else preview.to_erase).append(client)
    return preview
