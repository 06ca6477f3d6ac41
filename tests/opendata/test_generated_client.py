"""A client generated from /api/schema/ by openapi-python-client, as a data
consumer would make one, filters by every documented parameter of the
organisation list and finds what the API itself answers for the same query."""

import importlib
import inspect
import json
import subprocess
import sys
import typing
from enum import Enum

import httpx
import pytest
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

from directory.relations import RELATIONS
from tests.factories import make_organisation
from tests.pages import build_world

pytestmark = pytest.mark.django_db
ORGS = "/api/organisations/"
PACKAGE = "moportal_client"

# One profile carrying a term of every vocabulary relation nobody else carries.
OWN_TERMS = {
    "roles": ["expertengremium-fachthemen"],
    "resources": ["kultursensible-beratung"],
    "fields": ["antidiskriminierung"],
    "target_groups": ["auszubildende"],
    "communities": ["herkunftsuebergreifend"],
    "languages": ["tr"],
    "advice_languages": ["tr"],
    "cooperation_experience": ["arbeitgeber"],
}
# Parameters that are not a vocabulary relation: a value that narrows the list.
OTHER_VALUES = {
    "q": "Vielfalt",
    "place": "80",
    "near": "Schwerin",
    "radius": "10",  # together with near
    "area": "national",
    "paid_staff": "ja",
    "rooms": "ja",
    "open": "nein",
    "verified": "ja",
}


def _keep_connection():
    """The test's database connection across the WSGI requests of the generated
    client, as Django's test client does for its own; that client connects the
    signals again after each of its requests, so this comes before each call."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)


@pytest.fixture
def connections_stay_open():
    _keep_connection()
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def generated(client, tmp_path, monkeypatch):
    """The package openapi-python-client generates from the served schema."""
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(client.get("/api/schema/", {"format": "json"}).json()))
    config = tmp_path / "config.yaml"
    config.write_text("post_hooks: []\n")  # no formatter run on the generated code
    command = [
        *(sys.executable, "-m", "openapi_python_client", "generate"),
        *("--path", str(schema), "--meta", "none", "--config", str(config)),
        *("--output-path", str(tmp_path / PACKAGE)),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout, result.stdout  # nothing of the schema skipped
    monkeypatch.syspath_prepend(str(tmp_path))
    yield importlib.import_module(PACKAGE)
    for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
        del sys.modules[name]


def _argument(function, name: str, value: str | list[str]):
    """``value`` as the generated function takes it (an enum member where the
    schema has an enum), under its Python name (``open`` is ``open_``)."""
    parameters = inspect.signature(function).parameters
    python_name = name if name in parameters else f"{name}_"
    hint = typing.get_type_hints(function)[python_name]
    kinds = [a for a in typing.get_args(hint) if a is not type(None)]
    kind = kinds[0]
    if typing.get_origin(kind) is list:
        item = typing.get_args(kind)[0]
        values = value if isinstance(value, list) else [value]
        return python_name, [item(v) if issubclass(item, Enum) else v for v in values]
    if isinstance(kind, type) and issubclass(kind, Enum):
        return python_name, kind(value)
    return python_name, kind(value)


def test_a_generated_client_filters_by_every_documented_parameter(
    client, generated, connections_stay_open
):
    build_world()
    make_organisation(
        "Vielfalt e. V.",
        slug="vielfalt",
        city="München",
        postal_code="80331",
        state="bayern",
        area="national",
        has_rooms=True,
        open_for_cooperation=False,
        paid_staff=3,
        **OWN_TERMS,
    )
    listing = importlib.import_module(f"{PACKAGE}.api.organisations.organisations_list")
    api = generated.Client(base_url="http://testserver")
    api.set_httpx_client(
        httpx.Client(
            base_url="http://testserver", transport=httpx.WSGITransport(get_wsgi_application())
        )
    )
    everything = client.get(ORGS, {"page_size": 100}).json()["count"]
    values = (
        {relation.param: OWN_TERMS[relation.field] for relation in RELATIONS if relation.many}
        | {"state": "bayern"}
        | OTHER_VALUES
    )
    schema = client.get("/api/schema/", {"format": "json"}).json()
    documented = {p["name"] for p in schema["paths"][ORGS]["get"]["parameters"]}
    assert documented - {"page", "page_size"} == set(values)

    for name, value in values.items():
        query = {name: value, "page_size": 100}
        if name == "radius":
            query["near"] = OTHER_VALUES["near"]
        expected = client.get(ORGS, query).json()
        assert 0 < expected["count"] < everything, name  # the value narrows the list
        arguments = dict(_argument(listing.sync, key, v) for key, v in query.items())
        _keep_connection()
        page = listing.sync(client=api, **arguments)
        assert isinstance(page, generated.models.PaginatedOrganisationList), (name, page)
        assert [o.slug for o in page.results] == [o["slug"] for o in expected["results"]], name

    # Paging, by its two parameters.
    _keep_connection()
    second = listing.sync(client=api, page=2, page_size=2)
    assert second.count == everything and len(second.results) == 2
    expected = client.get(ORGS, {"page": 2, "page_size": 2}).json()["results"]
    assert [o.slug for o in second.results] == [o["slug"] for o in expected]

    # A value the API does not know comes back as the documented error model.
    _keep_connection()
    refused = listing.sync_detailed(client=api, near="Atlantis")
    assert refused.status_code == 400
    assert list(refused.parsed.errors.additional_properties) == ["near"]
