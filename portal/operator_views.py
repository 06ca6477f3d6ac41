"""The operator slot: coordinators set who runs and who funds the portal (name,
website, logos, funding line), shown in every page's footer."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.files.base import ContentFile
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access import permission_required_or_403
from core.concurrency import (
    CONFLICT_STATUS,
    Conflict,
    VersionedFormMixin,
    conflict_context,
    expected_version,
)
from directory.access import REVIEW_PERMISSION
from directory.images import LOGO_HELP, process_logo
from portal import services
from portal.models import Operator

LOGO_FIELDS = ("logo", "funder_logo")


class OperatorForm(VersionedFormMixin, forms.ModelForm):
    url = forms.URLField(
        label=gettext_lazy("Website des Betreibers"),
        required=False,
        assume_scheme="https",
        help_text=gettext_lazy("Die Startseite des Betreibers, z. B. https://www.beispiel.de."),
    )
    logo_upload = forms.FileField(
        label=gettext_lazy("Logo des Betreibers"), required=False, help_text=LOGO_HELP
    )
    remove_logo = forms.BooleanField(label=gettext_lazy("Logo entfernen"), required=False)
    funder_logo_upload = forms.FileField(
        label=gettext_lazy("Logo des Fördergebers"), required=False, help_text=LOGO_HELP
    )
    remove_funder_logo = forms.BooleanField(
        label=gettext_lazy("Logo des Fördergebers entfernen"), required=False
    )

    class Meta:
        model = Operator
        fields = ["name", "url", "funder_name", "funding_line", "funding_line_en"]
        help_texts = {
            "name": gettext_lazy("Wer das Portal betreibt, z. B. „Bundesverband … e. V.“."),
            "funder_name": gettext_lazy("Wer das Portal fördert, z. B. ein Bundesministerium."),
            "funding_line": gettext_lazy(
                "Der Satz, den der Fördergeber verlangt, z. B. „Gefördert vom …“. "
                "Leer: „Gefördert von“ und der Name des Fördergebers."
            ),
            "funding_line_en": gettext_lazy("Freiwillig: derselbe Satz auf Englisch."),
        }
        widgets = {
            "funding_line": forms.TextInput(attrs={"lang": "de"}),
            "funding_line_en": forms.TextInput(attrs={"lang": "en"}),
        }

    def clean_logo_upload(self):
        upload = self.cleaned_data.get("logo_upload")
        return process_logo(upload) if upload else None

    def clean_funder_logo_upload(self):
        upload = self.cleaned_data.get("funder_logo_upload")
        return process_logo(upload) if upload else None

    def logos(self) -> dict[str, ContentFile[bytes] | None]:
        """The logos to change: a new image, or None to remove one."""
        changes: dict[str, ContentFile[bytes] | None] = {}
        for field in LOGO_FIELDS:
            if self.cleaned_data.get(f"{field}_upload"):
                changes[field] = self.cleaned_data[f"{field}_upload"]
            elif self.cleaned_data.get(f"remove_{field}"):
                changes[field] = None
        return changes


@permission_required_or_403(REVIEW_PERMISSION)
def operator_edit(request):
    operator = services.operator_get()
    form = OperatorForm(request.POST or None, request.FILES or None, instance=operator)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.operator_save(
                operator=form.save(commit=False),
                by=request.user,
                expected_version=expected_version(form),
                logos=form.logos(),
            )
        except Conflict as stale:
            stored = {name: getattr(stale.current, name) for name in form._meta.fields or []}
            conflict = conflict_context(form, current_version=stale.current.version, stored=stored)
        else:
            messages.success(request, _("Betreiber und Förderung sind gespeichert."))
            return redirect("operator_edit")
    return render(
        request,
        "portal/operator_edit.html",
        {"form": form, "saved": operator, "conflict": conflict},
        status=CONFLICT_STATUS
        if conflict
        else 400
        if form.is_bound and not form.is_valid()
        else 200,
    )
