from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from cooperation.models import CooperationRequest, RequestMessage
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
