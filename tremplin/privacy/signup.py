"""Client sign-up in two steps: the account now, the client record once the email is verified.

Until then the person is only a login (email, password, name, language) and a PendingSignup
row naming the agency they chose; no agency sees them.
"""

from django.conf import settings
from django.db import transaction

from tremplin.accounts.models import User
from tremplin.agencies.models import Agency
from tremplin.agencies.roles import Role
from tremplin.agencies.services import membership_grant
from tremplin.clients.services import client_create
from tremplin.privacy.models import PendingSignup


@transaction.atomic
def signup_begin(*, user: User, agency: Agency) -> None:
    PendingSignup.objects.update_or_create(user=user, defaults={"agency": agency})
    if settings.ACCOUNT_EMAIL_VERIFICATION != "mandatory":
        signup_complete(user=user)


@transaction.atomic
def signup_complete(*, user: User) -> None:
    pending = PendingSignup.objects.filter(user=user).select_related("agency").first()
    if pending is None:
        return
    agency = pending.agency
    pending.delete()
    membership_grant(agency=agency, user=user, role=Role.CLIENT, actor=user)
    client_create(
        agency=agency,
        actor=user,
        user=user,
        first_name=user.first_name,
        last_name=user.last_name,
        email=user.email,
        preferred_language=user.language,
    )
