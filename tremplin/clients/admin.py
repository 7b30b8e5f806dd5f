from django.contrib import admin

from tremplin.agencies.admin_site import AgencyScopedAdmin
from tremplin.clients.models import Client


@admin.register(Client)
class ClientAdmin(AgencyScopedAdmin):
    list_display = ["last_name", "first_name", "agency", "arrival_status", "location_type"]
    list_filter = ["arrival_status", "location_type"]
    search_fields = ["last_name", "first_name", "email"]
    raw_id_fields = ["user"]
