"""Every API and HSDS parameter validated (issue 20): out-of-range pages,
impossible dates and malformed ids are a 400 with a JSON body in the API's
format ({"detail": ...}), never a 500; every address under /api/ answers JSON.
A property-based test sends generated values for every parameter."""

from urllib.parse import quote

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.pages import build_world

pytestmark = pytest.mark.django_db
HSDS = "/api/hsds"


@pytest.fixture
def world():
    return build_world()


def _json_400(response):
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"detail"} and body["detail"]
    return body["detail"]


@pytest.mark.parametrize(
    "query",
    [
        "page=99999999999999999999",
        "page=-1",
        "page=0",
        "page=1.5",
        "page=%D9%A1",  # an Arabic-Indic one: int() would take it
        "page=+1",
        "per_page=99999999999999999999",
        "per_page=-5",
        "modified_after=9999-99-99",
        "modified_after=2026-02-30",
        "modified_after=0001-01-01T00:00:00%2B14:00",  # before the first moment in UTC
        "modified_after=9999-12-31T23:59:59-14:00",  # after the last
        "modified_after=gestern",
    ],
)
def test_hsds_out_of_range_and_impossible_values_are_json_400(client, world, query):
    detail = _json_400(client.get(f"{HSDS}/organizations?{query}"))
    assert query.split("=")[0] in detail


def test_hsds_services_take_only_uuids_as_organization_id(client, world):
    assert "UUID" in _json_400(client.get(f"{HSDS}/services?organization_id=42%00"))


def test_hsds_a_page_past_the_last_is_empty_without_a_query(
    client, world, django_assert_num_queries
):
    with django_assert_num_queries(1):  # the count; no OFFSET past the end
        data = client.get(f"{HSDS}/organizations?page=1000000&per_page=200").json()
    assert data["empty"] and data["page_number"] == 1000000


def test_hsds_search_is_bounded_and_stripped_of_nul(client, world):
    response = client.get(f"{HSDS}/services", {"search": "Erst\x00beratung " + "x" * 5000})
    assert response.status_code == 200


@pytest.mark.parametrize("page", ["99999999999999999999", "-1", "0", "x", "1e3", "1000001"])
def test_api_malformed_or_huge_pages_are_json_400(client, world, page):
    assert "page" in _json_400(client.get("/api/organisations/", {"page": page}))


def test_api_a_page_past_the_last_stays_drfs_404_and_last_works(client, world):
    past = client.get("/api/organisations/", {"page": 999})
    assert past.status_code == 404 and set(past.json()) == {"detail"}
    assert client.get("/api/organisations/", {"page": "last"}).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/api/nothing",
        "/api/hsds/nothing",
        "/api/organisations/a/b/c",
        "/api/organisations/%00/",
        "/api/hsds/organizations/not-a-uuid",
        "/api/terms/99999999999999999999/",
        "/api/guide/chapters/%00/",
    ],
)
def test_every_unknown_address_under_api_answers_json_404(client, world, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}


# --- property-based: every parameter of every operation --------------------------

# The HSDS 3.0 reference's query parameters (tests/hsds-3.0/openapi.json) and the
# ones the portal's HSDS views read besides.
HSDS_PARAMETERS = [
    "search",
    "page",
    "per_page",
    "format",
    "taxonomy_term_id",
    "taxonomy_id",
    "organization_id",
    "modified_after",
    "minimal",
    "full",
    "full_service",
    "postcode",
    "proximity",
    "top_only",
    "parent_id",
]
HSDS_OPERATIONS = [
    "/organizations",
    "/organizations/{id}",
    "/services",
    "/services/{id}",
    "/taxonomies",
    "/taxonomies/{id}",
    "/taxonomy_terms",
    "/taxonomy_terms/{id}",
    "/service_at_locations",
    "/service_at_locations/{id}",
    "/",
]

NASTY = st.sampled_from(
    [
        "",
        "0",
        "-1",
        "1",
        "2",
        "last",
        "99999999999999999999",
        "1e309",
        "NaN",
        "9999-99-99",
        "0001-01-01",
        "2026-02-30",
        "9999-12-31T23:59:59-14:00",
        "00000000-0000-0000-0000-000000000000",
        "\x00",
        "de",
        "ja",
        "true",
        "x" * 400,
        "' OR 1=1 --",
        "%",
        "_",
        "\\",
    ]
)
DATE_LIKE = st.from_regex(
    r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2})?([+-][0-9]{2}:[0-9]{2}|Z)?)?\Z"
)
VALUES = st.one_of(
    NASTY,
    DATE_LIKE,
    st.integers().map(str),
    st.uuids().map(str),
    st.datetimes().map(lambda d: d.isoformat()),
    st.text(max_size=40),
)


def _api_operations(client) -> list[tuple[str, list[str]]]:
    """(path template, parameter names) of every GET operation of /api/schema/."""
    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    operations = []
    for path, methods in schema.json()["paths"].items():
        if "get" in methods:
            names = [p["name"] for p in methods["get"].get("parameters", []) if p["in"] == "query"]
            operations.append((path, names))
    return operations


def _request(client, path: str, query: dict) -> None:
    response = client.get(path, query)
    assert response.status_code < 500, (path, query, response.content[:300])
    if response.status_code >= 400:
        assert response["Content-Type"].startswith("application/json"), (path, query)


def generated(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


def _explore(client, template: str, names: list[str]) -> None:
    """Generated values for each parameter of one operation in turn (one to three
    values of it), and generated ids for an operation with an id in its path."""
    if "{" in template:

        @generated(15)
        @given(value=VALUES)
        def check_path(value):
            start, end = template.index("{"), template.index("}")
            path = template[:start] + quote(value, safe="") + template[end + 1 :]
            _request(client, path, {})

        check_path()
        return
    for name in names:
        _parameter_check(client, template, name)()


def _parameter_check(client, template: str, name: str):
    @generated(8)
    @given(values=st.lists(VALUES, min_size=1, max_size=3))
    def check(values):
        _request(client, template, {name: values})

    return check


def test_no_generated_value_of_any_api_parameter_gives_a_server_error(client, world):
    client.raise_request_exception = False
    operations = [
        (path, names)
        for path, names in _api_operations(client)
        if not path.startswith(("/api/schema", "/api/docs", "/api/hsds"))
    ]
    assert len(operations) >= 10
    for template, names in operations:
        _explore(client, template, names)


def test_no_generated_value_of_any_hsds_parameter_gives_a_server_error(client, world):
    client.raise_request_exception = False
    for template in HSDS_OPERATIONS:
        _explore(client, HSDS + template, HSDS_PARAMETERS)
