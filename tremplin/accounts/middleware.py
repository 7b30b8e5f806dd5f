"""Rules for staff sessions: TOTP must be set up, and 30 idle minutes end the session."""

import re
import time
from collections.abc import Callable

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from tremplin.agencies.requests import roles_of_request

SESSION_LAST_SEEN = "tremplin_last_seen"
# Refresh the idle clock at most once a minute, so a staff page view is not a session write.
LAST_SEEN_RESOLUTION_SECONDS = 60


# The pages that let a person sign out or set up TOTP (/<lang>/accounts/…), and their assets.
MFA_EXEMPT_PATH = re.compile(r"^/[a-z]{2}/accounts/|^/static/|^/healthz$")


class StaffSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        session = request.session
        # Evaluated on every request from the current roles and authenticators (never cached in
        # the session): a client granted a staff role needs TOTP on the very next request.
        if not (user.is_superuser or roles_of_request(request).is_staff_anywhere):
            return self.get_response(request)

        now = int(time.time())
        last_seen = session.get(SESSION_LAST_SEEN)
        if last_seen is not None and now - last_seen > settings.STAFF_IDLE_TIMEOUT_SECONDS:
            logout(request)
            messages.info(
                request,
                _("You were signed out after 30 minutes without activity. Please sign in again."),
            )
            return redirect_to_login(request.get_full_path())
        if last_seen is None or now - last_seen >= LAST_SEEN_RESOLUTION_SECONDS:
            session[SESSION_LAST_SEEN] = now
            session.set_expiry(settings.STAFF_IDLE_TIMEOUT_SECONDS)

        if not is_mfa_enabled(user, [Authenticator.Type.TOTP]):
            if not MFA_EXEMPT_PATH.match(request.path_info):
                messages.warning(
                    request,
                    _(
                        "Staff accounts must use two-factor authentication. Set up your authenticator app to continue."
                    ),
                )
                return redirect(
                    reverse("mfa_activate_totp")
                    + "?"
                    + urlencode({"next": request.get_full_path()})
                )
        return self.get_response(request)
