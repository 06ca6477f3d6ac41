from django.contrib import admin

from directory import services
from directory.models import Offer, Organisation, SynonymGroup, Term
from directory.relations import MANY_RELATIONS


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["label_de", "label_en", "kind", "slug", "code", "position"]
    list_filter = ["kind"]
    list_editable = ["position"]
    search_fields = ["label_de", "label_en", "slug", "code"]
    ordering = ["kind", "position", "label_de"]

    # Through the services: the profiles holding a term keep their snapshot and
    # search document right (a deleted term is a recorded change of each of them).

    def save_model(self, request, obj, form, change):
        services.term_save(term=obj)

    def delete_model(self, request, obj):
        services.term_delete(term=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for term in queryset:
            self.delete_model(request, term)


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
    # Derived from the terms and offers on every save (directory.services).
    readonly_fields = ["snapshot"]
    filter_horizontal = [relation.field for relation in MANY_RELATIONS]

    # Every write goes through the services, as in the portal: one recorded
    # version per save, with the admin user and an "admin" reason in the history,
    # a fresh search document and invalidated cached pages.

    def save_model(self, request, obj, form, change):
        """Nothing is written yet: save_related saves the profile with its terms
        and offers as one recorded version."""

    def save_related(self, request, form, formsets, change):
        with services.organisation_recorded(
            organisation=form.instance, by=request.user, reason=admin_reason(form, formsets, change)
        ):
            super().save_related(request, form, formsets, change)  # terms and offers

    def delete_model(self, request, obj):
        services.organisation_delete(
            organisation=obj, by=request.user, reason="deleted in the admin"
        )

    def delete_queryset(self, request, queryset):
        for organisation in queryset:
            self.delete_model(request, organisation)


def admin_reason(form, formsets, change: bool) -> str:
    """The change reason of an admin save: "admin edit: name, offers"."""
    if not change:
        return "created in the admin"
    changed = list(form.changed_data)
    changed += [  # the inlines by relation ("offers")
        formset.fk.remote_field.get_accessor_name() for formset in formsets if formset.has_changed()
    ]
    return f"admin edit: {', '.join(changed)}" if changed else "admin edit"


@admin.register(SynonymGroup)
class SynonymGroupAdmin(admin.ModelAdmin):
    """The search's thesaurus: a search for one word of a group finds the others."""

    list_display = ["__str__", "note"]
    search_fields = ["words", "note"]

    def save_model(self, request, obj, form, change):
        services.synonym_group_save(group=obj)

    def delete_model(self, request, obj):
        services.synonym_group_delete(group=obj)

    def delete_queryset(self, request, queryset):
        for group in queryset:
            self.delete_model(request, group)
