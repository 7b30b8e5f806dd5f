"""The request of an agency page, as AgencyMiddleware leaves it — for readers and type checkers."""

from django.http import HttpRequest

from tremplin.agencies.models import Agency
from tremplin.agencies.policy import Perm


class AgencyRequest(HttpRequest):
    agency: Agency
    agency_roles: frozenset[str]
    agency_perms: frozenset[Perm]
    network_perms: frozenset[Perm]
