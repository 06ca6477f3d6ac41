"""The directory's filters (django-filter).

Every parameter lives in the URL, so a result can be shared and the back
button works. Several values of one vocabulary facet narrow the result (an MO
must carry all of them), so each option's count is "how many of the current
results carry this term". Unknown values are ignored and reported next to the
filter, never an error page.
"""

from typing import TYPE_CHECKING

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES
from django_filters.filterset import FilterSetMetaclass
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from directory import geo, identity
from directory.models import Organisation
from directory.places import Location, resolve
from directory.relations import RELATIONS, Relation
from directory.search import MAX_QUERY_LENGTH, Plan, clean_query, place_condition, search
from directory.vocabulary import get_vocabulary

YES, NO = "ja", "nein"
YES_NO = [(YES, _("ja")), (NO, _("nein"))]

SORT_CHOICES = [
    ("relevance", _("Relevanz")),
    ("name", _("Name")),
    ("confirmed", _("Zuletzt bestätigt")),
    ("distance", _("Entfernung")),  # with a radius search (near)
]
RADIUS_CHOICES = [(str(km), f"{km} km") for km in (5, 10, 25, 50, 100, 200)]
DEFAULT_RADIUS = 25


class NearField(forms.CharField):
    """A place or postcode, resolved in the gazetteer (directory.places): its
    cleaned value is the Location; an unknown place is an error next to the field."""

    def clean(self, value: str | None) -> Location | None:
        text = " ".join((super().clean(value) or "").split())
        if not text:
            return None
        location = resolve(text)
        if location is None:
            raise forms.ValidationError(
                _(
                    "„%(place)s“ kennen wir nicht. Bitte prüfen Sie die Schreibweise "
                    "oder geben Sie eine Postleitzahl an."
                ),
                code="unknown_place",
                params={"place": text},
            )
        return location


@extend_schema_field(OpenApiTypes.STR)  # a place name or postcode (the API's schema)
class NearFilter(django_filters.Filter):
    field_class = NearField


def radius_km(data: dict) -> int:
    """The radius of a radius search from cleaned data (DEFAULT_RADIUS unless chosen)."""
    return int(data.get("radius") or DEFAULT_RADIUS)


def _term_choices(kind: str):
    def choices() -> list[tuple[str, str]]:
        return [(term.slug, term.label) for term in get_vocabulary().kind(kind)]

    return choices


class TermFilter(django_filters.MultipleChoiceFilter):
    """Filter by vocabulary terms (by slug) through one many-to-many relation."""

    def __init__(self, relation: Relation, **kwargs) -> None:
        self.kind = relation.kind
        super().__init__(
            field_name=relation.field,
            choices=_term_choices(relation.kind),
            conjoined=True,
            label=relation.label,
            widget=forms.CheckboxSelectMultiple,
            **kwargs,
        )

    def filter(self, qs: QuerySet, value: list[str]) -> QuerySet:
        vocab = get_vocabulary()
        for slug in value or ():
            term = vocab.get(self.kind, slug)
            if term is not None:
                qs = qs.filter(**{self.field_name: term.pk})
        return qs


class TermChoiceFilter(django_filters.ChoiceFilter):
    """Filter by one vocabulary term (by slug) through a foreign key."""

    def __init__(self, relation: Relation, **kwargs) -> None:
        self.kind = relation.kind
        super().__init__(
            field_name=relation.field,
            choices=_term_choices(relation.kind),
            label=relation.label,
            **kwargs,
        )

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        if value in EMPTY_VALUES:
            return qs
        term = get_vocabulary().get(self.kind, value)
        return qs.filter(**{self.field_name: term.pk}) if term else qs


def relation_filter(relation: Relation) -> django_filters.Filter:
    return TermFilter(relation) if relation.many else TermChoiceFilter(relation)


class _SearchFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search",
        label=_("Suchbegriff"),
        widget=forms.TextInput(attrs={"type": "search", "maxlength": MAX_QUERY_LENGTH}),
    )

    search_plan: Plan | None = None  # what the search looked for (set when filtering)
    # All words or nothing: what the API, the downloads and the widget promise.
    # The directory page relaxes (DirectoryPageFilter), since it names the words left out.
    relax_search = False

    def filter_search(self, qs, name, value):
        qs, self.search_plan = search(qs, value, relax=self.relax_search)
        return qs


# One filter per vocabulary relation (directory.relations), named by its URL
# parameter, in the table's order. A class of their own (made by the filter set's
# metaclass, as a class statement would) puts them after the search and before
# the other filters.
if TYPE_CHECKING:  # a class made at runtime, seen as its base
    _RelationFilterSet = _SearchFilterSet
else:
    _RelationFilterSet = FilterSetMetaclass(
        "_RelationFilterSet",
        (_SearchFilterSet,),
        {"__module__": __name__, **{r.param: relation_filter(r) for r in RELATIONS}},
    )


class OrganisationFilter(_RelationFilterSet):
    place = django_filters.CharFilter(
        method="filter_place",
        label=_("Ort oder PLZ-Anfang"),
        help_text=_("Zum Beispiel „Schwerin“ oder „19“ für alle Postleitzahlen ab 19."),
        widget=forms.TextInput(attrs={"maxlength": 100}),
    )
    radius = django_filters.ChoiceFilter(
        method="filter_radius", choices=RADIUS_CHOICES, label=_("Umkreis")
    )
    near = NearFilter(
        method="filter_near",
        label=_("Ort oder PLZ"),
        help_text=_("Organisationen ohne Anschrift erscheinen bei einer Umkreissuche nicht."),
        widget=forms.TextInput(attrs={"maxlength": 100}),
        max_length=100,
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
    # A coordinator checked the register entry or the charitable status, and the
    # check covers the current values (directory.identity). The directory offers
    # it as one checkbox ("ja"); the API also takes "nein".
    verified = django_filters.ChoiceFilter(
        method="filter_verified", choices=YES_NO, label=_("Identität geprüft")
    )

    class Meta:
        model = Organisation
        fields: list[str] = []

    def filter_place(self, qs, name, value):
        value = " ".join(value.split())[:100]
        if not value:
            return qs
        if value.isdigit():
            return qs.filter(postal_code__startswith=value[:5])
        return qs.filter(place_condition(value))

    def filter_radius(self, qs, name, value):
        return qs  # applied by filter_near

    def filter_near(self, qs, name, value):
        """Within the radius (default 25 km) of the place, annotated with the
        distance (directory.geo): an MO without coordinates is not in the result."""
        if value is None:
            return qs
        return geo.within(qs, value.point, radius_km(self.form.cleaned_data))

    @property
    def near_location(self) -> Location | None:
        """The place of the radius search that was applied (None when none or unknown)."""
        if not self.is_bound:
            return None
        self.form.is_valid()
        return self.form.cleaned_data.get("near")

    def filter_paid_staff(self, qs, name, value):
        return qs.filter(paid_staff__gt=0) if value == YES else qs.filter(paid_staff=0)

    def filter_rooms(self, qs, name, value):
        return qs.filter(has_rooms=value == YES)

    def filter_open(self, qs, name, value):
        return qs.filter(open_for_cooperation=value == YES)

    def filter_verified(self, qs, name, value):
        condition = identity.verified_condition()
        return qs.filter(condition) if value == YES else qs.exclude(condition)

    @property
    def search_query(self) -> str:
        """The search text that was applied ('' when none or invalid)."""
        if not self.is_bound:
            return ""
        self.form.is_valid()
        return clean_query(self.form.cleaned_data.get("q"))


class DirectoryPageFilter(OrganisationFilter):
    """The directory page's filters: a search that finds nothing with all its
    words shows what the most words find, and the page names the others."""

    relax_search = True
