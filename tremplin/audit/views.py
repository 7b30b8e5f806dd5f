import csv

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from tremplin.agencies.policy import Perm, agency_view
from tremplin.agencies.requests import AgencyRequest
from tremplin.agencies.selectors import staff_memberships
from tremplin.audit.forms import AuditFilterForm
from tremplin.audit.labels import action_label
from tremplin.audit.reads import record_read
from tremplin.audit.selectors import audit_event_list, client_names
from tremplin.core.text import csv_cell


def _filtered(request: AgencyRequest):  # type: ignore[no-untyped-def]
    staff = {m.user.pk: str(m.user) for m in staff_memberships(agency=request.agency)}
    form = AuditFilterForm(request.GET or None, staff=sorted(staff.items(), key=lambda s: s[1]))
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    events = audit_event_list(
        agency=request.agency,
        action=data.get("action") or "",
        client_id=data.get("client"),
        actor_id=data.get("actor"),
        since=data.get("since"),
        until=data.get("until"),
    )
    return form, events


@agency_view(perm=Perm.AUDIT_VIEW)
def audit_event_list_view(request: AgencyRequest) -> HttpResponse:
    # A client record links here with ?client=<id>: who accessed that record.
    form, events = _filtered(request)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    names = client_names(
        agency=request.agency, client_ids={e.client_id for e in page if e.client_id}
    )
    rows = [
        {
            "event": event,
            "label": action_label(event.action),
            "client": names.get(event.client_id, "") if event.client_id else "",
        }
        for event in page
    ]
    record_read(request, action="audit.view")
    return render(request, "audit/event_list.html", {"page": page, "rows": rows, "form": form})


@agency_view(perm=Perm.AUDIT_VIEW)
def audit_event_export(request: AgencyRequest) -> HttpResponse:
    """The filtered log as CSV, for the agency's privacy officer (itself audited)."""
    _form, events = _filtered(request)
    events = events[:50_000]
    names = client_names(
        agency=request.agency, client_ids={e.client_id for e in events if e.client_id}
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="audit-{request.agency.slug}-{stamp}.csv"'
    )
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            _("When"),
            _("Who"),
            _("What"),
            _("Code"),
            _("Object"),
            _("Client number"),
            _("Client"),
            _("Detail"),
        ]
    )
    for event in events:
        writer.writerow(
            [
                csv_cell(value)
                for value in (
                    timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                    str(event.actor) if event.actor else "",
                    action_label(event.action),
                    event.action,
                    f"{event.object_type} {event.object_id}".strip(),
                    event.client_id or "",
                    names.get(event.client_id, "") if event.client_id else "",
                    event.detail or "",
                )
            ]
        )
    record_read(request, action="audit.export", why=request.GET.get("why", ""))
    return response
