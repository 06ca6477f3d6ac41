import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.concurrency import VersionedFormMixin
from directory.models import Organisation, Term
from directory.vocabulary_fields import TermChoiceField, TermMultipleChoiceField
from events.models import Event, ImportedFeed

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M", "%Y-%m-%d", "%d.%m.%Y"]


def _datetime_field(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Datum und Uhrzeit, z. B. 2027-03-15 10:00"),
    )


class EventForm(VersionedFormMixin, forms.ModelForm):
    starts_at = _datetime_field(_("Beginn"))
    ends_at = _datetime_field(_("Ende"))
    online_url = forms.URLField(
        label=_("Link zur Online-Teilnahme"), required=False, assume_scheme="https", max_length=500
    )
    state = TermChoiceField(kind=Term.Kind.STATE, sort_by_label=True, label=_("Bundesland"))
    languages = TermMultipleChoiceField(
        kind=Term.Kind.LANGUAGE,
        sort_by_label=True,
        label=_("Sprachen"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "format",
            "description",
            "starts_at",
            "ends_at",
            "all_day",
            "online",
            "online_url",
            "venue",
            "street",
            "postal_code",
            "city",
            "state",
            "languages",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "all_day": _("Bei ganztägigen Veranstaltungen zählt nur das Datum."),
            "description": _("Klartext, höchstens 4000 Zeichen."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        event = self.instance
        if event.pk and event.all_day:
            # Stored up to the midnight after the last day: shown is the last day.
            self.initial["ends_at"] = datetime.datetime.combine(
                event.last_day, datetime.time.min, tzinfo=timezone.get_current_timezone()
            )

    def _in_range(self, name: str) -> datetime.datetime | None:
        """Years 2000 to 2100 (a year 9999 cannot be stored as an all-day end)."""
        value: datetime.datetime | None = self.cleaned_data.get(name)
        if value is not None and not (2000 <= value.year <= 2100):
            raise forms.ValidationError(_("Bitte ein Datum zwischen 2000 und 2100 angeben."))
        return value

    def clean_starts_at(self) -> datetime.datetime | None:
        return self._in_range("starts_at")

    def clean_ends_at(self) -> datetime.datetime | None:
        return self._in_range("ends_at")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends:
            if cleaned.get("all_day"):
                if ends.date() < starts.date():
                    self.add_error("ends_at", _("Das Ende liegt vor dem Beginn."))
            elif ends < starts:
                self.add_error("ends_at", _("Das Ende liegt vor dem Beginn."))
        if cleaned.get("online"):
            if not cleaned.get("online_url") and not cleaned.get("city"):
                self.add_error("online_url", _("Bitte geben Sie den Link zur Online-Teilnahme an."))
        elif not cleaned.get("city"):
            self.add_error("city", _("Bitte geben Sie den Ort an oder wählen Sie „Online“."))
        return cleaned


class OrganiserForm(forms.Form):
    """Who announces: one of the user's published MOs, the user's verified
    institution, or (coordinators) any organiser by name."""

    INSTITUTION = "institution"
    NAME = "name"

    organiser = forms.ChoiceField(label=_("Veranstalter"))
    organiser_name = forms.CharField(
        label=_("Name des Veranstalters"),
        max_length=200,
        required=False,
        help_text=_("Nur wenn Sie „anderer Veranstalter“ gewählt haben."),
    )

    def __init__(
        self,
        *args: Any,
        organisations: list[Organisation],
        institution_name: str | None,
        coordinator: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = {f"mo-{o.pk}": o for o in organisations}
        self.institution_name = institution_name
        choices: list[tuple[str, Any]] = [(key, o.name) for key, o in self.organisations.items()]
        if institution_name:
            choices.append((self.INSTITUTION, institution_name))
        if coordinator:
            choices.append((self.NAME, _("Anderer Veranstalter (Name angeben)")))
        else:
            del self.fields["organiser_name"]
        field = self.fields["organiser"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        choice = cleaned.get("organiser")
        cleaned["organisation"] = self.organisations.get(choice or "")
        if choice == self.INSTITUTION:
            cleaned["organiser_name"] = self.institution_name or ""
        elif choice == self.NAME:
            if not cleaned.get("organiser_name", "").strip():
                self.add_error("organiser_name", _("Bitte geben Sie den Namen an."))
        elif cleaned["organisation"] is not None:
            cleaned["organiser_name"] = ""
        return cleaned


class EventFilterForm(forms.Form):
    """The calendar's filters (GET); the feed of the calendar takes the same."""

    q = forms.CharField(label=_("Suchbegriff"), max_length=100, required=False)
    format = forms.ChoiceField(
        label=_("Format"), choices=[("", "—"), *Event.Format.choices], required=False
    )
    state = TermChoiceField(kind=Term.Kind.STATE, sort_by_label=True, label=_("Bundesland"))
    start = forms.DateField(
        label=_("ab Datum"),
        required=False,
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    organisation = forms.SlugField(
        label=_("Organisation (Kurzname aus der Adresse des Profils)"),
        max_length=100,
        required=False,
    )
    online = forms.BooleanField(label=_("Nur online"), required=False)

    def clean_start(self) -> datetime.date | None:
        value: datetime.date | None = self.cleaned_data.get("start")
        if value is not None and not (2000 <= value.year <= 2100):
            raise forms.ValidationError(_("Bitte ein Datum zwischen 2000 und 2100 angeben."))
        return value


class FeedForm(forms.ModelForm):
    """An external iCalendar feed (coordinators); the MO is named by its slug."""

    url = forms.URLField(
        label=_("Adresse des Kalenders (iCalendar)"), max_length=500, assume_scheme="https"
    )
    organisation_slug = forms.SlugField(
        label=_("Migrantenorganisation (Kurzname aus der Adresse des Profils)"),
        max_length=100,
        required=False,
        help_text=_("Leer lassen, wenn der Kalender keiner Migrantenorganisation gehört."),
    )

    class Meta:
        model = ImportedFeed
        fields = ["url", "organiser_name", "default_format", "active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.organisation_id:
            self.initial["organisation_slug"] = self.instance.organisation.slug

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        if not url.startswith(("https://", "http://")):
            raise forms.ValidationError(_("Bitte eine Adresse mit http:// oder https:// angeben."))
        return url

    def clean_organisation_slug(self) -> Organisation | None:
        slug = self.cleaned_data.get("organisation_slug")
        if not slug:
            return None
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            raise forms.ValidationError(_("Keine Organisation mit diesem Kurznamen."))
        return organisation
