from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import (
    AccountReport,
    InstitutionEditor,
    InstitutionOffer,
    InstitutionProfile,
    InstitutionVerification,
    OfficialDomain,
    User,
)


class InstitutionVerificationInline(admin.StackedInline):
    """Shown, not edited: coordinators verify and revoke at /koordination/institutionen/
    (with a reason and a mail to the person)."""

    model = InstitutionVerification
    fk_name = "user"
    can_delete = False
    extra = 0
    fields = ["method", "verified_at", "verified_by", "reason"]
    readonly_fields = ["method", "verified_at", "verified_by", "reason"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "account_type", "is_active", "is_staff", "date_joined"]
    list_filter = ["account_type", "is_active", "is_staff", "groups"]
    search_fields = ["email", "name", "institution_name"]
    inlines = [InstitutionVerificationInline]
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

    # Deleting goes through the service, as in the portal: memberships end (a
    # profile without a team offers the claim at once), personal rows go too.

    def delete_model(self, request, obj):
        services.delete_account(obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            self.delete_model(request, user)


@admin.register(OfficialDomain)
class OfficialDomainAdmin(admin.ModelAdmin):
    """The allow-list. New entries go through the service (which verifies the
    accounts of the domain); removing, with a reason, is done at
    /koordination/domains/, so entries are not deleted here."""

    list_display = ["domain", "label", "added_at", "removed_at"]
    list_filter = ["removed_at"]
    search_fields = ["domain", "label"]
    fields = ["domain", "label", "reason", "added_at", "added_by", "removed_at", "removed_reason"]
    readonly_fields = ["added_at", "added_by", "removed_at", "removed_reason"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return [*self.readonly_fields, "domain"]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        try:
            entry, _verified = services.official_domain_add(
                domain=obj.domain, label=obj.label, reason=obj.reason, by=request.user
            )
        except services.DomainError:
            messages.error(
                request,
                gettext("Diese Domain steht schon auf der Liste oder ist kein gültiger Name."),
            )
            return
        obj.pk = entry.pk
        obj.domain = entry.domain


@admin.register(AccountReport)
class AccountReportAdmin(admin.ModelAdmin):
    list_display = ["account", "organisation", "created_at", "resolved_at"]
    list_filter = ["resolved_at"]
    readonly_fields = [
        "account",
        "reported_by",
        "organisation",
        "reason",
        "context",
        "created_at",
        "notified_at",
        "resolved_at",
        "resolved_by",
    ]

    def has_add_permission(self, request):
        return False


class InstitutionOfferInline(admin.TabularInline):
    model = InstitutionOffer
    extra = 0


class InstitutionEditorInline(admin.TabularInline):
    model = InstitutionEditor
    fk_name = "profile"
    extra = 0
    fields = ["user", "added_at", "added_by"]


@admin.register(InstitutionProfile)
class InstitutionProfileAdmin(admin.ModelAdmin):
    """Shown, not edited: editors and coordinators edit at /institutionen/<slug>/
    (with the version check, core.concurrency)."""

    list_display = ["name", "institution_type", "state", "published", "updated_at"]
    list_filter = ["published", "institution_type", "state"]
    search_fields = ["name", "slug", "city", "contact_name"]
    inlines = [InstitutionOfferInline, InstitutionEditorInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
