"""The back-office admin, scoped: an agency administrator sees only their agencies' rows.

AgencyMiddleware enters `scope(agency=[the agencies the user administers])` for admin URLs, so
every ScopedManager query is limited the same way as on agency pages; superusers run unscoped.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
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
        from django.contrib.auth import get_user_model

        from tremplin.agencies.models import Agency

        if not request.user.is_superuser:
            agency_ids = getattr(request, "admin_agency_ids", [])
            if db_field.related_model is Agency:
                kwargs["queryset"] = Agency.objects.filter(pk__in=agency_ids)
            elif db_field.related_model is get_user_model():
                # People are not agency-scoped: an agency admin picks only among the people of
                # the agencies they administer, from a list (the raw-id box would look up and
                # show any account of the deployment by its id).
                kwargs["queryset"] = (
                    get_user_model()
                    .objects.filter(memberships__agency_id__in=agency_ids)
                    .distinct()
                    .order_by("last_name", "first_name", "pk")
                )
                kwargs["widget"] = forms.Select
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # Every read and write of agency data through the back-office is in the audit log.
    def _audit(
        self, request: HttpRequest, action: str, obj: Any = None, agency: Any = None
    ) -> None:
        from tremplin.agencies.models import Agency
        from tremplin.audit.services import audit_log

        if agency is None and obj is not None:
            agency = obj if isinstance(obj, Agency) else getattr(obj, "agency", None)
        if agency is None:
            return
        audit_log(
            agency=agency,
            actor=request.user,
            action=f"admin.{action}",
            obj=obj,
            detail={"model": self.model._meta.label_lower},
        )

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        from tremplin.agencies.models import Agency

        response = super().changelist_view(request, extra_context)
        if response.status_code == 200:
            agency_ids = getattr(request, "admin_agency_ids", [])
            for agency in Agency.objects.filter(pk__in=agency_ids):
                self._audit(request, "list", agency=agency)
        return response

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, object_id)
            if obj is not None:
                self._audit(request, "view", obj)
        return response

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        self._audit(
            request,
            "change" if change else "add",
            obj,
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self._audit(request, "delete", obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self._audit(request, "delete", obj)
        super().delete_queryset(request, queryset)


def audit_person_access(request: HttpRequest, person: Any, action: str) -> None:
    """An operator's read or write of a person's account, in the log of each of their agencies."""
    from tremplin.agencies.models import Agency
    from tremplin.audit.services import audit_log

    for agency in Agency.objects.filter(memberships__user_id=person.pk).distinct():
        audit_log(agency=agency, actor=request.user, action=f"admin.{action}", obj=person)


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
