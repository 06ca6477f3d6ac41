from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "account_type", "is_active", "is_staff", "date_joined"]
    list_filter = ["account_type", "is_active", "is_staff", "groups"]
    search_fields = ["email", "name", "institution_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Angaben"),
            {
                "fields": [
                    "name",
                    "language",
                    "account_type",
                    "institution_name",
                    "institution_type",
                    "institution_state",
                ]
            },
        ),
        (
            _("Rechte"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Daten"), {"fields": ["last_login", "date_joined", "email_verified_at"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "name", "password1", "password2"]})
    ]
