from email.utils import formataddr, parseaddr
from types import SimpleNamespace
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest


def mail_brand(user: Any) -> SimpleNamespace:
    """Who an account email is from: the person's agency (chosen at sign-up, or their first
    membership) and the postal address from settings; never the server's host name."""
    from tremplin.agencies.models import Membership
    from tremplin.privacy.models import PendingSignup

    agency = None
    if user is not None and getattr(user, "pk", None):
        pending = PendingSignup.objects.filter(user=user).select_related("agency").first()
        if pending is not None:
            agency = pending.agency
        else:
            membership = (
                Membership.objects.filter(user=user, is_active=True)
                .select_related("agency")
                .order_by("pk")
                .first()
            )
            agency = membership.agency if membership else None
    name = str(agency.name) if agency is not None else settings.TREMPLIN_SITE_NAME
    return SimpleNamespace(name=name, domain=name, address=settings.TREMPLIN_POSTAL_ADDRESS)


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return True

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        user = context.get("user")
        if user is None:
            from tremplin.accounts.models import User

            user = User.objects.filter(email__iexact=email).first()
        brand = mail_brand(user)
        context = {**context, "brand": brand, "current_site": brand}
        message = self.render_mail(template_prefix, email, context)
        message.from_email = formataddr((brand.name, parseaddr(settings.DEFAULT_FROM_EMAIL)[1]))
        message.send()
