"""The full open-data dump: HSDS JSON and the HSDS tabular data package (CSV),
written by ``manage.py export_open_data`` (run it daily)."""

import contextlib
import csv
import json
import os
import tempfile
import zipfile
from typing import Any

from core.csvexport import safe_cell
from directory.models import Offer, Term
from directory.vocabulary import get_vocabulary, terms_by_organisation
from opendata import hsds
from opendata.licence import licence
from opendata.queries import published

BATCH = 500

TABLES = {
    "organization": [
        "id",
        "name",
        "alternate_name",
        "description",
        "email",
        "website",
        "year_incorporated",
        "legal_status",
        "uri",
    ],
    "service": [
        "id",
        "organization_id",
        "name",
        "description",
        "url",
        "email",
        "status",
        "assured_date",
        "last_modified",
    ],
    "location": ["id", "location_type", "organization_id", "name"],
    "address": [
        "id",
        "location_id",
        "address_1",
        "city",
        "state_province",
        "postal_code",
        "country",
        "address_type",
    ],
    "phone": ["id", "organization_id", "service_id", "number", "type"],
    "service_at_location": ["id", "service_id", "location_id"],
    "language": ["id", "service_id", "name", "code"],
    "taxonomy": ["id", "name", "description", "uri", "version"],
    "taxonomy_term": [
        "id",
        "code",
        "name",
        "description",
        "taxonomy",
        "taxonomy_id",
        "language",
        "term_uri",
    ],
    "attribute": ["id", "link_id", "taxonomy_term_id", "link_type", "link_entity"],
}


def organisations_full():
    """HSDS organizations with their services, in batches."""
    last = 0
    while True:
        batch = list(published().filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            return
        terms = terms_by_organisation([o.pk for o in batch])
        offers: dict[int, list[Offer]] = {}
        for offer in Offer.objects.filter(organisation__in=batch).prefetch_related("languages"):
            offers.setdefault(offer.organisation_id, []).append(offer)
        for organisation in batch:
            yield hsds.organization(
                organisation, terms[organisation.pk], offers.get(organisation.pk, []), full=True
            )
        last = batch[-1].pk


def write_json(handle) -> int:
    vocab = get_vocabulary()
    handle.write('{"licence": ' + json.dumps(licence(), ensure_ascii=False))
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
    ],
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


def _path(table: str) -> str:
    return "addresses.csv" if table == "address" else f"{table}s.csv"


def write_tabular(handle) -> None:
    """A zip: datapackage.json and one CSV per HSDS table (written through
    temporary files, so memory stays small for any number of MOs)."""
    with tempfile.TemporaryDirectory() as folder, contextlib.ExitStack() as stack:
        writers = {}
        for table, columns in TABLES.items():
            file = stack.enter_context(
                open(os.path.join(folder, _path(table)), "w", newline="", encoding="utf-8")
            )
            writers[table] = csv.DictWriter(file, fieldnames=columns, extrasaction="ignore")
            writers[table].writeheader()
        for table, row in _tables_rows():
            # Spreadsheets open these files too: no cell may start a formula.
            writers[table].writerow(
                {
                    k: safe_cell(v) if isinstance(v, str) else v
                    for k, v in row.items()
                    if not isinstance(v, list | dict)
                }
            )
        stack.close()
        _zip(handle, folder)


def _zip(handle, folder) -> None:
    package: dict[str, Any] = {
        "name": "mo-portal-hsds",
        "title": "MO-Portal: Migrantenorganisationen in Deutschland (HSDS 3.0)",
        "profile": "tabular-data-package",
        "licenses": [{"name": licence()["name"], "path": licence()["url"]}],
        "resources": [
            {"name": table, "path": _path(table), "format": "csv", "mediatype": "text/csv"}
            for table in TABLES
        ],
    }
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", json.dumps(package, ensure_ascii=False, indent=2))
        for resource in package["resources"]:
            archive.write(os.path.join(folder, resource["path"]), resource["path"])
