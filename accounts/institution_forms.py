"""Forms of institution profiles: the profile, its editors, the list's filter."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from accounts.institution_services import PROFILE_FIELDS
from accounts.models import InstitutionOffer, InstitutionProfile
from core.concurrency import VersionedFormMixin
from directory.access import is_reviewer
from directory.models import Term
from directory.vocabulary_fields import TermChoiceField

POSTAL_CODE = RegexValidator(r"^\d{5}$", _("Bitte geben Sie eine Postleitzahl mit 5 Ziffern an."))
PHONE = RegexValidator(
    r"^\+?[0-9 ()/-]{5,40}$",
    _("Bitte geben Sie eine Telefonnummer an (Ziffern, Leerzeichen, + ( ) / -)."),
)


class InstitutionProfileForm(VersionedFormMixin, forms.Form):
    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=2_147_483_647
    )
    name = forms.CharField(label=_("Name der Institution"), max_length=200)
    institution_type = TermChoiceField(
        kind=Term.Kind.INSTITUTION_TYPE, label=_("Art der Institution"), required=True
    )
    state = TermChoiceField(
        kind=Term.Kind.STATE, sort_by_label=True, label=_("Bundesland"), required=True
    )
    city = forms.CharField(label=_("Ort"), max_length=100, required=False)
    postal_code = forms.CharField(
        label=_("Postleitzahl"), max_length=5, required=False, validators=[POSTAL_CODE]
    )
    description = forms.CharField(
        label=_("Kurzbeschreibung"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Wer Sie sind und was Sie tun, in wenigen Sätzen (ohne Formatierung)."),
    )
    website = forms.URLField(
        label=_("Website"), required=False, assume_scheme="https", max_length=200
    )
    contact_name = forms.CharField(
        label=_("Ansprechperson für MO"),
        max_length=150,
        required=False,
        help_text=_("Name und Funktion sind öffentlich."),
    )
    contact_function = forms.CharField(
        label=_("Funktion der Ansprechperson"), max_length=150, required=False
    )
    contact_email = forms.EmailField(
        label=_("E-Mail der Ansprechperson"),
        required=False,
        help_text=_(
            "E-Mail und Telefon sehen nur angemeldete Teams von Migrantenorganisationen, "
            "verifizierte Institutionen und die Koordination."
        ),
    )
    contact_phone = forms.CharField(
        label=_("Telefon der Ansprechperson"), max_length=40, required=False, validators=[PHONE]
    )
    offers = forms.MultipleChoiceField(
        label=_("Was Sie Migrantenorganisationen anbieten"),
        choices=InstitutionOffer.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    offer_details = forms.CharField(
        label=_("Einzelheiten zum Angebot"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Zum Beispiel: wann die Räume frei sind, für wen die Schulung gedacht ist."),
    )

    def __init__(self, *args: Any, profile: InstitutionProfile | None = None, **kwargs: Any):
        if profile is not None:
            initial = {name: getattr(profile, name) for name in PROFILE_FIELDS}
            initial["institution_type"] = profile.institution_type_id
            initial["state"] = profile.state_id
            initial["offers"] = list(profile.offers.values_list("kind", flat=True))
            initial["version"] = profile.version
            kwargs["initial"] = {**initial, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)

    def clean_contact_phone(self) -> str:
        return " ".join(str(self.cleaned_data.get("contact_phone") or "").split())

    def values(self) -> dict[str, Any]:
        """The profile's fields from the cleaned data (for the services)."""
        return {name: self.cleaned_data[name] for name in PROFILE_FIELDS}


class EditorAddForm(forms.Form):
    email = forms.EmailField(
        label=_("E-Mail-Adresse der Kollegin oder des Kollegen"),
        help_text=_(
            "Sie oder er braucht ein verifiziertes Konto als Institution im Portal, "
            "mit einer Adresse derselben Domain wie Ihre."
        ),
    )

    def __init__(self, *args: Any, by: Any, **kwargs: Any) -> None:
        """``by``: who adds; a colleague must have an address of the same domain
        (the same institution), except when a coordinator adds."""
        super().__init__(*args, **kwargs)
        self.by = by

    def clean_email(self) -> Any:
        email = self.cleaned_data["email"]
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if (
            user is None
            or not user.is_institution
            or not (is_reviewer(self.by) or _domain(user.email) == _domain(self.by.email))
        ):
            # One message for an unknown address, an unverified account and another
            # institution's: the form tells nobody which addresses have an account.
            raise forms.ValidationError(
                _("Unter dieser Adresse gibt es kein verifiziertes Konto Ihrer Institution.")
            )
        self.user = user
        return email


def _domain(email: str) -> str:
    return email.strip().rpartition("@")[2].lower()


class InstitutionFilterForm(forms.Form):
    q = forms.CharField(label=_("Suchbegriff"), max_length=100, required=False)
    offer = forms.ChoiceField(
        label=_("Angebot"),
        choices=[("", "—"), *InstitutionOffer.Kind.choices],
        required=False,
    )
    state = TermChoiceField(kind=Term.Kind.STATE, sort_by_label=True, label=_("Bundesland"))
    type = TermChoiceField(kind=Term.Kind.INSTITUTION_TYPE, label=_("Art der Institution"))
