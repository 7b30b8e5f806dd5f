from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tremplin.agencies.policy import Perm, agency_view
from tremplin.audit.selectors import audit_event_list


@agency_view(perm=Perm.AUDIT_VIEW)
def audit_event_list_view(request: HttpRequest) -> HttpResponse:
    action = request.GET.get("action", "")[:80]
    page = Paginator(audit_event_list(agency=request.agency, action=action), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "audit/event_list.html", {"page": page, "action": action})
