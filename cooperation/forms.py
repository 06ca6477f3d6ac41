from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from cooperation.models import (
    Allowance,
    Cooperation,
    CooperationRequest,
    Milestone,
    RequestMessage,
    SpaceReview,
)
from core.concurrency import VersionedFormMixin
from directory.models import Term


class RequestForm(forms.ModelForm):
    class Meta:
        model = CooperationRequest
        fields = ["subject", "purpose", "message", "timeframe"]
        help_texts = {
            "subject": _("Worum geht es, in einer Zeile?"),
            "purpose": _("Welche Rolle soll die Organisation übernehmen?"),
            "message": _("Beschreiben Sie das Vorhaben, die Zielgruppe und was Sie sich wünschen."),
            "timeframe": _("Zum Beispiel „ab März 2027, sechs Monate“."),
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        purpose = cast(forms.ModelChoiceField, self.fields["purpose"])
        purpose.queryset = Term.objects.filter(kind=Term.Kind.ROLE).order_by("position")


class ReplyForm(forms.ModelForm):
    class Meta:
        model = RequestMessage
        fields = ["body"]
        labels = {"body": _("Ihre Antwort")}
        widgets = {"body": forms.Textarea(attrs={"rows": 5})}


class RelayReplyForm(forms.ModelForm):
    """An answer through the one-time link: who writes, and the answer."""

    class Meta:
        model = RequestMessage
        fields = ["author_name", "body"]
        labels = {"author_name": _("Ihr Name"), "body": _("Ihre Antwort")}
        help_texts = {
            "author_name": _("So sieht die anfragende Person, wer aus der Organisation antwortet.")
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["author_name"].required = True


# The cooperation space ------------------------------------------------------


class DateInput(forms.DateInput):
    input_type = "date"


class PlanForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Cooperation
        fields = ["goals", "partner_role", "mo_role", "working_arrangements"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ("goals", "partner_role", "mo_role", "working_arrangements")
        }


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_on", "responsible"]
        widgets = {"due_on": DateInput()}
        help_texts = {"title": _("Zum Beispiel „Erster Infoabend in der Gemeinde“.")}


class AllowanceForm(forms.ModelForm):
    class Meta:
        model = Allowance
        fields = ["purpose", "amount", "unit", "paid_by"]
        localized_fields = ["amount"]  # "25,00" in German
        help_texts = {"purpose": _("Zum Beispiel „Sprachmittlung bei Beratungsterminen“.")}


class DocumentForm(forms.Form):
    file = forms.FileField(
        label=_("Dokument"),
        help_text=_(
            "PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG oder Text; höchstens 5 MB."
        ),
    )


class ReviewForm(forms.ModelForm):
    class Meta:
        model = SpaceReview
        fields = ["went_well", "improve"]
        widgets = {
            "went_well": forms.Textarea(attrs={"rows": 3}),
            "improve": forms.Textarea(attrs={"rows": 3}),
        }


class ReferenceForm(VersionedFormMixin, forms.Form):
    summary = forms.CharField(
        label=_("Was haben Sie gemeinsam gemacht?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Zwei bis drei Sätze, die auf dem Profil der Organisation stehen, sobald beide "
            "Seiten sie bestätigt haben. Keine Namen von Teilnehmenden."
        ),
    )
