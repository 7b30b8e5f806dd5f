import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from tremplin.agencies.selectors import agency_list_active, network_get_default

logger = logging.getLogger(__name__)


def network_home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/network_home.html",
        {"network": network_get_default(), "agencies": agency_list_active()},
    )


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: database unreachable")
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    # What every page needs besides the database: the shared cache (throttles, one-time codes)
    # and the collected static files (tremplin.ops.startup).
    from django.core.cache import cache

    from tremplin.ops.startup import static_manifest_problem

    checks = {"database": "ok", "cache": "ok", "static": "ok"}
    try:
        cache.set("healthz", 1, 10)
        if cache.get("healthz") != 1:
            checks["cache"] = "error"
    except Exception:  # any backend's connection error
        logger.exception("Health check: cache unreachable")
        checks["cache"] = "unreachable"
    if static_manifest_problem():
        checks["static"] = "not collected"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico: the SVG icon of the static files (no 404 on every first page load)."""
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.shortcuts import redirect

    return redirect(staticfiles_storage.url("tremplin/favicon.svg"), permanent=True)
