"""The HSDS 3.0 API and dump: every response validates against the official schemas."""

import csv
import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from directory.models import Organisation
from directory.vocabulary import get_vocabulary
from opendata import hsds
from tests.factories import make_organisation
from tests.hsds_validation import SCHEMAS, errors, page_errors
from tests.pages import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _get(client, name, *args, **params):
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200, response.content[:300]
    return response.json()


def test_api_info_states_version_and_licence(client, world):
    data = _get(client, "hsds-info")
    assert data["version"] == "3.0"
    assert data["licence"]["name"].startswith("Creative Commons")


@pytest.mark.parametrize(
    ("name", "schema"),
    [
        ("hsds-organizations", "compiled/organization_list.json"),
        ("hsds-services", "compiled/service_list.json"),
        ("hsds-taxonomies", "taxonomy.json"),
        ("hsds-taxonomy-terms", "taxonomy_term.json"),
    ],
)
def test_every_list_endpoint_validates(client, world, name, schema):
    data = _get(client, name, per_page=200)
    assert data["contents"], name
    assert page_errors(data, schema) == []


def test_full_organizations_and_every_detail_endpoint_validate(client, world):
    full = _get(client, "hsds-organizations", full="true")
    assert page_errors(full, "compiled/organization.json") == []
    organization = _get(client, "hsds-organization", world.mo.uuid)
    assert errors(organization, "compiled/organization.json") == []
    assert organization["services"][0]["name"] == "Erstberatung"
    service_id = organization["services"][0]["id"]
    service = _get(client, "hsds-service", service_id)
    assert errors(service, "compiled/service.json") == []
    taxonomy = _get(client, "hsds-taxonomy", hsds.uid("taxonomy", "role"))
    assert errors(taxonomy, "taxonomy.json") == []
    term = get_vocabulary().get("role", "kooperationspartner")
    data = _get(client, "hsds-taxonomy-term", hsds.uid("term", term.pk))
    assert errors(data, "taxonomy_term.json") == [] and data["name"] == "Kooperationspartner"


def test_mapping(client, world):
    organization = _get(client, "hsds-organization", world.mo.uuid)
    assert organization["id"] == str(world.mo.uuid)
    assert organization["locations"][0]["addresses"][0]["city"] == "Schwerin"
    assert {a["taxonomy_term"]["name"] for a in organization["attributes"]} >= {
        "Kooperationspartner",
        "Russisch",
    }
    service = organization["services"][0]
    assert service["assured_date"] == world.mo.confirmed_at.isoformat()
    assert [language["code"] for language in service["languages"]] == ["ru"]
    assert service["service_at_locations"][0]["location_id"] == organization["locations"][0]["id"]


def test_ids_are_stable(client, world):
    first = _get(client, "hsds-organization", world.mo.uuid)
    world.mo.description = "Neu"
    from directory.services import organisation_save

    organisation_save(
        organisation=world.mo,
        by=None,
        offers=[
            {"title": "Erstberatung neu", "kind": "counselling", "summary": "", "languages": []}
        ],
    )
    second = _get(client, "hsds-organization", world.mo.uuid)
    assert first["id"] == second["id"]
    assert first["services"][0]["id"] == second["services"][0]["id"]  # edited in place
    assert first["locations"][0]["id"] == second["locations"][0]["id"]


def test_query_parameters(client, world):
    term = get_vocabulary().get("role", "projekttraeger")
    by_term = _get(client, "hsds-organizations", taxonomy_term_id=hsds.uid("term", term.pk))
    assert [o["name"] for o in by_term["contents"]] == ["Club Dialog e. V."]
    found = _get(client, "hsds-organizations", search="Kontakt")
    assert "Kontakt e. V." in [o["name"] for o in found["contents"]]
    services = _get(client, "hsds-services", organization_id=str(world.mo.uuid))
    assert [s["name"] for s in services["contents"]] == ["Erstberatung"]
    Organisation.objects.exclude(pk=world.mo.pk).update(
        updated_at=timezone.now() - timedelta(days=30)
    )
    recent = _get(
        client,
        "hsds-organizations",
        modified_after=(timezone.now() - timedelta(days=1)).isoformat(),
    )
    assert [o["name"] for o in recent["contents"]] == ["Kontakt e. V."]
    paged = _get(client, "hsds-organizations", per_page=2, page=2)
    assert paged["page_number"] == 2 and paged["size"] == 2 and not paged["first_page"]
    empty = _get(client, "hsds-organizations", page=99)
    assert empty["empty"] and empty["contents"] == []


@pytest.mark.parametrize(
    "params",
    [{"page": "x"}, {"per_page": "0"}, {"modified_after": "gestern"}, {"organization_id": "nope"}],
)
def test_bad_parameters_are_400(client, world, params):
    name = "hsds-services" if "organization_id" in params else "hsds-organizations"
    assert client.get(reverse(name), params).status_code == 400


def test_the_dump_validates(world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    make_organisation('=HYPERLINK("http://evil.example","Klick")', city="-Berlin")
    call_command("export_open_data", verbosity=0)
    data = json.loads((tmp_path / "opendata" / "hsds.json").read_text(encoding="utf-8"))
    assert data["licence"]["url"]
    assert len(data["organizations"]) == Organisation.objects.published().count()
    for organization in data["organizations"]:
        assert errors(organization, "compiled/organization.json") == []
    for term in data["taxonomy_terms"][:50]:
        assert errors(term, "taxonomy_term.json") == []

    tables = _read_tabular(tmp_path / "opendata" / "hsds-tabular.zip")
    assert errors(tables, "compiled/tabular.json") == []
    assert len(tables["organization"]) == Organisation.objects.published().count()
    assert tables["service"] and tables["address"] and tables["taxonomy_term"]
    # Machine-readable: the values as the API gives them, no spreadsheet escaping
    # (the spreadsheet downloads neutralise formulas: tests/opendata/test_downloads.py).
    cells = [v for rows in tables.values() for row in rows for v in row.values()]
    assert '=HYPERLINK("http://evil.example","Klick")' in cells
    assert not [v for v in cells if isinstance(v, str) and v.startswith("'")]


def _read_tabular(path) -> dict:
    schema = json.loads((SCHEMAS / "compiled" / "tabular.json").read_text(encoding="utf-8"))
    tables = {}
    with zipfile.ZipFile(path) as archive:
        package = json.loads(archive.read("datapackage.json"))
        assert package["licenses"][0]["path"]
        for resource in package["resources"]:
            properties = schema["properties"][resource["name"]]["items"]["properties"]
            rows = []
            for row in csv.DictReader(io.StringIO(archive.read(resource["path"]).decode("utf-8"))):
                clean = {}
                for key, value in row.items():
                    kind = properties[key].get("type")
                    if value == "" and (kind != "string" or "format" in properties[key]):
                        continue  # an empty cell: no value
                    clean[key] = float(value) if kind == "number" else value
                rows.append(clean)
            tables[resource["name"]] = rows
    return tables
