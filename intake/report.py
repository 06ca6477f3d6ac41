"""The rows' reasons as sentences, for the dry run and the job page."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directory import duplicates
from intake import fields as F


def _field(name: str) -> str:
    spec = F.BY_NAME.get(name)
    return str(spec.label) if spec else name


def reason_text(reason: dict[str, Any]) -> str:
    code = reason.get("code")
    if code == "missing_name":
        return _("Der Name fehlt.")
    if (
        code in ("invalid", "unknown", "too_long") and "value" not in reason
    ):  # purged: no values kept
        return _("Ungültiger oder unbekannter Wert bei „%(field)s“ (Wert gelöscht).") % {
            "field": _field(reason["field"])
        }
    if code == "invalid":
        return _("Ungültiger Wert bei „%(field)s“: „%(value)s“.") % {
            "field": _field(reason["field"]),
            "value": reason["value"],
        }
    if code == "unknown":
        return _("Unbekannter Wert bei „%(field)s“ wird nicht übernommen: „%(value)s“.") % {
            "field": _field(reason["field"]),
            "value": reason["value"],
        }
    if code == "duplicate_row":
        return _("Dublette von Zeile %(row)s dieser Datei.") % {"row": reason["row"]}
    if code == "duplicate_db":
        return _("Mögliche Dublette eines vorhandenen Profils. Bitte entscheiden Sie.")
    if code == "duplicate_db_skip":
        return _("Mögliche Dublette: Sie haben „Überspringen“ gewählt.")
    if code == "duplicate_db_create":
        return _("Mögliche Dublette: Sie haben „Trotzdem neu anlegen“ gewählt.")
    if code == "duplicate_db_update":
        return _("Mögliche Dublette: Sie haben „Vorhandenes Profil aktualisieren“ gewählt.")
    if code == "team_fills_empty":
        return _(
            "Das Profil hat ein Team: Die Liste ergänzt nur leere Felder und ändert nichts, "
            "was das Team eingetragen hat."
        )
    if code == "error":
        return _(
            "Die Datenbank hat einen Wert dieser Zeile abgelehnt. Die Zeile wurde übersprungen; "
            "bitte prüfen Sie ihre Werte."
        )
    if code == "too_long":
        return _("Der Wert bei „%(field)s“ ist zu lang: „%(value)s …“.") % {
            "field": _field(reason["field"]),
            "value": reason.get("value", ""),
        }
    if code == "target_gone":
        return _("Das gewählte Profil gibt es nicht mehr als Kandidat.")
    return str(code)


def candidate_reasons(codes: list[str]) -> str:
    return ", ".join(str(duplicates.REASONS[c][0]) for c in codes if c in duplicates.REASONS)


UNDO_REASONS = {
    "changed": gettext_lazy("Das Profil wurde nach dem Import geändert. Es bleibt, wie es ist."),
    "gone": gettext_lazy("Das Profil gibt es nicht mehr."),
    "in_use": gettext_lazy(
        "Das Profil wird inzwischen genutzt (zum Beispiel von einem Team, in einer Anfrage "
        "oder auf einer Merkliste). Es bleibt."
    ),
}
