from django.http import HttpResponse
from django.shortcuts import render

from tremplin.agencies.policy import Perm, agency_view, network_view
from tremplin.agencies.requests import AgencyRequest
from tremplin.agencies.selectors import (
    agency_list_active,
    location_list,
    network_get_default,
    staff_memberships,
)
from tremplin.clients.selectors import client_of_user
from tremplin.core.pagecache import cache_public_page


@agency_view(public=True)
@cache_public_page
def agency_home(request: AgencyRequest) -> HttpResponse:
    return render(
        request, "agencies/agency_home.html", {"locations": location_list(agency=request.agency)}
    )


@agency_view(perm=Perm.CLIENT_AREA)
def client_home(request: AgencyRequest) -> HttpResponse:
    client = client_of_user(agency=request.agency, user=request.user)
    return render(request, "agencies/client_home.html", {"client": client})


@agency_view(perm=Perm.STAFF_AREA)
def staff_home(request: AgencyRequest) -> HttpResponse:
    return render(
        request,
        "agencies/staff_home.html",
        {
            "staff": staff_memberships(agency=request.agency),
            "locations": location_list(agency=request.agency),
        },
    )


@network_view
def network_dashboard(request: AgencyRequest) -> HttpResponse:
    return render(
        request,
        "agencies/network_dashboard.html",
        {"network": network_get_default(), "agencies": agency_list_active()},
    )
