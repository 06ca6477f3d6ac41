import re
from typing import cast

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.hashers import check_password
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from accounts.domains import normalise_domain
from accounts.models import OfficialDomain
from core.security import normalise_identity
from directory.models import Term


class SignupForm(forms.Form):
    account_type = forms.ChoiceField(
        label=_("Ich bin"),
        choices=get_user_model().AccountType.choices,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Ihr Name"), max_length=150)
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        help_text=_("Wir schicken Ihnen einen Link, mit dem Sie die Adresse bestätigen."),
    )
    password = forms.CharField(
        label=_("Passwort"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Mindestens 8 Zeichen; nicht nur Zahlen und kein häufiges Passwort."),
    )
    institution_name = forms.CharField(
        label=_("Name der Institution"),
        max_length=200,
        required=False,
        help_text=_("Nur für Mitarbeitende von Institutionen, z. B. „Jobcenter Schwerin“."),
    )
    institution_type = forms.ModelChoiceField(
        label=_("Art der Institution"),
        queryset=Term.objects.filter(kind=Term.Kind.INSTITUTION_TYPE).order_by("position"),
        required=False,
    )
    institution_state = forms.ModelChoiceField(
        label=_("Bundesland der Institution"),
        queryset=Term.objects.filter(kind=Term.Kind.STATE).order_by("label_de"),
        required=False,
    )
    privacy = forms.BooleanField(
        label=_("Ich habe die Datenschutzhinweise gelesen und bin einverstanden."),
    )

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        if cleaned.get("account_type") == get_user_model().AccountType.INSTITUTION:
            for field in ("institution_name", "institution_type", "institution_state"):
                if not cleaned.get(field):
                    self.add_error(field, _("Bitte für Institutionen angeben."))
        password = cleaned.get("password")
        if password:
            user = get_user_model()(email=cleaned.get("email", ""), name=cleaned.get("name", ""))
            try:
                password_validation.validate_password(password, user)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class AccountForm(forms.ModelForm):
    class Meta:
        model = get_user_model()
        fields = ["name", "language", "institution_name", "institution_type", "institution_state"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        institution_type = cast(forms.ModelChoiceField, self.fields["institution_type"])
        institution_type.queryset = Term.objects.filter(kind=Term.Kind.INSTITUTION_TYPE).order_by(
            "position"
        )
        institution_state = cast(forms.ModelChoiceField, self.fields["institution_state"])
        institution_state.queryset = Term.objects.filter(kind=Term.Kind.STATE).order_by("label_de")
        if self.instance.account_type != get_user_model().AccountType.INSTITUTION:
            for field in ("institution_name", "institution_type", "institution_state"):
                del self.fields[field]


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Zur Sicherheit: Ihr Passwort"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Das Passwort stimmt nicht."))
        return password


class VerifyEmailForm(forms.Form):
    """Whoever follows a verification link proves with the password of the
    registration that it is theirs: the link alone signs nobody in."""

    password = forms.CharField(
        label=_("Passwort"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        # Without the setter: no rehash, which would change the registration's state.
        if not check_password(password, self.user.password):
            raise forms.ValidationError(_("Das Passwort stimmt nicht."))
        return password


class ResendVerificationForm(forms.Form):
    email = forms.EmailField(label=_("E-Mail-Adresse"))


class LoginForm(AuthenticationForm):
    """Django's login form, with the length of the address checked before the
    login is attempted (Django sets max_length after the field is built, so it is
    not validated; an over-long name then broke the lockout's records), and the
    address normalised once (core.security.normalise_identity), so that
    ``authenticate()`` and the lockout see one identity whatever its case.
    A wrong password is called so (Django's German asked to "enter" both)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Die E-Mail-Adresse oder das Passwort stimmt nicht. Bitte prüfen Sie beide "
            "Angaben; bei beiden zählt die Groß- und Kleinschreibung."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.CharField, self.fields["username"])
        field.validators.append(MaxLengthValidator(field.max_length or 254))

    def clean_username(self) -> str:
        return normalise_identity(self.cleaned_data.get("username"))


class ReasonForm(forms.Form):
    """A coordinator's decision or an MO's report: always with a reason."""

    reason = forms.CharField(
        label=_("Begründung"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class VerificationDecisionForm(ReasonForm):
    action = forms.ChoiceField(
        label=_("Entscheidung"),
        choices=[
            ("verify", _("Verifizieren")),
            ("refuse", _("Ablehnen")),
            ("revoke", _("Verifizierung widerrufen")),
        ],
        widget=forms.RadioSelect,
    )


class ReportForm(ReasonForm):
    reason = forms.CharField(
        label=_("Warum melden Sie dieses Konto?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Zum Beispiel: Die Anfrage wirkt nicht wie die einer Behörde oder Einrichtung. "
            "Die Koordination prüft das Konto; "
            "die gemeldete Person erfährt nicht, wer gemeldet hat."
        ),
    )


# Two or more labels of ASCII letters, digits and hyphens (IDN in their ASCII form).
DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}")


class OfficialDomainForm(forms.Form):
    domain = forms.CharField(
        label=_("Domain"),
        max_length=253,
        help_text=_(
            "Zum Beispiel „arbeitsagentur.de“. Die Domain gilt mit allen Unterdomains "
            "(„schwerin.ihk.de“ für „ihk.de“), nie für ähnlich lautende Domains."
        ),
    )
    label = forms.CharField(label=_("Institution"), max_length=200)
    reason = forms.CharField(
        label=_("Begründung"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_domain(self):
        domain = normalise_domain(self.cleaned_data["domain"])
        if not DOMAIN.fullmatch(domain):
            raise forms.ValidationError(_("Bitte eine Domain wie „beispiel.de“ angeben."))
        if OfficialDomain.objects.filter(domain=domain, removed_at__isnull=True).exists():
            raise forms.ValidationError(_("Diese Domain steht schon auf der Liste."))
        return domain
