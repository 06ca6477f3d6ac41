"""The HSDS tabular data package as open-data portals check it: Frictionless
validates it with the official table schemas and file names; every id is
unique; machine-readable cells carry their values unchanged."""

import csv
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from frictionless import Package, system

from directory.models import Organisation
from opendata.dump import FILLED, OFFICIAL, dump_path
from tests.factories import make_organisation
from tests.pages import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def package(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    # What made the package invalid before: a language both spoken and used for
    # advice, a profile whose street is not public, terms whose slugs repeat
    # across kinds (field "frauen", target group "frauen"), a phone and a
    # formula-like name.
    make_organisation(
        "=Vielfalt e. V.",
        slug="vielfalt",
        postal_code="01067",
        city="Dresden",
        languages=["ar", "de"],
        advice_languages=["ar"],
        fields=["frauen"],
        target_groups=["frauen"],
        street="Hinterhof 2",
        street_visibility="hidden",
        phone="+49 351 123456",
        phone_visibility="public",
    )
    call_command("export_open_data", verbosity=0)
    folder = tmp_path / "package"
    with zipfile.ZipFile(dump_path("hsds-tabular.zip")) as archive:
        archive.extractall(folder)
    return world, folder


def _rows(folder, table):
    path = folder / OFFICIAL[table]["items"]["path"]
    return list(csv.DictReader(io.StringIO(path.read_text("utf-8"))))


def test_frictionless_validates_the_package(package):
    _world, folder = package
    with system.use_context(trusted=True):
        report = Package(str(folder / "datapackage.json")).validate()
    problems = [
        f"{task.name}: {error.type}: {error.message}"
        for task in report.tasks
        for error in task.errors
    ] + [f"package: {error.message}" for error in report.errors]
    assert report.valid, "\n".join(problems[:30])
    assert report.stats["tasks"] == len(FILLED)


def test_official_file_names_and_columns(package):
    _world, folder = package
    described = json.loads((folder / "datapackage.json").read_text("utf-8"))
    names = {resource["name"]: resource["path"] for resource in described["resources"]}
    assert names["taxonomy"] == "taxonomies.csv"
    assert names["service_at_location"] == "service_at_location.csv"
    assert names["metadata"] == "metadata.csv"
    for resource in described["resources"]:
        header = (folder / resource["path"]).read_text("utf-8").splitlines()[0]
        official = [
            name
            for name, spec in OFFICIAL[resource["name"]]["items"]["properties"].items()
            if spec.get("type") not in ("array", "object")
        ]
        assert header.split(",") == official, resource["name"]


def test_every_id_is_unique_and_a_second_use_of_a_term_stays_distinct(package):
    _world, folder = package
    for table in FILLED:
        ids = [row["id"] for row in _rows(folder, table)]
        assert len(ids) == len(set(ids)), table
    vielfalt = str(Organisation.objects.get(slug="vielfalt").uuid)
    arabic = [
        row["link_type"]
        for row in _rows(folder, "attribute")
        if row["link_id"] == vielfalt
        and row["taxonomy_term_id"]
        and row["link_entity"] == "organization"
    ]
    assert arabic.count("language") == 2 and arabic.count("advice_language") == 1  # ar, de; ar
    codes = [row["code"] for row in _rows(folder, "taxonomy_term")]
    assert len(codes) == len(set(codes)) and {"field:frauen", "target_group:frauen"} <= set(codes)


def test_addresses_are_complete_and_cells_unescaped(package):
    _world, folder = package
    assert all(row["address_1"] for row in _rows(folder, "address"))
    vielfalt = Organisation.objects.get(slug="vielfalt")
    (location,) = [
        row for row in _rows(folder, "location") if row["organization_id"] == str(vielfalt.uuid)
    ]
    assert location["description"] == "01067 Dresden"  # the place without the hidden street
    assert not [r for r in _rows(folder, "address") if r["location_id"] == location["id"]]
    assert "Hinterhof" not in "".join(p.read_text("utf-8") for p in folder.glob("*.csv"))
    organisations = {row["id"]: row for row in _rows(folder, "organization")}
    assert organisations[str(vielfalt.uuid)]["name"] == "=Vielfalt e. V."  # as in the API
    assert "+49 351 123456" in [row["number"] for row in _rows(folder, "phone")]
