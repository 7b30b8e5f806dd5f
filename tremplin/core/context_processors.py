from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url


def site(request: HttpRequest) -> dict[str, Any]:
    """The agency in scope, what the user may do there, and the page in each other language."""
    current = request.get_full_path()
    switch = [
        {"code": code, "name": name, "url": translate_url(current, code)}
        for code, name in settings.LANGUAGES
    ]
    return {
        "agency": getattr(request, "agency", None),
        "agency_perms": {str(p) for p in getattr(request, "agency_perms", ())},
        "network_perms": {str(p) for p in getattr(request, "network_perms", ())},
        "language_switch": switch,
    }
