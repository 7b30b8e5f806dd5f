"""Session limits for everyone signed in (clients above all): an idle limit and an absolute one.

Staff have a stricter idle limit of their own (tremplin/accounts/middleware.py); this one gives
client sessions CLIENT_IDLE_TIMEOUT_SECONDS without activity and CLIENT_SESSION_MAX_SECONDS in
all, instead of Django's two weeks.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

SIGNED_IN_AT = "tremplin_signed_in_at"
SEEN_AT = "tremplin_seen_at"
# Refresh the idle clock at most once a minute, so a page view is not always a session write.
RESOLUTION_SECONDS = 60


class SessionLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.get_response(request)
        session = request.session
        now = int(time.time())
        signed_in_at = session.get(SIGNED_IN_AT)
        seen_at = session.get(SEEN_AT)
        idle = settings.CLIENT_IDLE_TIMEOUT_SECONDS
        if (seen_at is not None and now - seen_at > idle) or (
            signed_in_at is not None and now - signed_in_at > settings.CLIENT_SESSION_MAX_SECONDS
        ):
            logout(request)
            messages.info(request, _("Your session has ended. Please sign in again."))
            return redirect_to_login(request.get_full_path())
        if signed_in_at is None:
            session[SIGNED_IN_AT] = now
        if seen_at is None or now - seen_at >= RESOLUTION_SECONDS:
            session[SEEN_AT] = now
        return self.get_response(request)
