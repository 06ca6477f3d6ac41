from django.contrib import admin

from cooperation.models import CooperationRequest


@admin.register(CooperationRequest)
class CooperationRequestAdmin(admin.ModelAdmin):
    list_display = ["subject", "kind", "organisation", "status", "created_at"]
    list_filter = ["kind", "status"]
    # Requests are private between the two sides: no content in the list, no search.
    fields = readonly_fields = ("kind", "organisation", "status", "created_at")

    def has_add_permission(self, request):
        return False
