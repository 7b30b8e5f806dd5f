from django.db import transaction

from tremplin.accounts.models import User
from tremplin.agencies.models import Agency
from tremplin.agencies.roles import Role
from tremplin.agencies.services import membership_grant
from tremplin.clients.services import client_create


@transaction.atomic
def user_complete_client_signup(
    *, user: User, agency: Agency, first_name: str, last_name: str, language: str
) -> User:
    """A self-signed-up person becomes a client of the agency they chose, with a client record."""
    user.first_name = first_name
    user.last_name = last_name
    user.language = language
    user.save(update_fields=["first_name", "last_name", "language"])
    membership_grant(agency=agency, user=user, role=Role.CLIENT, actor=user)
    client_create(
        agency=agency,
        actor=user,
        user=user,
        first_name=first_name,
        last_name=last_name,
        email=user.email,
        preferred_language=language,
    )
    return user


@transaction.atomic
def user_update_preferences(*, user: User, language: str, time_zone: str) -> User:
    user.language = language
    user.time_zone = time_zone
    user.save(update_fields=["language", "time_zone"])
    return user
