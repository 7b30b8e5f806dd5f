"""Who may do what: the one place where roles become permissions.

Views declare what they need with `agency_view(perm=…)` (or `public=True`); the decorator asks
this module. A person without the permission gets 404, the same answer as for an object that
does not exist, so private pages of another agency reveal nothing.
"""

from collections.abc import Callable, Iterable
from enum import StrEnum
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from tremplin.agencies.roles import NetworkRole, Role


class Perm(StrEnum):
    CLIENT_AREA = "client_area"  # a client's own pages in the agency
    EMPLOYER_AREA = "employer_area"
    STAFF_AREA = "staff_area"
    CLIENTS_VIEW = "clients_view"  # read client records and lists
    CLIENTS_MANAGE = "clients_manage"  # intake, needs, referrals, consent on behalf, merge
    CASE_NOTES = "case_notes"
    SESSIONS_RUN = "sessions_run"  # check-in, attendance, recordings, registering on behalf
    CATALOGUE_MANAGE = "catalogue_manage"  # programs, sessions, courses
    LEARNING_FOLLOW = "learning_follow"  # learners' progress
    ASSISTANT_INBOX = "assistant_inbox"  # conversations handed over by the assistant
    ASSISTANT_MANAGE = "assistant_manage"  # knowledge base, learning loop
    REPORTS_VIEW = "reports_view"
    AUDIT_VIEW = "audit_view"
    AGENCY_MANAGE = "agency_manage"  # staff, locations, settings
    NETWORK_AREA = "network_area"  # network-wide aggregates and shared catalogue
    EMPLOYERS_MANAGE = "employers_manage"  # employers, job postings, hiring events, mentoring


_FOLLOW_CLIENTS = {
    Perm.STAFF_AREA,
    Perm.CLIENTS_VIEW,
    Perm.SESSIONS_RUN,
    Perm.LEARNING_FOLLOW,
    Perm.ASSISTANT_INBOX,
}
ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.CLIENT: frozenset({Perm.CLIENT_AREA}),
    Role.EMPLOYER: frozenset({Perm.EMPLOYER_AREA}),
    Role.FACILITATOR: frozenset(_FOLLOW_CLIENTS),
    Role.COUNSELLOR: frozenset(
        _FOLLOW_CLIENTS | {Perm.CLIENTS_MANAGE, Perm.CASE_NOTES, Perm.EMPLOYERS_MANAGE}
    ),
    Role.AGENCY_ADMIN: frozenset(
        _FOLLOW_CLIENTS
        | {
            Perm.CLIENTS_MANAGE,
            Perm.CASE_NOTES,
            Perm.CATALOGUE_MANAGE,
            Perm.ASSISTANT_MANAGE,
            Perm.REPORTS_VIEW,
            Perm.AUDIT_VIEW,
            Perm.AGENCY_MANAGE,
            Perm.EMPLOYERS_MANAGE,
        }
    ),
    NetworkRole.NETWORK_ADMIN: frozenset({Perm.NETWORK_AREA}),
}


def permissions_for_roles(roles: Iterable[str]) -> frozenset[Perm]:
    granted: set[Perm] = set()
    for role in roles:
        granted |= ROLE_PERMISSIONS.get(role, frozenset())
    return frozenset(granted)


def has_perm(request: HttpRequest, perm: Perm) -> bool:
    return perm in getattr(request, "agency_perms", frozenset())


def agency_view(
    *, perm: Perm | None = None, public: bool = False
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Declare what a view under /<lang>/a/<agency>/ needs.

    The agency itself is resolved by AgencyMiddleware (request.agency); the view does not
    receive `agency_slug`.
    """
    if public == (perm is not None):
        raise ValueError("Give exactly one of perm=… or public=True.")

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapped(
            request: HttpRequest, *args: Any, agency_slug: str, **kwargs: Any
        ) -> HttpResponseBase:
            if perm is not None:
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                if not has_perm(request, perm):
                    raise Http404
            return view(request, *args, **kwargs)

        wrapped.tremplin_access = "public" if public else str(perm)  # type: ignore[attr-defined]
        return wrapped

    return decorator


def network_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A network-level page: only network administrators (of the deployment's network)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if Perm.NETWORK_AREA not in getattr(request, "network_perms", frozenset()):
            raise Http404
        return view(request, *args, **kwargs)

    wrapped.tremplin_access = str(Perm.NETWORK_AREA)  # type: ignore[attr-defined]
    return wrapped
