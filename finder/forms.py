from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from directory.filters import DEFAULT_RADIUS, RADIUS_CHOICES, NearField
from directory.relations import (
    COMMUNITIES,
    COOPERATION_EXPERIENCE,
    FIELDS,
    LANGUAGES,
    ROLES,
    STATE,
    TARGET_GROUPS,
)
from directory.search import searches_something
from directory.vocabulary_fields import relation_choice_field, searchable_terms_field
from finder.ranking import MUST, NICE

BUDGET_CHOICES = [
    ("", "—"),
    ("under_10k", _("ein eigenes Budget")),
    ("10k_50k", _("ab 10.000 €")),
    ("50k_250k", _("ab 50.000 €")),
    ("over_250k", _("über 250.000 €")),
]
IMPORTANCE = [(MUST, _("muss")), (NICE, _("wäre gut"))]


def importance_field(default=NICE):
    return forms.ChoiceField(
        label=_("Wichtigkeit"),
        choices=IMPORTANCE,
        initial=default,
        required=False,
        widget=forms.RadioSelect,
    )


class FinderForm(forms.Form):
    """Every criterion has its importance: must (filters) or nice to have (ranks)."""

    role = relation_choice_field(
        ROLES,
        label=_("Gesuchte Rolle"),
        help_text=_("Wofür suchen Sie einen Partner? Z. B. Kooperationspartner für Erstberatung."),
    )
    role_importance = importance_field(MUST)
    topic = forms.CharField(
        label=_("Thema oder Anliegen"),
        max_length=200,
        required=False,
        help_text=_("Ein oder zwei Stichworte, z. B. „Anerkennung“ oder „Bewerbung“."),
    )
    topic_importance = importance_field()
    field = relation_choice_field(FIELDS)
    field_importance = importance_field()
    target_group = relation_choice_field(TARGET_GROUPS)
    target_group_importance = importance_field()
    community = relation_choice_field(COMMUNITIES)
    community_importance = importance_field()
    languages = searchable_terms_field(
        kind=LANGUAGES.kind,
        label=_("Sprachen"),
        help_text=_("Mehrere mit Strg (Mac: Cmd) auswählen. Jede Sprache zählt einzeln."),
    )
    languages_importance = importance_field()
    state = relation_choice_field(STATE, sort_by_label=True)
    place = forms.CharField(
        label=_("Ort oder PLZ-Anfang"),
        max_length=100,
        required=False,
        help_text=_("Zum Beispiel „Schwerin“ oder „19“."),
    )
    region_importance = importance_field()
    radius = forms.TypedChoiceField(
        label=_("Umkreis"),
        choices=RADIUS_CHOICES,
        coerce=int,
        initial=str(DEFAULT_RADIUS),
        required=False,
        empty_value=None,
    )
    near = NearField(
        label=_("um Ort oder PLZ"),
        max_length=100,
        required=False,
        help_text=_(
            "Zum Beispiel „Schwerin“ oder „19053“. Bei gleich vielen Punkten zählt die Nähe."
        ),
    )
    near_importance = importance_field()
    paid_staff = forms.BooleanField(label=_("Hauptamtliche Strukturen"), required=False)
    paid_staff_importance = importance_field()
    rooms = forms.BooleanField(label=_("Eigene Räume"), required=False)
    rooms_importance = importance_field()
    volunteers = forms.IntegerField(
        label=_("Mindestens so viele Ehrenamtliche"),
        min_value=1,
        max_value=100000,
        required=False,
        help_text=_("Zum Beispiel 10, wenn viele Menschen mit anpacken sollen."),
    )
    volunteers_importance = importance_field()
    budget = forms.ChoiceField(
        label=_("Jahresbudget"),
        choices=BUDGET_CHOICES,
        required=False,
    )
    budget_importance = importance_field()
    verified = forms.BooleanField(
        label=_("Identität geprüft"),
        required=False,
        help_text=_(
            "Die Koordination hat Registereintrag oder Gemeinnützigkeit der Organisation geprüft."
        ),
    )
    verified_importance = importance_field()
    cooperated_with = relation_choice_field(
        COOPERATION_EXPERIENCE,
        label=_("Hat schon mit dieser Art Institution kooperiert"),
    )
    cooperated_with_importance = importance_field()
    open_only = forms.BooleanField(
        label=_("Nur Organisationen, die offen für neue Kooperationen sind"),
        required=False,
        initial=True,
    )

    CRITERIA = [
        "role",
        "topic",
        "field",
        "target_group",
        "community",
        "languages",
        "state",
        "place",
        "near",
        "paid_staff",
        "rooms",
        "volunteers",
        "budget",
        "verified",
        "cooperated_with",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Plain Bootstrap classes: the page renders the fields without crispy (speed).
        for name, field in self.fields.items():
            widget = field.widget
            if name.endswith("_importance") or isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs["class"] = "form-select"
            else:
                widget.attrs["class"] = "form-control"

    def clean_topic(self) -> str:
        topic: str = self.cleaned_data.get("topic", "")
        if topic and not searches_something(topic):
            raise forms.ValidationError(
                _(
                    "Dieses Thema enthält kein Wort, nach dem gesucht werden kann. Bitte "
                    "geben Sie ein Stichwort mit mindestens zwei Buchstaben ein, z. B. "
                    "„Anerkennung“."
                ),
                code="nothing_to_search",
            )
        return topic

    def has_criteria(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.get(f) for f in self.CRITERIA)


class ShortlistNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Private Notiz"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SavedSearchForm(forms.Form):
    name = forms.CharField(label=_("Name der Suche"), max_length=100)
    query = forms.CharField(max_length=2000, widget=forms.HiddenInput)
    alert = forms.BooleanField(
        label=_("Wöchentlich per E-Mail über neu passende Organisationen informieren"),
        required=False,
    )
