"""The directory's filters (django-filter).

Every parameter lives in the URL, so a result can be shared and the back
button works. Several values of one vocabulary facet narrow the result (an MO
must carry all of them), so each option's count is "how many of the current
results carry this term". Unknown values are ignored and reported next to the
filter, never an error page.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from directory.models import Organisation
from directory.search import MAX_QUERY_LENGTH, clean_query, search_organisations
from directory.vocabulary import get_vocabulary

YES, NO = "ja", "nein"
YES_NO = [(YES, _("ja")), (NO, _("nein"))]

# URL parameter -> (Organisation relation, Term kind, label)
TERM_FACETS = {
    "role": ("roles", "role", _("Rolle")),
    "resource": ("resources", "resource", _("Ressource")),
    "field": ("fields", "field", _("Handlungsfeld")),
    "target_group": ("target_groups", "target_group", _("Zielgruppe")),
    "community": ("communities", "community", _("Community / Herkunft")),
    "language": ("languages", "language", _("Sprache")),
    "advice_language": ("advice_languages", "language", _("Beratungssprache")),
    "cooperated_with": (
        "cooperation_experience",
        "institution_type",
        _("Hat kooperiert mit"),
    ),
}

SORT_CHOICES = [
    ("relevance", _("Relevanz")),
    ("name", _("Name")),
    ("confirmed", _("Zuletzt bestätigt")),
]


def _term_choices(kind):
    def choices():
        return [(term.slug, term.label) for term in get_vocabulary().kind(kind)]

    return choices


class TermFilter(django_filters.MultipleChoiceFilter):
    """Filter by vocabulary terms (by slug) through one many-to-many relation."""

    def __init__(self, *, relation: str, kind: str, **kwargs):
        self.kind = kind
        super().__init__(
            field_name=relation,
            choices=_term_choices(kind),
            conjoined=True,
            widget=forms.CheckboxSelectMultiple,
            **kwargs,
        )

    def filter(self, qs, value):
        vocab = get_vocabulary()
        for slug in value or ():
            term = vocab.get(self.kind, slug)
            if term is not None:
                qs = qs.filter(**{self.field_name: term.pk})
        return qs


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search",
        label=_("Suchbegriff"),
        widget=forms.TextInput(attrs={"type": "search", "maxlength": MAX_QUERY_LENGTH}),
    )
    role = TermFilter(relation="roles", kind="role", label=TERM_FACETS["role"][2])
    resource = TermFilter(relation="resources", kind="resource", label=TERM_FACETS["resource"][2])
    field = TermFilter(relation="fields", kind="field", label=TERM_FACETS["field"][2])
    target_group = TermFilter(
        relation="target_groups", kind="target_group", label=TERM_FACETS["target_group"][2]
    )
    community = TermFilter(
        relation="communities", kind="community", label=TERM_FACETS["community"][2]
    )
    language = TermFilter(relation="languages", kind="language", label=TERM_FACETS["language"][2])
    advice_language = TermFilter(
        relation="advice_languages", kind="language", label=TERM_FACETS["advice_language"][2]
    )
    cooperated_with = TermFilter(
        relation="cooperation_experience",
        kind="institution_type",
        label=TERM_FACETS["cooperated_with"][2],
    )
    state = django_filters.ChoiceFilter(
        method="filter_state", choices=_term_choices("state"), label=_("Bundesland")
    )
    place = django_filters.CharFilter(
        method="filter_place",
        label=_("Ort oder PLZ-Anfang"),
        help_text=_("Zum Beispiel „Schwerin“ oder „19“ für alle Postleitzahlen ab 19."),
        widget=forms.TextInput(attrs={"maxlength": 100}),
    )
    area = django_filters.ChoiceFilter(
        field_name="area", choices=Organisation.Area.choices, label=_("Wirkungsbereich")
    )
    paid_staff = django_filters.ChoiceFilter(
        method="filter_paid_staff", choices=YES_NO, label=_("Hauptamtliche Mitarbeitende")
    )
    rooms = django_filters.ChoiceFilter(
        method="filter_rooms", choices=YES_NO, label=_("Eigene Räume")
    )
    open = django_filters.ChoiceFilter(
        method="filter_open", choices=YES_NO, label=_("Offen für neue Kooperationen")
    )

    class Meta:
        model = Organisation
        fields: list[str] = []

    def filter_search(self, qs, name, value):
        return search_organisations(qs, value)

    def filter_state(self, qs, name, value):
        term = get_vocabulary().get("state", value)
        return qs.filter(state_id=term.pk) if term else qs

    def filter_place(self, qs, name, value):
        value = " ".join(value.split())[:100]
        if not value:
            return qs
        if value.isdigit():
            return qs.filter(postal_code__startswith=value[:5])
        return qs.filter(Q(city__iexact=value) | Q(city__istartswith=value + " "))

    def filter_paid_staff(self, qs, name, value):
        return qs.filter(paid_staff__gt=0) if value == YES else qs.filter(paid_staff=0)

    def filter_rooms(self, qs, name, value):
        return qs.filter(has_rooms=value == YES)

    def filter_open(self, qs, name, value):
        return qs.filter(open_for_cooperation=value == YES)

    @property
    def search_query(self) -> str:
        """The search text that was applied ('' when none or invalid)."""
        if not self.is_bound:
            return ""
        self.form.is_valid()
        return clean_query(self.form.cleaned_data.get("q"))
