from django.db import transaction

from tremplin.accounts.models import User
from tremplin.agencies.models import Agency


@transaction.atomic
def user_complete_client_signup(
    *, user: User, agency: Agency, first_name: str, last_name: str, language: str
) -> User:
    """A self-signed-up person chose an agency: the membership and client record are created
    once their email is verified (tremplin/privacy/signup.py), not before."""
    from tremplin.privacy.signup import signup_begin

    user.first_name = first_name
    user.last_name = last_name
    user.language = language
    user.save(update_fields=["first_name", "last_name", "language"])
    signup_begin(user=user, agency=agency)
    return user


@transaction.atomic
def user_update_preferences(*, user: User, language: str, time_zone: str) -> User:
    user.language = language
    user.time_zone = time_zone
    user.save(update_fields=["language", "time_zone"])
    return user
