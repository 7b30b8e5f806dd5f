from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from tremplin.accounts.models import User
from tremplin.agencies.admin_site import SuperuserOnlyAdmin, audit_person_access


@admin.register(User)
class UserAdmin(SuperuserOnlyAdmin, DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_superuser", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "language")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    # A person's account is personal data: each read and write is in their agencies' audit logs.
    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            person = self.get_object(request, object_id)
            if person is not None:
                audit_person_access(request, person, "view")
        return response

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_person_access(request, obj, "change" if change else "add")

    def delete_model(self, request, obj):
        audit_person_access(request, obj, "delete")
        super().delete_model(request, obj)
