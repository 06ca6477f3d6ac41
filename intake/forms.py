"""The import's forms: upload, mapping (columns and values), duplicates, start."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.dateparse import parse_datetime
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from directory.vocabulary import get_vocabulary
from intake import fields as F
from intake.reading import MAX_BYTES, MAX_ROWS, NOT_A_TABLE, SPREADSHEETS, ReadError


class UploadForm(forms.Form):
    source_name = forms.CharField(
        label=_("Quelle der Liste"),
        max_length=200,
        help_text=_("Zum Beispiel „Integrationsrat Köln 2025“. Die Profile zeigen diese Quelle."),
    )
    file = forms.FileField(
        label=_("Datei (CSV oder XLSX)"),
        help_text=format_lazy(
            _("Die erste Zeile enthält die Spaltennamen. Höchstens {mb} MB und {rows} Zeilen."),
            mb=MAX_BYTES // (1024 * 1024),
            rows=f"{MAX_ROWS:n}",
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("Die Datei ist größer als %(mb)s MB. Bitte teilen Sie sie.")
                % {"mb": MAX_BYTES // (1024 * 1024)}
            )
        if upload.name.lower().endswith(SPREADSHEETS):
            raise forms.ValidationError(str(ReadError(NOT_A_TABLE)))
        if not upload.name.lower().endswith((".csv", ".txt", ".xlsx")):
            raise forms.ValidationError(_("Bitte laden Sie eine CSV- oder XLSX-Datei hoch."))
        return upload


def field_choices() -> list[tuple[str, str]]:
    return [("", str(_("– nicht übernehmen –")))] + [(f.name, str(f.label)) for f in F.FIELDS]


def term_choices(kind: str) -> list[tuple[str, str]]:
    return [("", str(_("– ignorieren –")))] + [
        (t.slug, t.label) for t in get_vocabulary().kind(kind)
    ]


class StartForm(forms.Form):
    publish = forms.TypedChoiceField(
        label=_("Neue Profile"),
        choices=[
            ("0", _("warten in der Prüfung, bis die Koordination sie freigibt")),
            ("1", _("sofort veröffentlichen")),
        ],
        coerce=lambda v: v == "1",
        initial="0",
        widget=forms.RadioSelect,
    )
    # The plan the page showed: the job's last change (ImportJob.changed_at: the
    # dry run's end, or a duplicate decided since), ISO 8601 to the microsecond.
    plan = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)

    @classmethod
    def of(cls, changed_at: datetime.datetime | None) -> StartForm:
        return cls(initial={"plan": changed_at.isoformat() if changed_at else ""})

    def clean_plan(self) -> datetime.datetime | None:
        """The plan's time as posted (None: missing or not a time)."""
        try:
            parsed = parse_datetime(self.cleaned_data["plan"])
        except ValueError:
            return None
        return parsed if parsed is not None and parsed.tzinfo is not None else None
