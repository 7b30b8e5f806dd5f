from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from tremplin.agencies.models import Agency
from tremplin.audit.models import AuditEvent


def audit_event_list(
    *,
    agency: Agency,
    client_id: int | None = None,
    action: str = "",
    actor_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEvent]:
    """The agency's events, newest first; `action` matches a code or a prefix ("consent.")."""
    events = AuditEvent.objects.filter(agency=agency).select_related("actor")
    if client_id is not None:
        events = events.filter(client_id=client_id)
    if action:
        events = events.filter(action__startswith=action)
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    zone = timezone.get_current_timezone()
    if since is not None:
        events = events.filter(created_at__gte=datetime.combine(since, time.min, tzinfo=zone))
    if until is not None:
        end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=zone)
        events = events.filter(created_at__lt=end)
    return events


def client_names(*, agency: Agency, client_ids: set[int]) -> dict[int, str]:
    """Names for the client ids shown on an audit page (names, not numbers)."""
    from tremplin.clients.models import Client

    rows = Client.objects.filter(agency=agency, pk__in=client_ids).values_list(
        "pk", "first_name", "last_name"
    )
    return {pk: f"{first} {last}".strip() for pk, first, last in rows}
