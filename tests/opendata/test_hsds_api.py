"""Every endpoint and query parameter of the official HSDS 3.0 API reference
(tests/hsds-3.0/openapi.json), exercised and validated against the official
schemas: basic list representations, full ones on request, ndjson, the
service_at_locations the reference lists, filters that filter."""

import json

import pytest
from django.urls import reverse

from directory.models import Offer
from directory.vocabulary import get_vocabulary
from opendata import hsds
from tests.factories import make_organisation
from tests.hsds_validation import SCHEMAS, errors, page_errors
from tests.pages import build_world

pytestmark = pytest.mark.django_db
HSDS = "/api/hsds"
REFERENCE = json.loads((SCHEMAS / "openapi.json").read_text("utf-8"))


@pytest.fixture
def world():
    world = build_world()
    make_organisation(
        "Vielfalt e. V.",
        slug="vielfalt",
        postal_code="19055",
        city="Schwerin",
        offers=[{"title": "Bewerbungstraining", "kind": "counselling", "summary": "Dienstags"}],
    )
    return world


def _get(client, path, **params):
    response = client.get(HSDS + path, params)
    assert response.status_code == 200, (path, params, response.content[:300])
    return response


def _ids(data):
    return [item["id"] for item in data["contents"]]


def _parameters(path):
    operation = REFERENCE["paths"][path]["get"]
    names = []
    for parameter in operation.get("parameters", []):
        if "$ref" in parameter:
            parameter = REFERENCE["components"]["parameters"][parameter["$ref"].split("/")[-1]]
        if parameter["in"] == "query":
            names.append(parameter["name"])
    return names


LIST_SCHEMAS = {
    "/organizations": ("compiled/organization_list.json", "compiled/organization.json"),
    "/services": ("compiled/service_list.json", "compiled/service.json"),
    "/service_at_locations": (
        "compiled/service_at_location_list.json",
        "compiled/service_at_location.json",
    ),
    "/taxonomies": ("taxonomy.json", "taxonomy.json"),
    "/taxonomy_terms": ("taxonomy_term.json", "taxonomy_term.json"),
}
DETAIL_SCHEMAS = {
    "/organizations/{id}": "compiled/organization.json",
    "/services/{id}": "compiled/service.json",
    "/service_at_locations/{id}": "compiled/service_at_location.json",
    "/taxonomies/{id}": "taxonomy.json",
    "/taxonomy_terms/{id}": "taxonomy_term.json",
}


def test_every_endpoint_of_the_reference_is_served_and_validates(client, world):
    assert set(REFERENCE["paths"]) == {"/", *LIST_SCHEMAS, *DETAIL_SCHEMAS}
    for path, (basic, full) in LIST_SCHEMAS.items():
        data = _get(client, path, per_page=200).json()
        assert data["contents"] and page_errors(data, basic) == [], path
        if "full" in _parameters(path):
            assert page_errors(_get(client, path, full="true").json(), full) == [], path
        detail = f"{path}/{{id}}"
        item = _get(client, f"{path}/{data['contents'][0]['id']}").json()
        assert errors(item, DETAIL_SCHEMAS[detail]) == [], detail
    assert _get(client, "/").json()["version"] == "3.0"


def test_lists_are_basic_unless_full_is_asked_for(client, world):
    basic = _get(client, "/organizations").json()["contents"]
    assert all(set(o) <= set(hsds.ORGANIZATION_BASIC) for o in basic)
    full = _get(client, "/organizations", full="true").json()["contents"]
    assert all({"locations", "services", "attributes"} <= set(o) for o in full)
    assert len(json.dumps(basic)) * 3 < len(json.dumps(full))
    with_services = _get(client, "/organizations", full_service="true").json()["contents"]
    assert with_services == full
    services = _get(client, "/services").json()["contents"]
    assert all(set(s) <= set(hsds.SERVICE_BASIC) for s in services)
    assert all("languages" in s for s in _get(client, "/services", full="true").json()["contents"])
    minimal = _get(client, "/services", minimal="true").json()["contents"]
    assert minimal and all(set(s) == {"id", "name", "status", "last_modified"} for s in minimal)
    places = _get(client, "/service_at_locations").json()["contents"]
    assert all(set(p) == {"id", "service_id", "location_id"} for p in places)
    full_places = _get(client, "/service_at_locations", full="true").json()["contents"]
    assert all(p["location"]["id"] == p["location_id"] for p in full_places)
    assert all(p["service"]["id"] == p["service_id"] for p in full_places)


def test_every_parameter_of_the_reference_filters_or_shapes_the_answer(client, world):
    """Each query parameter the reference names, on each list it is named for."""
    vocab = get_vocabulary()
    role = vocab.get("role", "projekttraeger")
    roles = hsds.uid("taxonomy", "role")
    offers = Offer.objects.filter(organisation__slug="vielfalt")
    vielfalt = offers.get().organisation
    exercised = set()

    def names(path, **params):
        exercised.update((path, name) for name in params)
        return {item.get("name") for item in _get(client, path, **params).json()["contents"]}

    # Organizations
    assert names("/organizations", search="Vielfalt") == {"Vielfalt e. V."}
    assert names("/organizations", taxonomy_term_id=hsds.uid("term", role.pk)) == {
        "Club Dialog e. V."
    }
    # Services and service_at_locations share the filters.
    for path in ("/services", "/service_at_locations"):
        by_organisation = _get(client, path, organization_id=str(vielfalt.uuid)).json()
        exercised.add((path, "organization_id"))
        assert _ids(by_organisation) == [
            str(offers.get().uuid)
            if path == "/services"
            else hsds.uid("service_at_location", offers.get().uuid)
        ]
        assert _get(client, path, search="Bewerbungstraining").json()["total_items"] == 1
        exercised.add((path, "search"))
        by_role = _get(client, path, taxonomy_term_id=hsds.uid("term", role.pk)).json()
        assert by_role["total_items"] == 0  # Club Dialog has no offer
        exercised.add((path, "taxonomy_term_id"))
        everything = _get(client, path).json()["total_items"]
        with_roles = _get(client, path, taxonomy_id=roles).json()["total_items"]
        without = _get(client, path, taxonomy_id=hsds.uid("taxonomy", "need")).json()
        assert 0 < with_roles < everything and without["total_items"] == 0
        exercised.add((path, "taxonomy_id"))
        later = _get(client, path, modified_after="2999-01-01").json()
        assert later["total_items"] == 0
        exercised.add((path, "modified_after"))
    # Near a postcode: the same postcode, or within a distance of its centre.
    assert _get(client, "/service_at_locations", postcode="19055").json()["total_items"] == 1
    near = _get(client, "/service_at_locations", postcode="19055", proximity="10000").json()
    assert near["total_items"] == 2  # Kontakt e. V. (19053) is 2 km away
    far = _get(client, "/service_at_locations", postcode="06108", proximity="5000").json()
    assert far["total_items"] == 0
    exercised |= {("/service_at_locations", "postcode"), ("/service_at_locations", "proximity")}
    # Taxonomies and terms
    assert names("/taxonomies", search="Rollen") == {
        "MO-Portal: Rollen von Migrantenorganisationen"
    }
    assert names("/taxonomy_terms", search="Projektträger") == {role.label_de}
    assert len(names("/taxonomy_terms", taxonomy_id=roles)) == len(vocab.kind("role"))
    total = _get(client, "/taxonomy_terms").json()["total_items"]
    assert _get(client, "/taxonomy_terms", top_only="true").json()["total_items"] == total
    assert names("/taxonomy_terms", parent_id=hsds.uid("term", role.pk)) == set()  # flat
    exercised |= {("/taxonomy_terms", "top_only"), ("/taxonomy_terms", "parent_id")}
    # Shapes and paging, exercised above and in the other tests of this file.
    for path in LIST_SCHEMAS:
        exercised |= {(path, "page"), (path, "per_page"), (path, "format")}
        exercised |= {(path, name) for name in ("full", "full_service", "minimal")}
    reference = {(path, name) for path in LIST_SCHEMAS for name in _parameters(path)}
    assert reference - exercised == set()


def test_ndjson_streams_every_item_without_paging(client, world):
    for path, (basic, _full) in LIST_SCHEMAS.items():
        response = _get(client, path, format="ndjson", per_page=1)
        assert response["Content-Type"] == "application/x-ndjson"
        lines = b"".join(response.streaming_content).decode().splitlines()
        items = [json.loads(line) for line in lines]
        assert len(items) == _get(client, path).json()["total_items"] > 1, path
        assert all(errors(item, basic) == [] for item in items), path
    full = b"".join(_get(client, "/organizations", format="ndjson", full="true").streaming_content)
    assert all("services" in json.loads(line) for line in full.decode().splitlines())


@pytest.mark.parametrize(
    "query",
    [
        "/organizations?full=vielleicht",
        "/services?minimal=2",
        "/organizations?format=xml",
        "/service_at_locations?proximity=1000",
        "/service_at_locations?postcode=1905",
        "/service_at_locations?postcode=19055&proximity=-1",
        "/service_at_locations?postcode=99999&proximity=1000",
        "/taxonomy_terms?parent_id=nope",
        "/taxonomy_terms?top_only=ja",
    ],
)
def test_malformed_values_are_a_json_400(client, world, query):
    response = client.get(HSDS + query)
    assert response.status_code == 400 and response.json()["detail"]


def test_unknown_parameters_are_named_and_details_answer_404_in_json(client, world):
    response = _get(client, "/organizations", page_sise="5")
    assert response["X-Ignored-Parameters"] == "page_sise"
    assert "X-Ignored-Parameters" not in _get(client, "/organizations", full="true")
    missing = client.get(reverse("hsds-service-at-location", args=[hsds.uid("nothing")]))
    assert missing.status_code == 404 and missing.json() == {"detail": "Not found."}
