"""A row's values as the profile takes them: cleaned and checked per field, the
vocabulary values looked up in the job's mapping. Read only."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models

from directory import analysis
from directory.models import Organisation, Term
from intake import fields as F

EXCEL_EPOCH = datetime.date(1899, 12, 30)  # Excel's day 0 (with its 1900 leap-year bug)
SPLIT = re.compile(r"[,;|\n]")
_PHONE = re.compile(r"^\+?[0-9 ()/\-]{4,40}$")


@dataclass
class Cleaned:
    fields: dict[str, Any] = field(default_factory=dict)  # Organisation attname -> value
    terms: dict[str, list[str]] = field(default_factory=dict)  # relation -> slugs
    errors: list[dict[str, str]] = field(default_factory=list)  # {"code", "field", "value"}
    notes: list[dict[str, str]] = field(default_factory=list)  # unknown values, ignored


def value_key(value: str) -> str:
    """A vocabulary value as compared and as the mapping's key."""
    return " ".join(analysis.plain(w) for w in analysis.words(value))


def split_terms(value: str) -> list[str]:
    return [v.strip() for v in SPLIT.split(value) if v.strip()]


def excel_date(serial: float) -> datetime.date:
    return EXCEL_EPOCH + datetime.timedelta(days=int(serial))


def parse_year(text: str) -> int | None:
    """A year from a year ("1998"), a date ("1998-05-01", "01.05.1998", a date
    cell) or an Excel serial date (35916: the cell lost its date format)."""
    text = text.strip()
    if re.fullmatch(r"\d{4}", text):
        return int(text)
    found = re.fullmatch(r"(\d{4})-\d{1,2}-\d{1,2}(?:[ T].*)?", text)
    if found:
        return int(found.group(1))
    found = re.fullmatch(r"\d{1,2}\.\d{1,2}\.(\d{4})", text)
    if found:
        return int(found.group(1))
    found = re.fullmatch(r"\d{1,2}/\d{1,2}/(\d{4})", text)
    if found:
        return int(found.group(1))
    if re.fullmatch(r"\d{4,6}(?:\.0+)?", text):
        serial = float(text)
        if 300 < serial < 80_000:  # 1900-10 to 2119
            return excel_date(serial).year
    return None


_url = URLValidator(schemes=["http", "https"])
_email = EmailValidator()


def _error(code: str, name: str, value: str) -> dict[str, str]:
    return {"code": code, "field": name, "value": value[:100]}


def _refused(attname: str, value: Any) -> str:
    """Why the profile's own field refuses the value ("" if it takes it): the
    database must never see a value it rejects (a name of 300 characters
    failed every batch of its import again and again)."""
    field = Organisation._meta.get_field(attname.removesuffix("_id"))
    if not isinstance(field, models.Field) or field.is_relation:
        return ""
    try:
        field.clean(value, None)
    except ValidationError as error:
        codes = {e.code for e in error.error_list}
        return "too_long" if "max_length" in codes else "invalid"
    return ""


def clean(
    values: list[str], mapping: dict[str, Any], vocabulary: dict[str, dict[str, Term]]
) -> Cleaned:
    """The row's values for the profile. ``vocabulary``: per term kind, the
    terms by slug."""
    out = Cleaned()
    this_year = datetime.date.today().year
    value_map: dict[str, dict[str, str]] = mapping.get("values", {})
    for index, name in mapping.get("columns", {}).items():
        position = int(index)
        raw = values[position].strip() if position < len(values) else ""
        spec = F.BY_NAME.get(name)
        if spec is None or not raw:
            continue
        if spec.kind in (F.TERM, F.TERMS):
            known = value_map.get(name, {})
            slugs: list[str] = []
            for part in split_terms(raw) if spec.kind == F.TERMS else [raw]:
                slug = known.get(value_key(part), "")
                term = vocabulary.get(spec.term_kind, {}).get(slug) if slug else None
                if term is None:
                    out.notes.append(_error("unknown", name, part))
                elif slug not in slugs:
                    slugs.append(slug)
            if spec.kind == F.TERM:
                if slugs:
                    out.fields[f"{name}_id"] = vocabulary[spec.term_kind][slugs[0]].pk
            elif slugs:
                out.terms[name] = slugs
            continue
        if spec.kind == F.TEXT:
            out.fields[name] = raw[: spec.max_length] if spec.max_length else raw
        elif spec.kind == F.EMAIL:
            try:
                _email(raw)
                out.fields[name] = raw
            except ValidationError:
                out.errors.append(_error("invalid", name, raw))
        elif spec.kind == F.URL:
            url = raw if "://" in raw else "https://" + raw
            try:
                _url(url)
                out.fields[name] = url[:200]
            except ValidationError:
                out.errors.append(_error("invalid", name, raw))
        elif spec.kind == F.POSTAL:
            digits = raw.replace(" ", "")
            if re.fullmatch(r"\d{4}", digits):  # a number cell lost the leading zero
                digits = "0" + digits
            if re.fullmatch(r"\d{5}", digits):
                out.fields[name] = digits
            else:
                out.errors.append(_error("invalid", name, raw))
        elif spec.kind == F.PHONE:
            if _PHONE.match(raw):
                out.fields[name] = raw
            else:
                out.errors.append(_error("invalid", name, raw))
        elif spec.kind == F.YEAR:
            year = parse_year(raw)
            if year is None or not 1900 <= year <= this_year:
                out.errors.append(_error("invalid", name, raw))
            else:
                out.fields[name] = year
        elif spec.kind == F.NUMBER:
            if re.fullmatch(r"\d{1,7}(?:\.0+)?", raw):
                out.fields[name] = int(float(raw))
            else:
                out.errors.append(_error("invalid", name, raw))
    for attname, value in list(out.fields.items()):
        code = _refused(attname, value)
        if code:
            del out.fields[attname]
            name = attname.removesuffix("_id")
            out.errors.append(_error(code, name, str(value)))
    if not out.fields.get("name", "").strip():
        out.errors.insert(0, {"code": "missing_name", "field": "name", "value": ""})
    return out


def organisation_from(cleaned: Cleaned) -> Organisation:
    """An unsaved profile with the row's fields (for the duplicate check)."""
    return Organisation(**cleaned.fields)
