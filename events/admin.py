from django.contrib import admin

from events.models import Event, ImportedFeed


@admin.register(ImportedFeed)
class ImportedFeedAdmin(admin.ModelAdmin):
    list_display = ["organiser_name", "url", "active", "last_fetched_at"]
    list_filter = ["active"]
    readonly_fields = ["last_fetched_at", "last_error", "created_at"]
    autocomplete_fields = ["organisation"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "starts_at", "format", "status", "organisation", "organiser_name"]
    list_filter = ["status", "format"]
    search_fields = ["title", "organiser_name"]
    readonly_fields = ["uid", "feed", "external_uid", "recurrence_id", "sequence", "version"]
    raw_id_fields = ["organisation", "created_by"]
