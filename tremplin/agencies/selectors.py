from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import BigIntegerField, QuerySet, Value
from django.http import Http404

from tremplin.accounts.models import User
from tremplin.agencies.models import Agency, Location, Membership, Network, NetworkMembership
from tremplin.agencies.roles import STAFF_ROLES
from tremplin.core.versions import EVERY_AGENCY, agency_cached

AGENCIES = "agencies"  # the version kind of the cached agency rows (AgenciesConfig bumps it)


def agency_get_active(*, slug: str) -> Agency:
    """The active agency of this slug, or 404. Every agency page asks first, so the row comes
    from the shared cache; any save or delete of an agency or a network makes it stale."""
    agency = agency_cached(
        AGENCIES,
        EVERY_AGENCY,
        lambda: Agency.objects.select_related("network").filter(slug=slug, is_active=True).first(),
        timeout=24 * 60 * 60,
        part=slug,
    )
    if agency is None:
        raise Http404
    return agency


def agency_list_active() -> QuerySet[Agency]:
    return Agency.objects.filter(is_active=True).select_related("network").order_by("slug")


def network_get_default() -> Network | None:
    """One deployment serves one network (the first one created)."""
    return Network.objects.order_by("id").first()


def roles_in_agency(*, user: User | AnonymousUser, agency: Agency) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    return frozenset(
        Membership.objects.with_scope(agency=agency)
        .filter(user=user, is_active=True)
        .values_list("role", flat=True)
    )


def memberships_of_user(*, user: User) -> QuerySet[Membership]:
    """A person's own memberships across agencies (they may see where they belong)."""
    return (
        Membership.objects.with_scopes_disabled()
        .filter(user=user, is_active=True, agency__is_active=True)
        .select_related("agency")
        .order_by("agency__slug", "role")
    )


@dataclass(frozen=True)
class UserRoles:
    """Every current role of one person: in the network, and in each active agency."""

    network: frozenset[str]
    by_agency: dict[int, frozenset[str]]

    @property
    def is_staff_anywhere(self) -> bool:
        return bool(self.network) or any(roles & STAFF_ROLES for roles in self.by_agency.values())

    def in_agency(self, agency: Agency) -> frozenset[str]:
        return self.by_agency.get(agency.pk, frozenset())


def user_roles(*, user: User | AnonymousUser) -> UserRoles:
    """A person's roles as the database says now, in one query (the middlewares read it once
    per request, so a role granted or removed counts from the next request on)."""
    if not user.is_authenticated:
        return UserRoles(network=frozenset(), by_agency={})
    in_agencies = (
        Membership.objects.with_scopes_disabled()
        .filter(user=user, is_active=True, agency__is_active=True)
        .values_list("agency_id", "role")
    )
    in_network = NetworkMembership.objects.filter(user=user).values_list(
        Value(None, output_field=BigIntegerField()), "role"
    )
    network: set[str] = set()
    by_agency: dict[int, set[str]] = {}
    for agency_id, role in in_agencies.union(in_network, all=True):
        if agency_id is None:
            network.add(role)
        else:
            by_agency.setdefault(agency_id, set()).add(role)
    return UserRoles(
        network=frozenset(network),
        by_agency={agency_id: frozenset(roles) for agency_id, roles in by_agency.items()},
    )


def location_list(*, agency: Agency) -> QuerySet[Location]:
    return Location.objects.filter(agency=agency).order_by("kind", "id")


def staff_memberships(*, agency: Agency) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(agency=agency, role__in=STAFF_ROLES, is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "role")
    )
