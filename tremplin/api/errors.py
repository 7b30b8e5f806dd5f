"""Every error of the API in one shape: {"type", "message", "errors"}, never a stack trace.

`message` (and field messages) are in the language of the request's Accept-Language header
(LocaleMiddleware activates it; our strings and Django REST framework's are translated).
"""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from tremplin.programs.services import ProgramsError

logger = logging.getLogger(__name__)


class Refused(exceptions.APIException):
    """A business rule said no (session full, registration closed…): 409 with the rule's code."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "refused"

    def __init__(self, code: str, message: Any) -> None:
        super().__init__(detail=message, code=code)
        self.type = code


class BodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "body_too_large"
    default_detail = _("The request body is too large.")


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"
    default_detail = _("This Idempotency-Key was already used for a different request.")


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for field, messages in _flatten(value, name).items():
                found.setdefault(field, []).extend(messages)
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            found[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                name = f"{prefix}.{index}" if prefix else str(index)
                for field, messages in _flatten(item, name).items():
                    found.setdefault(field, []).extend(messages)
    else:
        found[prefix or "non_field_errors"] = [str(detail)]
    return found


def _convert(exc: Exception) -> Exception:
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, ProgramsError):
        return Refused(exc.code, exc.message)
    return exc


def error_body(kind: str, message: Any, errors: dict[str, list[str]] | None = None) -> dict:
    return {"type": kind, "message": str(message), "errors": errors or {}}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    exc = _convert(exc)
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        logger.exception("API error", exc_info=exc)
        return Response(
            error_body("server_error", _("Something went wrong on our side. Try again later.")),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body("invalid", _("Some fields are not valid."), _flatten(exc.detail))
    else:
        kind = getattr(exc, "type", None) or exc.default_code
        detail = exc.detail
        message = detail if not isinstance(detail, dict | list) else exc.default_detail
        response.data = error_body(str(kind), message)
    return response


@csrf_exempt  # token-authenticated API: no cookie, no CSRF token (a POST here is a 404 too)
def not_found_view(request: Any, *args: Any, **kwargs: Any) -> Any:
    return JsonResponse(error_body("not_found", exceptions.NotFound.default_detail), status=404)
