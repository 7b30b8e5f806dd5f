from django.contrib import admin
from i18nfield.admin import I18nModelAdmin

from tremplin.agencies.admin_site import AgencyScopedAdmin, SuperuserOnlyAdmin
from tremplin.clients.models import Client, ConsentRecord, ConsentText


@admin.register(Client)
class ClientAdmin(AgencyScopedAdmin):
    list_display = ["last_name", "first_name", "agency", "arrival_status", "location_type"]
    list_filter = ["arrival_status", "location_type"]
    search_fields = ["search_text"]
    raw_id_fields = ["user", "counsellor"]


@admin.register(ConsentText)
class ConsentTextAdmin(I18nModelAdmin, SuperuserOnlyAdmin):
    """Deployment-wide wording. Change a text by adding the next version: records keep theirs."""

    fields = ["purpose", "version", "title", "body"]
    list_display = ["purpose", "version", "published_at"]
    list_filter = ["purpose"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ConsentRecord)
class ConsentRecordAdmin(AgencyScopedAdmin):
    """Read-only: consent changes are recorded by the services, never edited."""

    list_display = ["recorded_at", "agency", "client", "purpose", "given", "actor"]
    list_filter = ["purpose", "given"]
    readonly_fields = [field.name for field in ConsentRecord._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
