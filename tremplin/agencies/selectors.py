from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from tremplin.accounts.models import User
from tremplin.agencies.models import Agency, Location, Membership, Network, NetworkMembership
from tremplin.agencies.roles import STAFF_ROLES


def agency_get_active(*, slug: str) -> Agency:
    agency = Agency.objects.select_related("network").filter(slug=slug, is_active=True).first()
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


def network_roles(*, user: User | AnonymousUser) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    return frozenset(NetworkMembership.objects.filter(user=user).values_list("role", flat=True))


def memberships_of_user(*, user: User) -> QuerySet[Membership]:
    """A person's own memberships across agencies (they may see where they belong)."""
    return (
        Membership.objects.with_scopes_disabled()
        .filter(user=user, is_active=True, agency__is_active=True)
        .select_related("agency")
        .order_by("agency__slug", "role")
    )


def user_is_staff_anywhere(*, user: User) -> bool:
    if NetworkMembership.objects.filter(user=user).exists():
        return True
    return memberships_of_user(user=user).filter(role__in=STAFF_ROLES).exists()


def location_list(*, agency: Agency) -> QuerySet[Location]:
    return Location.objects.filter(agency=agency).order_by("kind", "id")


def staff_memberships(*, agency: Agency) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(agency=agency, role__in=STAFF_ROLES, is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "role")
    )
