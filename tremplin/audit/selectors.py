from django.db.models import QuerySet

from tremplin.agencies.models import Agency
from tremplin.audit.models import AuditEvent


def audit_event_list(
    *, agency: Agency, client_id: int | None = None, action: str = ""
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(agency=agency).select_related("actor")
    if client_id is not None:
        events = events.filter(client_id=client_id)
    if action:
        events = events.filter(action__startswith=action)
    return events
