"""Forms of the MO self-service, one per section of the profile."""

import datetime
import re
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from core.concurrency import VersionedFormMixin
from directory import term_choices, widgets
from directory.glossary import help_text_with_link
from directory.images import LOGO_HELP, process_logo
from directory.models import IdentityVerification, Offer, Organisation, Term
from directory.relations import (
    ADVICE_LANGUAGES,
    COMMUNITIES,
    COOPERATION_EXPERIENCE,
    FIELDS,
    LANGUAGE_HELP,
    LANGUAGES,
    RESOURCES,
    ROLES,
    STATE,
    TARGET_GROUPS,
    Relation,
)


def _terms_field(relation: Relation) -> forms.ModelMultipleChoiceField:
    queryset = Term.objects.filter(kind=relation.kind).order_by("position", "label_de")
    if relation.long_list:
        field = _long_list_field(queryset, relation.kind, size=8, label=relation.verbose_name)
        if relation.glossary:
            field.help_text = help_text_with_link(field.help_text, relation.glossary)
        return field
    return forms.ModelMultipleChoiceField(
        queryset=queryset,
        required=False,
        label=relation.verbose_name,
        help_text=help_text_with_link(relation.help_text, relation.glossary)
        if relation.glossary
        else relation.help_text,
        widget=forms.CheckboxSelectMultiple,
    )


def _long_list_field(queryset, kind: str, *, size: int, label) -> forms.ModelMultipleChoiceField:
    """A long list (languages): searchable, German collation, common terms first, the
    excluded ones only while selected. The queryset still validates (every term)."""
    field = forms.ModelMultipleChoiceField(
        queryset=queryset,
        required=False,
        label=label,
        help_text=LANGUAGE_HELP,
        widget=widgets.SearchSelectMultiple(
            attrs={"size": size}, hidden=term_choices.hidden_values(kind)
        ),
    )
    field.choices = term_choices.term_choices(kind)
    return field


def _states():
    return Term.objects.filter(kind=STATE.kind).order_by("label_de")


class SectionForm(VersionedFormMixin, forms.ModelForm):
    """A profile section: model fields, then its vocabulary relations, and the
    version of the profile the form was loaded from."""

    relations: tuple[Relation, ...] = ()

    # The pending revision the form was loaded from (directory.revisions.revision_token).
    revision = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for relation in self.relations:
            self.fields[relation.field] = _terms_field(relation)
            if self.instance.pk:
                terms = getattr(self.instance, relation.field).all()
                self.initial.setdefault(relation.field, list(terms))

    def relation_data(self) -> dict[str, list[Term]]:
        return {r.field: list(self.cleaned_data[r.field]) for r in self.relations}

    def model_fields(self) -> list[str]:
        """The profile's own fields this section writes."""
        fields = list(self._meta.fields or [])
        return [*fields, "logo"] if "logo_upload" in self.fields else fields


class IdentityForm(SectionForm):
    relations = (FIELDS, TARGET_GROUPS, COMMUNITIES, LANGUAGES)

    logo_upload = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=LOGO_HELP,
    )
    remove_logo = forms.BooleanField(label=_("Logo entfernen"), required=False)

    class Meta:
        model = Organisation
        fields = [
            "name",
            "short_name",
            "founding_year",
            "area",
            "description",
            "description_en",
        ]
        help_texts = {
            "name": _("Der vollständige Name, z. B. „Kulturverein Brücke e. V.“."),
            "short_name": _("Eine Abkürzung, wenn Sie eine haben."),
            "founding_year": _("Das Jahr, in dem Ihre Organisation gegründet wurde."),
            "area": _(
                "Wo sind Sie aktiv: an Ihrem Ort, in der Region, in Ihrem Bundesland "
                "oder bundesweit?"
            ),
            "description": _("Was macht Ihre Organisation? Ein paar Sätze genügen."),
            "description_en": _("Freiwillig: dieselbe Beschreibung auf Englisch."),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
        }

    def clean_logo_upload(self):
        upload = self.cleaned_data.get("logo_upload")
        return process_logo(upload) if upload else None


# A register number: the register's letters (VR, HRB, GnR, PR, ...), its number,
# perhaps a letter after it ("VR 12345 B").
REGISTER_NUMBER = re.compile(r"^[A-Za-zÄÖÜäöü]{1,4}\s*[0-9]{1,7}(\s*[A-Za-z]{1,3})?$")
# Forms that have no register entry.
UNREGISTERED_FORMS = {Organisation.LegalForm.GBR, Organisation.LegalForm.INITIATIVE}


class RegisterForm(SectionForm):
    """Legal form, register entry and charitable status (issue 19)."""

    class Meta:
        model = Organisation
        fields = [
            "legal_form",
            "register_court",
            "register_number",
            "charitable_status",
            "charitable_notice_date",
        ]
        help_texts = {
            "legal_form": _("Zum Beispiel „Eingetragener Verein (e. V.)“."),
            "register_court": _(
                "Das Amtsgericht, bei dem Ihr Verein eingetragen ist, z. B. „Amtsgericht Köln“. "
                "Es steht auf Ihrem Registerauszug."
            ),
            "register_number": _(
                "Die Nummer im Register, z. B. „VR 12345“ (Vereinsregister) oder „HRB 6789“. "
                "Sie steht auf Ihrem Registerauszug."
            ),
            "charitable_status": _(
                "Hat das Finanzamt Ihre Organisation als gemeinnützig anerkannt? Dann haben Sie "
                "einen Freistellungsbescheid bekommen."
            ),
            "charitable_notice_date": _(
                "Das Datum auf dem letzten Freistellungsbescheid, z. B. 15.03.2024."
            ),
        }
        # A text field, not type="date": its parts and order differ by browser and
        # language; "15.03.2024" is what people read on the notice.
        widgets = {
            "charitable_notice_date": forms.DateInput(
                attrs={"placeholder": _("TT.MM.JJJJ"), "inputmode": "numeric"}
            )
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["register_number"].widget.attrs["placeholder"] = "VR 12345"
        self.fields["register_court"].widget.attrs["placeholder"] = _("Amtsgericht Köln")

    def clean_register_court(self) -> str:
        return " ".join(self.cleaned_data.get("register_court", "").split())

    def clean_register_number(self) -> str:
        number = " ".join(self.cleaned_data.get("register_number", "").split())
        if number and not REGISTER_NUMBER.match(number):
            raise forms.ValidationError(
                _(
                    "Bitte geben Sie die Nummer so ein, wie sie auf dem Registerauszug steht: "
                    "zuerst die Buchstaben, dann die Zahl, z. B. „VR 12345“."
                )
            )
        return number

    def clean_charitable_notice_date(self) -> datetime.date | None:
        notice = self.cleaned_data.get("charitable_notice_date")
        if notice and notice > datetime.date.today():
            raise forms.ValidationError(_("Das Datum darf nicht in der Zukunft liegen."))
        if notice and notice.year < 1950:
            raise forms.ValidationError(_("Bitte prüfen Sie das Jahr."))
        return notice

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # ModelForm.clean returns cleaned_data
        court, number = cleaned.get("register_court"), cleaned.get("register_number")
        if number and not court and "register_court" not in self.errors:
            self.add_error(
                "register_court",
                _(
                    "Bitte geben Sie auch das Registergericht an: Dieselbe Nummer gibt es bei "
                    "vielen Gerichten."
                ),  # fmt: skip
            )
        if court and not number and "register_number" not in self.errors:
            self.add_error("register_number", _("Bitte geben Sie auch die Registernummer an."))
        if (number or court) and cleaned.get("legal_form") in UNREGISTERED_FORMS:
            self.add_error(
                "legal_form",
                _("Diese Rechtsform hat keinen Registereintrag. Bitte prüfen Sie die "
                  "Rechtsform (z. B. „Eingetragener Verein (e. V.)“) oder lassen Sie das "
                  "Register leer."),
            )  # fmt: skip
        status = cleaned.get("charitable_status")
        if cleaned.get("charitable_notice_date") and status != Organisation.Charitable.YES:
            self.add_error(
                "charitable_notice_date",
                _("Ein Freistellungsbescheid gehört nur zu „gemeinnützig: ja“. Bitte wählen Sie "
                  "oben „Ja“ oder lassen Sie das Datum leer."),
            )  # fmt: skip
        return cleaned


class OffersForm(SectionForm):
    relations = (ROLES, ADVICE_LANGUAGES)

    class Meta:
        model = Organisation
        fields: list[str] = []


class OfferForm(forms.Form):
    """One offer; a form left without a title is an unused empty row."""

    title = forms.CharField(label=_("Titel des Angebots"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Art"), choices=Offer.Kind.choices)
    summary = forms.CharField(
        label=_("Kurzbeschreibung"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    languages = _long_list_field(
        Term.objects.filter(kind=LANGUAGES.kind), LANGUAGES.kind, size=5, label=_("Sprachen")
    )

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        if not cleaned.get("title") and (cleaned.get("summary") or cleaned.get("languages")):
            self.add_error("title", _("Bitte geben Sie dem Angebot einen Titel."))
        return cleaned


class BaseOfferFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        """A saved offer gets "Dieses Angebot entfernen" (not the formset's bare
        "Löschen"); an empty row for a new offer has nothing to remove."""
        super().add_fields(form, index)
        if "DELETE" not in form.fields:
            return
        if index is None or index >= self.initial_form_count():
            del form.fields["DELETE"]
        else:
            form.fields["DELETE"].label = _("Dieses Angebot entfernen")

    def offers(self) -> list[dict]:
        result = []
        for form in self.forms:
            if not form.cleaned_data.get("title") or (
                # Django's own test for a ticked DELETE box (private, not in the stubs)
                self.can_delete and self._should_delete_form(form)  # type: ignore[attr-defined]
            ):
                continue
            data = form.cleaned_data
            result.append(
                {
                    "title": data["title"],
                    "kind": data["kind"],
                    "summary": data.get("summary", ""),
                    "languages": list(data.get("languages") or []),
                }
            )
        return result


# The stubs' formset_factory returns the plain BaseFormSet: the class made is a BaseOfferFormSet.
OfferFormSet = cast(
    type[BaseOfferFormSet],
    forms.formset_factory(
        OfferForm, formset=BaseOfferFormSet, extra=2, can_delete=True, max_num=30, validate_max=True
    ),
)


class CapacityForm(SectionForm):
    relations = (RESOURCES, COOPERATION_EXPERIENCE)

    class Meta:
        model = Organisation
        fields = [
            "paid_staff",
            "volunteers",
            "members",
            "budget_band",
            "has_rooms",
            "open_for_cooperation",
        ]
        help_texts = {
            "volunteers": _("Ungefähr, wie viele Menschen regelmäßig ehrenamtlich mitarbeiten."),
            "members": _("Die Zahl der Mitglieder, wenn Sie ein Verein sind."),
            "has_rooms": _("Haben Sie eigene Räume für Beratung, Kurse oder Treffen?"),
            "open_for_cooperation": _("Möchten Sie Anfragen für neue Kooperationen bekommen?"),
        }


class ContactForm(SectionForm):
    website = forms.URLField(
        label=_("Website"),
        required=False,
        assume_scheme="https",
        help_text=_("Zum Beispiel https://www.mein-verein.de"),
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )

    class Meta:
        model = Organisation
        fields = [
            "website",
            "email",
            "email_visibility",
            "phone",
            "phone_visibility",
            "street",
            "street_visibility",
            "postal_code",
            "city",
            "state",
        ]
        help_texts = {
            "email": _("Die Adresse, unter der man Ihre Organisation erreicht."),
            "phone": _("Mit Vorwahl, z. B. 040 123456."),
            "postal_code": _("Fünf Ziffern, z. B. 19053."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["state"]).queryset = _states()


class NewOrganisationForm(SectionForm):
    relations = ()

    class Meta:
        model = Organisation
        fields = ["name", "legal_form", "description", "postal_code", "city", "state"]
        help_texts = IdentityForm.Meta.help_texts
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["state"]).queryset = _states()
        self.fields["state"].required = True
        self.fields["city"].required = True


SECTIONS = {
    "identitaet": (_("Wer wir sind"), IdentityForm),
    "register": (_("Rechtsform, Register und Gemeinnützigkeit"), RegisterForm),
    "angebote": (_("Was wir anbieten"), OffersForm),
    "ressourcen": (_("Ressourcen und Kapazitäten"), CapacityForm),
    "kontakt": (_("Kontakt und Sichtbarkeit"), ContactForm),
}


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-Mail-Adresse der Person"),
        help_text=_("Die Person bekommt eine E-Mail mit einem Link zum Mitmachen."),
    )


class ClaimForm(forms.Form):
    message = forms.CharField(
        label=_("Nachricht an die Koordination"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Wer sind Sie in der Organisation? Das hilft bei der Prüfung."),
    )


class SendBackForm(forms.Form):
    comment = forms.CharField(
        label=_("Was soll geändert werden?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class IdentityCheckForm(forms.Form):
    """A coordinator's check of an MO's identity (services.identity_verify)."""

    register_checked = forms.ChoiceField(
        label=_("Register"),
        choices=IdentityVerification.RegisterSource.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Wie haben Sie Registergericht, Registernummer und Rechtsform geprüft?"),
    )
    exemption_checked = forms.BooleanField(
        label=_("Freistellungsbescheid des Finanzamts gesehen (Gemeinnützigkeit und Datum)"),
        required=False,
    )
    note = forms.CharField(
        label=_("Anmerkung (nur für die Koordination)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    seen = forms.CharField(widget=forms.HiddenInput, required=False, max_length=255)

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        if not cleaned.get("register_checked") and not cleaned.get("exemption_checked"):
            self.add_error(
                "register_checked",
                _("Bitte wählen Sie, was Sie geprüft haben: das Register, den "
                  "Freistellungsbescheid oder beides."),
            )  # fmt: skip
        return cleaned
