"""The request of an agency page, as AgencyMiddleware leaves it — for readers and type checkers."""

from django.http import HttpRequest

from tremplin.agencies.models import Agency
from tremplin.agencies.policy import Perm
from tremplin.agencies.selectors import UserRoles, user_roles


class AgencyRequest(HttpRequest):
    agency: Agency
    agency_roles: frozenset[str]
    agency_perms: frozenset[Perm]
    network_perms: frozenset[Perm]


def roles_of_request(request: HttpRequest) -> UserRoles:
    """The signed-in person's roles, read once per request (by the staff-session and agency
    middlewares both)."""
    roles = getattr(request, "_user_roles", None)
    if roles is None:
        roles = user_roles(user=request.user)
        request._user_roles = roles  # type: ignore[attr-defined]
    return roles
