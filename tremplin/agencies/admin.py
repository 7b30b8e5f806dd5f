from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from i18nfield.admin import I18nModelAdmin

from tremplin.agencies.admin_site import AgencyScopedAdmin, SuperuserOnlyAdmin
from tremplin.agencies.models import Agency, Location, Membership, Network, NetworkMembership


@admin.register(Network)
class NetworkAdmin(I18nModelAdmin, SuperuserOnlyAdmin):
    list_display = ["slug", "name"]


@admin.register(NetworkMembership)
class NetworkMembershipAdmin(SuperuserOnlyAdmin):
    list_display = ["user", "network", "role"]
    raw_id_fields = ["user"]


@admin.register(Agency)
class AgencyAdmin(I18nModelAdmin, AgencyScopedAdmin):
    list_display = ["slug", "name", "province", "time_zone", "is_active"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Agency]:
        agencies = super().get_queryset(request)
        if request.user.is_superuser:
            return agencies
        return agencies.filter(pk__in=getattr(request, "admin_agency_ids", []))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser


@admin.register(Location)
class LocationAdmin(I18nModelAdmin, AgencyScopedAdmin):
    list_display = ["name", "agency", "kind", "city"]
    list_filter = ["kind"]


@admin.register(Membership)
class MembershipAdmin(AgencyScopedAdmin):
    list_display = ["user", "agency", "role", "is_active"]
    list_filter = ["role", "is_active"]
    raw_id_fields = ["user"]
