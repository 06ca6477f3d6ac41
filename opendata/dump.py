"""The full open-data dump: HSDS JSON and the HSDS tabular data package (CSV),
written by ``manage.py export_open_data`` (a worker with ``--loop``, which
writes them again soon after public data changed).

Each file carries its *stamp*: when it was generated and the version of the
public data it was made from (directory.models.PublicDataVersion, read before
any data). The JSON begins with them, the zip has them in its comment (and the
time as ``created`` in datapackage.json). The download serves a file only while
no change that may have withdrawn data came after its version: an e-mail hidden
or a profile archived is never served from an older dump (issue 14, finding 6).
"""

import contextlib
import csv
import datetime
import json
import os
import re
import shutil
import tempfile
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils import timezone

from directory import identity
from directory.models import Offer, PublicDataVersion, Term
from directory.vocabulary import get_vocabulary, terms_by_organisation
from opendata import hsds
from opendata.licence import licence
from opendata.queries import published

BATCH = 500
FILES = ("hsds.json", "hsds-tabular.zip")
# The layout of the files: a dump of another layout (an older release's) is
# stale whatever its data version, so the worker writes it again at once and
# it is never served meanwhile. 2: official file names and table schemas,
# basic/unique ids and codes, no spreadsheet escaping (issue 23).
FORMAT = 2


@dataclass(frozen=True)
class Stamp:
    version: int
    generated_at: datetime.datetime
    format: int = FORMAT

    def text(self) -> str:
        return (
            f"generated_at={self.generated_at.isoformat()} version={self.version} "
            f"format={self.format}"
        )


def stamp_now() -> Stamp:
    """The stamp of a dump made from now on: the version is read before any data."""
    return Stamp(PublicDataVersion.current().number, timezone.now())


# Files written before the layout had a number carry none: layout 1.
_JSON_STAMP = re.compile(rb'^\{"generated_at": "([^"]+)", "version": (\d+),(?: "format": (\d+),)?')
_TEXT_STAMP = re.compile(r"^generated_at=(\S+) version=(\d+)(?: format=(\d+))?$")


def _parsed(generated_at: str, version: str | bytes, layout: str | bytes | None) -> Stamp | None:
    try:
        moment = datetime.datetime.fromisoformat(generated_at)
    except ValueError:
        return None
    return Stamp(int(version), moment, int(layout or 1)) if moment.tzinfo else None


def read_stamp(handle: IO[bytes], name: str) -> Stamp | None:
    """The stamp of an open dump file (None for a file without one); the
    handle is left at its start."""
    try:
        if name.endswith(".json"):
            match = _JSON_STAMP.match(handle.read(200))
            return _parsed(match[1].decode(), match[2], match[3]) if match else None
        with zipfile.ZipFile(handle) as archive:
            found = _TEXT_STAMP.match(archive.comment.decode("utf-8", "replace"))
        return _parsed(found[1], found[2], found[3]) if found else None
    except (zipfile.BadZipFile, OSError):
        return None
    finally:
        handle.seek(0)


def dump_path(name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / "opendata" / name


def stored_stamp(name: str) -> Stamp | None:
    try:
        with dump_path(name).open("rb") as handle:
            return read_stamp(handle, name)
    except FileNotFoundError:
        return None


def is_stale() -> bool:
    """Whether a dump file is missing or older than the public data."""
    current = PublicDataVersion.current().number
    stamps = [stored_stamp(name) for name in FILES]
    return any(
        stamp is None or stamp.version < current or stamp.format != FORMAT for stamp in stamps
    )


def export() -> Stamp:
    """Write both files (through temporary files: readers never see half a
    file). A slower export that began earlier never replaces a newer file;
    whatever it would lack is caught by the version in its stamp anyway."""
    stamp = stamp_now()
    folder = dump_path(FILES[0]).parent
    folder.mkdir(parents=True, exist_ok=True)
    for name, write in ((FILES[0], write_json), (FILES[1], write_tabular)):
        temporary = folder / f".{name}.{uuid.uuid4().hex}.tmp"
        try:
            if name.endswith(".json"):
                with temporary.open("w", encoding="utf-8") as text:
                    write(text, stamp)
            else:
                with temporary.open("wb") as binary:
                    write(binary, stamp)
            stored = stored_stamp(name)
            if stored is None or stored.version <= stamp.version or stored.format != FORMAT:
                os.replace(temporary, folder / name)
        finally:
            temporary.unlink(missing_ok=True)
    return stamp


# The official HSDS 3.0 tables (opendata/schemas/README.md): for each table the
# portal fills, its file name, columns and a Frictionless Table Schema.
OFFICIAL = json.loads(
    (
        Path(__file__).resolve().parent / "schemas" / "hsds-3.0" / "compiled" / "tabular.json"
    ).read_text("utf-8")
)["properties"]
FILLED = (
    "organization",
    "service",
    "location",
    "address",
    "phone",
    "service_at_location",
    "language",
    "taxonomy",
    "taxonomy_term",
    "attribute",
    "organization_identifier",
    "metadata",
)
_FIELD_TYPES: dict[tuple[str, str | None], str] = {
    ("string", "date"): "date",
    ("string", "date-time"): "datetime",
}
_STRING_FORMATS = ("uuid", "uri", "email")


def _field(name: str, spec: dict, required: bool) -> dict:
    """A Table Schema field from an HSDS property."""
    kind, form = spec.get("type", "string"), spec.get("format")
    field: dict[str, Any] = {"name": name, "type": _FIELD_TYPES.get((kind, form), kind)}
    if kind == "string" and form in _STRING_FORMATS:
        field["format"] = form
    constraints = {}
    if required:
        constraints["required"] = True
    if (spec.get("constraints") or {}).get("unique"):
        constraints["unique"] = True
    if constraints:
        field["constraints"] = constraints
    if spec.get("description"):
        field["description"] = spec["description"]
    return field


def table_schema(table: str) -> dict:
    items = OFFICIAL[table]["items"]
    required = set(items.get("required", ()))
    fields = [
        _field(name, spec, name in required)
        for name, spec in items["properties"].items()
        if spec.get("type") not in ("array", "object")
    ]
    schema: dict[str, Any] = {"fields": fields, "primaryKey": ["id"]}
    if table == "metadata":
        # Its values are all required: an empty cell is an empty text (the
        # previous_value of a first entry), not a missing value.
        schema["missingValues"] = []
    return schema


TABLES = {table: [f["name"] for f in table_schema(table)["fields"]] for table in FILLED}


def table_path(table: str) -> str:
    """The official file name (taxonomies.csv, service_at_location.csv, ...)."""
    return OFFICIAL[table]["items"]["path"]


def organisations_full():
    """HSDS organizations with their services, in batches."""
    last = 0
    while True:
        batch = list(published().filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            return
        terms = terms_by_organisation([o.pk for o in batch])
        identity.attach(batch)
        offers: dict[int, list[Offer]] = {}
        for offer in Offer.objects.filter(organisation__in=batch).prefetch_related("languages"):
            offers.setdefault(offer.organisation_id, []).append(offer)
        for organisation in batch:
            yield hsds.organization(
                organisation, terms[organisation.pk], offers.get(organisation.pk, []), full=True
            )
        last = batch[-1].pk


def write_json(handle, stamp: Stamp | None = None) -> int:
    stamp = stamp or stamp_now()
    vocab = get_vocabulary()
    handle.write(
        json.dumps(
            {
                "generated_at": stamp.generated_at.isoformat(),
                "version": stamp.version,
                "format": stamp.format,
            }
        )[:-1]
    )
    handle.write(', "licence": ' + json.dumps(licence(), ensure_ascii=False))
    handle.write(
        ', "taxonomies": '
        + json.dumps([hsds.taxonomy(k) for k in Term.Kind.values], ensure_ascii=False)
    )
    handle.write(
        ', "taxonomy_terms": '
        + json.dumps([hsds.taxonomy_term(t) for t in vocab.by_id.values()], ensure_ascii=False)
    )
    handle.write(', "organizations": [')
    count = 0
    for organisation in organisations_full():
        handle.write(("," if count else "") + json.dumps(organisation, ensure_ascii=False))
        count += 1
    handle.write("]}")
    return count


# The rows nested in each HSDS object: (key in the object, table of its rows).
NESTED = {
    "organization": [
        ("phones", "phone"),
        ("attributes", "attribute"),
        ("locations", "location"),
        ("services", "service"),
        ("organization_identifiers", "organization_identifier"),
    ],
    "organization_identifier": [("metadata", "metadata")],
    "location": [("addresses", "address")],
    "service": [
        ("phones", "phone"),
        ("languages", "language"),
        ("attributes", "attribute"),
        ("service_at_locations", "service_at_location"),
    ],
}


def _with_nested(table: str, row: dict):
    """(table, row) for an HSDS object, then for each object nested in it."""
    yield table, row
    for key, nested_table in NESTED.get(table, ()):
        for nested in row[key]:
            yield from _with_nested(nested_table, nested)


def _tables_rows():
    """(table, row) for every row of the tabular package."""
    vocab = get_vocabulary()
    for kind in Term.Kind.values:
        yield "taxonomy", hsds.taxonomy(kind)
    for term in vocab.by_id.values():
        yield "taxonomy_term", hsds.taxonomy_term(term)
    for organisation in organisations_full():
        yield from _with_nested("organization", organisation)


def write_tabular(handle, stamp: Stamp | None = None) -> None:
    """A zip: datapackage.json and one CSV per HSDS table (written through
    temporary files, so memory stays small for any number of MOs)."""
    stamp = stamp or stamp_now()
    with tempfile.TemporaryDirectory() as folder, contextlib.ExitStack() as stack:
        writers = {}
        for table, columns in TABLES.items():
            file = stack.enter_context(
                open(os.path.join(folder, table_path(table)), "w", newline="", encoding="utf-8")
            )
            writers[table] = csv.DictWriter(file, fieldnames=columns, extrasaction="ignore")
            writers[table].writeheader()
        for table, row in _tables_rows():
            # Machine-readable: the values as they are, the same as in the API
            # (the spreadsheet downloads neutralise formulas, opendata.downloads).
            writers[table].writerow(
                {k: v for k, v in row.items() if not isinstance(v, list | dict)}
            )
        stack.close()
        _zip(handle, folder, stamp)


def _zip(handle, folder, stamp: Stamp) -> None:
    package: dict[str, Any] = {
        "name": "mo-portal-hsds",
        "title": "MO-Portal: Migrantenorganisationen in Deutschland (HSDS 3.0)",
        "created": stamp.generated_at.isoformat(),
        "description": "Machine-readable: every value as published, not escaped for "
        "spreadsheets (a cell may begin with =, +, - or @; do not open the files in a "
        "spreadsheet that runs formulas). For spreadsheets: /organisationen/export.xlsx.",
        "profile": "tabular-data-package",
        "licenses": [{"name": licence()["name"], "path": licence()["url"]}],
        "resources": [
            {
                "name": table,
                "path": table_path(table),
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": table_schema(table),
            }
            for table in TABLES
        ],
    }
    # The entries' times: when the dump was generated (in UTC, as zip has no zone).
    moment = stamp.generated_at.astimezone(datetime.UTC).timetuple()[:6]
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.comment = stamp.text().encode()
        entry = zipfile.ZipInfo("datapackage.json", date_time=moment)
        entry.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(entry, json.dumps(package, ensure_ascii=False, indent=2))
        for resource in package["resources"]:
            entry = zipfile.ZipInfo(resource["path"], date_time=moment)
            entry.compress_type = zipfile.ZIP_DEFLATED
            with (
                open(os.path.join(folder, resource["path"]), "rb") as source,
                archive.open(entry, "w") as target,
            ):
                shutil.copyfileobj(source, target, 1024 * 1024)
