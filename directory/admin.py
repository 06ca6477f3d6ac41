from django.contrib import admin

from core.pagecache import bump
from directory.models import Offer, Organisation, Term
from directory.relations import MANY_RELATIONS
from directory.search import refresh_search_document
from directory.vocabulary import invalidate_vocabulary


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["label_de", "label_en", "kind", "slug", "code", "position"]
    list_filter = ["kind"]
    list_editable = ["position"]
    search_fields = ["label_de", "label_en", "slug", "code"]
    ordering = ["kind", "position", "label_de"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        invalidate_vocabulary()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        invalidate_vocabulary()


class OfferInline(admin.StackedInline):
    model = Offer
    extra = 0
    filter_horizontal = ["languages"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "state", "status", "confirmed_at", "updated_at"]
    list_filter = ["status", "state", "area"]
    search_fields = ["name", "short_name", "city", "postal_code"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["state"]
    inlines = [OfferInline]
    filter_horizontal = [relation.field for relation in MANY_RELATIONS]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        refresh_search_document(form.instance)
        bump("directory")
