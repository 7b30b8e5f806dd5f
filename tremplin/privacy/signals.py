"""Sign-up: the membership and the client record are created when the email is verified."""

from typing import Any

from allauth.account.signals import email_confirmed
from django.dispatch import receiver


@receiver(email_confirmed)
def _complete_signup(sender: Any, request: Any, email_address: Any, **kwargs: Any) -> None:
    from tremplin.privacy.signup import signup_complete

    signup_complete(user=email_address.user)
