"""The profile fields a column of a list can fill, with the header names that
suggest them (German and English variants, compared folded: "E-Mail-Adresse" =
"email adresse")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from directory import analysis, relations
from directory.relations import Text

TEXT, EMAIL, URL, POSTAL, YEAR, NUMBER, PHONE, TERM, TERMS = (
    "text",
    "email",
    "url",
    "postal",
    "year",
    "number",
    "phone",
    "term",
    "terms",
)


@dataclass(frozen=True)
class Field:
    name: str  # the Organisation field (for terms: the relation)
    label: Text
    kind: str
    headers: tuple[str, ...]  # header names that suggest it, folded
    max_length: int = 0
    term_kind: str = ""  # TERM/TERMS: the Term.Kind


def _f(*names: str) -> tuple[str, ...]:
    return tuple(header_key(n) for n in names)


def header_key(text: str) -> str:
    """A header as compared: folded, umlauts plain, words joined by one space."""
    return " ".join(analysis.plain(w) for w in re.findall(r"\w+", text.lower()))


FIELDS: tuple[Field, ...] = (
    Field(
        "name",
        _("Name"),
        TEXT,
        _f(
            "name",
            "organisation",
            "organisationsname",
            "name der organisation",
            "verein",
            "vereinsname",
            "name des vereins",
            "organization",
            "organisation name",
            "organization name",
            "mo",
            "migrantenorganisation",
        ),
        200,
    ),
    Field(
        "short_name",
        _("Kurzname"),
        TEXT,
        _f("kurzname", "kurzform", "abkurzung", "short name", "acronym"),
        60,
    ),
    Field(
        "description",
        _("Beschreibung"),
        TEXT,
        _f("beschreibung", "kurzbeschreibung", "description", "about", "profil"),
    ),
    Field(
        "website",
        _("Website"),
        URL,
        _f("website", "webseite", "homepage", "internet", "url", "web", "internetseite"),
    ),
    Field(
        "email",
        _("E-Mail"),
        EMAIL,
        _f(
            "email",
            "e mail",
            "mail",
            "e mail adresse",
            "email adresse",
            "email address",
            "kontakt e mail",
        ),
    ),
    Field(
        "phone",
        _("Telefon"),
        PHONE,
        _f("telefon", "tel", "telefonnummer", "phone", "phone number", "telephone"),
    ),
    Field(
        "street",
        _("Straße und Hausnummer"),
        TEXT,
        _f("strasse", "strasse und hausnummer", "adresse", "anschrift", "street", "address"),
        200,
    ),
    Field(
        "postal_code",
        _("Postleitzahl"),
        POSTAL,
        _f("plz", "postleitzahl", "postal code", "postcode", "zip", "zip code"),
    ),
    Field(
        "city",
        _("Ort"),
        TEXT,
        _f("ort", "stadt", "wohnort", "sitz", "gemeinde", "city", "town", "place"),
        100,
    ),
    Field(
        "founding_year",
        _("Gründungsjahr"),
        YEAR,
        _f(
            "grundungsjahr",
            "gegrundet",
            "grundung",
            "grundungsdatum",
            "founded",
            "founding year",
            "year founded",
            "founding date",
        ),
    ),
    Field(
        "members",
        _("Mitglieder"),
        NUMBER,
        _f("mitglieder", "anzahl mitglieder", "mitgliederzahl", "members", "number of members"),
    ),
    Field(
        "volunteers", _("Ehrenamtliche"), NUMBER, _f("ehrenamtliche", "freiwillige", "volunteers")
    ),
    Field(
        "paid_staff",
        _("Hauptamtliche Mitarbeitende"),
        NUMBER,
        _f("hauptamtliche", "mitarbeitende", "angestellte", "paid staff", "staff", "employees"),
    ),
    Field(
        "state",
        relations.STATE.label,
        TERM,
        _f("bundesland", "land", "state", "federal state"),
        term_kind=relations.STATE.kind,
    ),
    *(
        Field(r.field, r.verbose_name, TERMS, (), term_kind=r.kind)
        for r in relations.MANY_RELATIONS
    ),
)
BY_NAME = {f.name: f for f in FIELDS}

# Header names of the vocabulary relations (German and English).
_RELATION_HEADERS = {
    "roles": _f("rolle", "rollen", "roles", "role"),
    "resources": _f("ressourcen", "ressource", "resources"),
    "fields": _f(
        "handlungsfeld",
        "handlungsfelder",
        "themen",
        "arbeitsfelder",
        "tatigkeitsfelder",
        "fields of action",
        "fields",
        "topics",
    ),
    "target_groups": _f("zielgruppe", "zielgruppen", "target group", "target groups"),
    "communities": _f(
        "community",
        "communities",
        "herkunft",
        "herkunftsland",
        "herkunftslander",
        "origin",
        "countries of origin",
    ),
    "languages": _f(
        "sprache", "sprachen", "gesprochene sprachen", "languages", "language", "spoken languages"
    ),
    "advice_languages": _f("beratungssprache", "beratungssprachen", "advice languages"),
    "cooperation_experience": _f("kooperationserfahrung", "cooperation experience"),
}


def headers_of(field: Field) -> tuple[str, ...]:
    return field.headers or _RELATION_HEADERS.get(field.name, ())


def suggest_columns(header: list[str]) -> dict[str, str]:
    """Column index (as text) -> field, from the header names; each field once
    (the first column that names it)."""
    suggested: dict[str, str] = {}
    taken: set[str] = set()
    for index, name in enumerate(header):
        key = header_key(name)
        for field in FIELDS:
            if field.name not in taken and key and key in headers_of(field):
                suggested[str(index)] = field.name
                taken.add(field.name)
                break
    return suggested
