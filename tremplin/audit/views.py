from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from tremplin.agencies.policy import Perm, agency_view
from tremplin.agencies.requests import AgencyRequest
from tremplin.audit.selectors import audit_event_list


@agency_view(perm=Perm.AUDIT_VIEW)
def audit_event_list_view(request: AgencyRequest) -> HttpResponse:
    action = request.GET.get("action", "")[:80]
    # A client record links here with ?client=<id>: who accessed that record.
    client = request.GET.get("client", "")
    client_id = int(client) if client.isdigit() and len(client) < 19 else None
    events = audit_event_list(agency=request.agency, action=action, client_id=client_id)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/event_list.html", {"page": page, "action": action})
