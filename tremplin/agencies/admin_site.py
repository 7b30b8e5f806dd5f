"""The back-office admin, scoped: an agency administrator sees only their agencies' rows.

AgencyMiddleware enters `scope(agency=[the agencies the user administers])` for admin URLs, so
every ScopedManager query is limited the same way as on agency pages; superusers run unscoped.
"""

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _


class TremplinAdminSite(admin.AdminSite):
    site_header = _("Tremplin back-office")
    site_title = _("Tremplin back-office")
    index_title = _("Back-office")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return user.is_active and (
            user.is_superuser or bool(getattr(request, "admin_agency_ids", []))
        )

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # One sign-in for everyone, with allauth's TOTP step and throttling. A signed-in person
        # without back-office rights is refused rather than sent round the sign-in loop.
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect(
            reverse("account_login") + "?" + urlencode({"next": request.GET.get("next", "/admin/")})
        )


class TremplinAdminConfig(AdminConfig):
    default_site = "tremplin.agencies.admin_site.TremplinAdminSite"


class AgencyScopedAdmin(admin.ModelAdmin):
    """For models with an `agency` foreign key and a ScopedManager."""

    def _allowed(self, request: HttpRequest) -> bool:
        return self.admin_site.has_permission(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey, request: HttpRequest, **kwargs: Any
    ):  # type: ignore[override]
        from tremplin.agencies.models import Agency

        if db_field.related_model is Agency and not request.user.is_superuser:
            kwargs["queryset"] = Agency.objects.filter(
                pk__in=getattr(request, "admin_agency_ids", [])
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SuperuserOnlyAdmin(admin.ModelAdmin):
    """Deployment-wide models (networks, user accounts): operators only."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser


admin_site = admin.site
