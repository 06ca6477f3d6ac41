"""A profile's history in human words: the reasons recorded with each version
("approved", "edited: identitaet", "sent back: ...") and its fields and values
("state_id 299", "email_visibility team") as the person reading it says them."""

import datetime
import re

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from directory.forms import SECTIONS
from directory.models import Organisation
from directory.vocabulary import get_vocabulary


def _reasons() -> dict[str, str]:
    return {
        "created": _("Angelegt"),
        "submitted": _("Zur Prüfung eingereicht"),
        "approved": _("Freigegeben"),
        "confirmed as current": _("Als aktuell bestätigt"),
        "imported": _("Importiert"),
        "import undone": _("Import rückgängig gemacht"),
        "archived": _("Archiviert"),
        "merged": _("Zusammengeführt"),
        "reactivated": _("Wieder aktiviert"),
        "deleted in the admin": _("In der Administration gelöscht"),
    }


def reason_label(reason: str | None) -> str:
    """The recorded reason in the reader's language; an unknown one as it was written."""
    reason = (reason or "").strip()
    known = _reasons()
    if reason in known:
        return known[reason]
    if match := re.fullmatch(r"(\w[\w ]*?) revision (\d+) v(\d+)", reason):
        return _("%(decision)s: Änderungsvorschlag %(number)s") % {
            "decision": reason_label(match[1]),
            "number": match[2],
        }
    if reason.startswith("edited: "):
        section = reason.removeprefix("edited: ")
        title = SECTIONS[section][0] if section in SECTIONS else section
        return _("Bearbeitet: %(section)s") % {"section": title}
    if reason.startswith("sent back: "):
        return _("Zurückgegeben: %(comment)s") % {"comment": reason.removeprefix("sent back: ")}
    if reason.startswith("restored version of "):
        return _("Fassung vom %(date)s wiederhergestellt") % {
            "date": reason.removeprefix("restored version of ")
        }
    return reason


def field_label(name: str) -> str:
    """A field's or a term relation's label ("state_id" -> "Bundesland")."""
    if name == "offers":
        return _("Angebote")
    try:
        field = Organisation._meta.get_field(name.removesuffix("_id"))
    except FieldDoesNotExist:  # a name of an older version: shown as it is
        return name
    label = str(getattr(field, "verbose_name", name))
    return label[:1].upper() + label[1:]


def value_label(record: object, name: str) -> str:
    """A field's value of a version as shown on the profile: a choice's label, a
    term's label, yes/no, a date in the reader's format."""
    if record is None:
        return ""
    field = Organisation._meta.get_field(name.removesuffix("_id"))
    value = getattr(record, getattr(field, "attname", name), None)
    if value is None or value == "":
        return ""
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))  # type: ignore[union-attr]
    if isinstance(field, models.BooleanField):
        return _("ja") if value else _("nein")
    if field.is_relation:
        term = get_vocabulary().by_id.get(value)
        return term.label if term is not None else str(value)
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)
