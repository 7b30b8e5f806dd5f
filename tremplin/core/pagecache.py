"""Whole-page cache for what anonymous visitors see of an agency (catalogue, home, details).

Most traffic to an agency's public pages comes from people who are not signed in, and they all
see the same page per agency, language and query string. Rendering it costs far more than
serving it from the shared cache, so the first render is kept there:

- the key holds the agency's *public-pages version*, bumped once a change to what those pages
  show is committed: a save or delete of the rows they show (programs, sessions, locations, the
  agency; connected in the apps' `ready()`), and every seat change (the registration services
  call `public_pages_changed_on_commit` when they take a session's lock). The next visitor gets
  a fresh page, on every app server at once. Registrations are not connected by signal: a signal
  receiver would cost every registration a cache write inside its transaction and stop Django
  from deleting registrations in bulk;
- a short time-to-live bounds what time alone changes (a session that has started drops off);
  0 turns the cache off (the test settings do, but for the tests of this module);
- a request that carries flash messages, and a response that sets a cookie or uses the CSRF
  token, are never cached (they belong to one visitor).
"""

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from tremplin.core.versions import agency_version, agency_version_bump_on_commit, bump_on_change

KIND = "public-pages"


def _agency_id_of(instance: Model) -> int | None:
    if instance._meta.label == "agencies.Agency":
        return instance.pk
    return getattr(instance, "agency_id", None)


def public_pages_changed_on_commit(agency_id: int) -> None:
    """Once the current transaction commits (at once outside one), the agency's pages are stale."""
    agency_version_bump_on_commit(KIND, agency_id)


def invalidate_public_pages_on_change(*models: type[Model]) -> None:
    """Connect the models whose rows the public pages show (called from AppConfig.ready)."""
    bump_on_change(KIND, models, _agency_id_of)


def _cacheable(request: HttpRequest) -> bool:
    if settings.PUBLIC_PAGE_CACHE_SECONDS <= 0:
        return False
    if request.method != "GET" or request.user.is_authenticated:
        return False
    if request.COOKIES.get("messages") or request.session.get("_messages"):
        return False
    return getattr(request, "agency", None) is not None


def _key(request: HttpRequest) -> str:
    agency_id = request.agency.pk  # type: ignore[attr-defined]
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    version = agency_version(KIND, agency_id)
    return f"public-page:{agency_id}:{version}:{get_language()}:{path}"


def cache_public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve anonymous visitors the agency page from the shared cache (see the module doc)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        stored = cache.get(key)
        if stored is not None:
            content, content_type = stored
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        ):
            cache.set(
                key,
                (response.content, response["Content-Type"]),
                settings.PUBLIC_PAGE_CACHE_SECONDS,
            )
        return response

    return wrapped
