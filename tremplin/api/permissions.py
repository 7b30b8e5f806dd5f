"""Each API view names the scope it needs for reading and for writing."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from tremplin.api.models import ApiToken


class TokenScopes(BasePermission):
    message = _("This token does not have the permission this request needs.")

    def has_permission(self, request: Request, view: Any) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return False
        if not hasattr(view, (request.method or "").lower()):
            return True  # the view answers 405 Method Not Allowed
        needed = view.read_scope if request.method in SAFE_METHODS else view.write_scope
        if needed is None:
            return False
        return all(token.has_scope(scope) for scope in needed.split("+"))
