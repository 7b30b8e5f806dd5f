"""Resolve the agency once per request and enter its data scope.

Every agency-owned model uses django-scopes' ScopedManager, so a query made while no agency is
in scope raises ScopeError instead of silently returning every agency's rows. Agency pages
(URLs with `agency_slug`) run inside `scope(agency=…)`; the admin runs inside the scope of the
agencies its user administers; everything else runs with no agency scope at all.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from tremplin.agencies.policy import permissions_for_roles
from tremplin.agencies.requests import roles_of_request
from tremplin.agencies.roles import Role
from tremplin.agencies.selectors import agency_get_active, memberships_of_user


class AgencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.agency = None  # type: ignore[attr-defined]
        request.agency_roles = frozenset()  # type: ignore[attr-defined]
        request.agency_perms = frozenset()  # type: ignore[attr-defined]
        roles_of_user = roles_of_request(request)
        request.network_perms = permissions_for_roles(roles_of_user.network)  # type: ignore[attr-defined]
        try:
            match = resolve(request.path_info)
        except Resolver404:
            match = None
        if match is not None and "admin" in (match.namespace, match.app_name):
            return self._admin(request)
        slug = match.kwargs.get("agency_slug") if match is not None else None
        own_zone = getattr(request.user, "time_zone", "")
        if slug is None:
            # An explicit scope with no agency: any query of agency data here raises ScopeError.
            with scope(), timezone.override(own_zone or None):
                return self.get_response(request)
        agency = agency_get_active(slug=slug)
        roles = roles_of_user.in_agency(agency)
        request.agency = agency  # type: ignore[attr-defined]
        request.agency_roles = roles  # type: ignore[attr-defined]
        request.agency_perms = permissions_for_roles(roles)  # type: ignore[attr-defined]
        with scope(agency=agency), timezone.override(own_zone or agency.time_zone):
            return self.get_response(request)

    def _admin(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.is_superuser:
            with scopes_disabled():
                return self.get_response(request)
        administered: list[int] = []
        if user.is_authenticated:
            administered = [
                m.agency_id for m in memberships_of_user(user=user) if m.role == Role.AGENCY_ADMIN
            ]
        request.admin_agency_ids = administered  # type: ignore[attr-defined]
        with scope(agency=administered):
            return self.get_response(request)
