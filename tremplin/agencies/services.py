from django.db import transaction

from tremplin.accounts.models import User
from tremplin.agencies.models import Agency, Membership
from tremplin.audit.services import audit_log


@transaction.atomic
def membership_grant(*, agency: Agency, user: User, role: str, actor: User | None) -> Membership:
    membership, created = Membership.objects.with_scope(agency=agency).get_or_create(
        agency=agency, user=user, role=role, defaults={"is_active": True}
    )
    if not created and membership.is_active:
        return membership
    if not created:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    audit_log(
        agency=agency, actor=actor, action="membership.grant", obj=membership, detail={"role": role}
    )
    return membership


@transaction.atomic
def membership_revoke(*, membership: Membership, actor: User | None) -> Membership:
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    audit_log(
        agency=membership.agency,
        actor=actor,
        action="membership.revoke",
        obj=membership,
        detail={"role": membership.role},
    )
    return membership
