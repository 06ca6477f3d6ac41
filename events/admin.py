from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from core.pagecache import bump
from events.models import Event, ImportedFeed
from events.services import CACHE_NAMESPACE


class _BumpsTheFeeds(admin.ModelAdmin):
    """A change in the admin shows in the cached iCalendar feeds at once
    (a feed's deletion deletes its events)."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        bump(CACHE_NAMESPACE)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        bump(CACHE_NAMESPACE)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)
        bump(CACHE_NAMESPACE)


@admin.register(ImportedFeed)
class ImportedFeedAdmin(_BumpsTheFeeds):
    list_display = ["organiser_name", "url", "active", "last_fetched_at"]
    list_filter = ["active"]
    readonly_fields = ["last_fetched_at", "last_error", "created_at"]
    autocomplete_fields = ["organisation"]


@admin.register(Event)
class EventAdmin(_BumpsTheFeeds):
    list_display = ["title", "starts_at", "format", "status", "organisation", "organiser_name"]
    list_filter = ["status", "format"]
    search_fields = ["title", "organiser_name"]
    readonly_fields = ["uid", "feed", "external_uid", "recurrence_id", "sequence", "version"]
    raw_id_fields = ["organisation", "created_by"]
