from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from core.concurrency import VersionedFormMixin
from directory.models import Term
from directory.vocabulary_fields import TermChoiceField, TermMultipleChoiceField
from support.models import Expert, Mentor, SupportOffer
from support.questions import AREAS, SCALE

SCALE_CHOICES = [("", _("keine Angabe"))] + [(str(v), label) for v, label in SCALE]


class AssessmentForm(forms.Form):
    """One radio group and an optional comment per question, grouped by area."""

    def __init__(self, *args, answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        answers = answers or {}
        for _area, questions in AREAS:
            for key, text in questions:
                answer = answers.get(key)
                self.fields[f"q_{key}"] = forms.TypedChoiceField(
                    label=text,
                    choices=SCALE_CHOICES,
                    coerce=int,
                    empty_value=None,
                    required=False,
                    widget=forms.RadioSelect,
                    initial=str(answer.score) if answer else "",
                )
                self.fields[f"c_{key}"] = forms.CharField(
                    label=_("Anmerkung (freiwillig)"),
                    max_length=1000,
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    initial=answer.comment if answer else "",
                )

    def groups(self):
        vocab_label = {t.slug: t.label for t in Term.objects.filter(kind=Term.Kind.NEED)}
        for area, questions in AREAS:
            yield (
                vocab_label.get(area, area),
                [(self[f"q_{key}"], self[f"c_{key}"]) for key, _text in questions],
            )

    def answers(self) -> dict:
        return {
            key: (self.cleaned_data.get(f"q_{key}"), self.cleaned_data.get(f"c_{key}", ""))
            for _area, questions in AREAS
            for key, _text in questions
        }


class OfferForm(VersionedFormMixin, forms.ModelForm):
    needs = TermMultipleChoiceField(
        kind=Term.Kind.NEED,
        label=_("Für welche Bedarfe"),
        required=True,
        widget=forms.CheckboxSelectMultiple,
    )
    states = TermMultipleChoiceField(
        kind=Term.Kind.STATE,
        sort_by_label=True,
        label=_("Region (Bundesländer)"),
        help_text=_("Keines auswählen, wenn das Angebot bundesweit oder online ist."),
        widget=forms.CheckboxSelectMultiple,
    )
    languages = TermMultipleChoiceField(
        kind=Term.Kind.LANGUAGE,
        sort_by_label=True,
        label=_("Sprachen"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    format = TermChoiceField(kind=Term.Kind.SUPPORT_FORMAT, label=_("Format"), required=True)
    contact_url = forms.URLField(
        label=_("Weitere Informationen (Link)"), required=False, assume_scheme="https"
    )

    class Meta:
        model = SupportOffer
        fields = [
            "title",
            "format",
            "description",
            "needs",
            "states",
            "languages",
            "on_request",
            "dates",
            "costs",
            "contact_email",
            "contact_url",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        if not cleaned.get("on_request") and not cleaned.get("dates"):
            self.add_error("dates", _("Bitte Termine angeben oder „nach Vereinbarung“ ankreuzen."))
        return cleaned


class OrganisationChoice:
    """A form mixin: the choice field ``organisation_field`` offers the given
    organisations (of the user) by name; where it is optional, "—" comes first."""

    organisation_field = "organisation"
    fields: dict[str, forms.Field]  # those of the form it is mixed into
    cleaned_data: dict[str, Any]

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {str(o.pk): o for o in organisations}
        field = cast(forms.ChoiceField, self.fields[self.organisation_field])
        field.choices = ([] if field.required else [("", "—")]) + [
            (pk, o.name) for pk, o in self.organisations.items()
        ]

    def chosen_organisation(self, value):
        """The organisation of a chosen value (None for none)."""
        return self.organisations.get(value or "")

    def clean_organisation(self):
        """A field named ``organisation``, cleaned: the organisation itself (or None)."""
        return self.chosen_organisation(self.cleaned_data.get("organisation"))


class ProviderForm(OrganisationChoice, forms.Form):
    """Who offers: one of the user's MOs, or (coordinators) an institution by name."""

    organisation_field = "provider_organisation"
    provider_organisation = forms.ChoiceField(label=_("Anbieter"), required=False)
    provider_name = forms.CharField(
        label=_("oder Name der anbietenden Institution"), max_length=200, required=False
    )

    def __init__(self, *args, allow_name: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_name:
            del self.fields["provider_name"]

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        organisation = self.chosen_organisation(cleaned.get("provider_organisation"))
        name = cleaned.get("provider_name", "")
        if not organisation and not name:
            raise forms.ValidationError(_("Bitte den Anbieter angeben."))
        cleaned["organisation"] = organisation
        return cleaned


class InterestForm(OrganisationChoice, forms.Form):
    organisation = forms.ChoiceField(label=_("Für welche Organisation?"))
    message = forms.CharField(
        label=_("Nachricht an den Anbieter (freiwillig)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OfferFilterForm(forms.Form):
    q = forms.CharField(label=_("Suchbegriff"), max_length=100, required=False)
    format = TermChoiceField(kind=Term.Kind.SUPPORT_FORMAT, label=_("Format"))
    need = TermChoiceField(kind=Term.Kind.NEED, label=_("Bedarf"))
    state = TermChoiceField(kind=Term.Kind.STATE, sort_by_label=True, label=_("Bundesland"))
    language = TermChoiceField(kind=Term.Kind.LANGUAGE, sort_by_label=True, label=_("Sprache"))
    on_request = forms.BooleanField(label=_("Termine nach Vereinbarung"), required=False)


class MentorForm(forms.ModelForm):
    topics = TermMultipleChoiceField(
        kind=Term.Kind.NEED, label=_("Themen"), required=True, widget=forms.CheckboxSelectMultiple
    )
    languages = TermMultipleChoiceField(
        kind=Term.Kind.LANGUAGE,
        sort_by_label=True,
        label=_("Sprachen"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    class Meta:
        model = Mentor
        fields = ["description", "topics", "languages", "nationwide", "capacity", "active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class MentorSearchForm(OrganisationChoice, forms.Form):
    organisation = forms.ChoiceField(label=_("Für welche Organisation suchen Sie?"))
    needs = TermMultipleChoiceField(
        kind=Term.Kind.NEED,
        label=_("Wobei brauchen Sie Begleitung?"),
        widget=forms.CheckboxSelectMultiple,
    )


class ExpertForm(OrganisationChoice, forms.ModelForm):
    organisation = forms.ChoiceField(label=_("Aus der Organisation"), required=False)
    topics = TermMultipleChoiceField(
        kind=Term.Kind.NEED, label=_("Themen"), widget=forms.CheckboxSelectMultiple
    )
    languages = TermMultipleChoiceField(
        kind=Term.Kind.LANGUAGE,
        sort_by_label=True,
        label=_("Sprachen"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    state = TermChoiceField(kind=Term.Kind.STATE, sort_by_label=True, label=_("Bundesland"))
    consent = forms.BooleanField(
        label=_(
            "Ich willige ein, dass angemeldete Institutionen und die Koordination meinen Namen, "
            "meine Expertise, Sprachen, Region und Verfügbarkeit sehen und mich über das Portal "
            "kontaktieren. Ich kann den Eintrag jederzeit zurückziehen."
        )
    )

    class Meta:
        model = Expert
        fields = ["expertise", "availability"]
        widgets = {"expertise": forms.Textarea(attrs={"rows": 4})}


class ContactForm(forms.Form):
    message = forms.CharField(
        label=_("Ihre Nachricht"), max_length=3000, widget=forms.Textarea(attrs={"rows": 5})
    )
