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
    return JsonResponse({"status": "ok", "database": "ok"})
