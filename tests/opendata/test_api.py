"""The JSON API: filters and search, detail, privacy, 405 on writes, caching,
rate limit, schema and documentation without a CDN."""

import pytest
from django.urls import reverse
from rest_framework.throttling import AnonRateThrottle

from directory.models import Organisation
from opendata.api import Pagination
from tests.pages import build_world

pytestmark = pytest.mark.django_db
ORGS = "/api/organisations/"
HSDS_ORGS = "/api/hsds/organizations"


@pytest.fixture
def world():
    return build_world()


def _names(client, **params):
    response = client.get(ORGS, params)
    assert response.status_code == 200
    return [o["name"] for o in response.json()["results"]]


def test_the_same_filters_and_search_as_the_web_directory(client, world):
    assert _names(client, role="projekttraeger") == ["Club Dialog e. V."]
    assert _names(client, role=["kooperationspartner", "informationsvermittler"]) == [
        "Kontakt e. V."
    ]
    assert _names(client, q="Kontakt") == ["Kontakt e. V."]
    assert _names(client, place="19") == ["Kontakt e. V."]
    assert "Kontakt e. V." in _names(client, language="ru", paid_staff="nein")


STRICT = [
    ({"role": "no-such-role"}, "role"),
    ({"language": ["ru", "xx"]}, "language"),
    ({"state": "atlantis"}, "state"),
    ({"paid_staff": "vielleicht"}, "paid_staff"),
    ({"radius": "7"}, "radius"),
    ({"near": "Atlantis"}, "near"),
    ({"area": "galactic", "role": "nope"}, "area, role"),
]


@pytest.mark.parametrize(("params", "named"), STRICT)
def test_an_unknown_filter_value_is_a_400_naming_it(client, world, params, named):
    """Never the whole set for a value the API does not know (a generated client's
    wrong type, a typo): a JSON 400 naming each parameter and what is wrong."""
    response = client.get(ORGS, params)
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    body = response.json()
    assert body["detail"] == f"Invalid value for: {named}"
    assert sorted(body["errors"]) == named.split(", ")
    assert all(body["errors"][name] for name in body["errors"])


@pytest.mark.parametrize("size", ["null", "0", "-1", "1.5", "2x"])
def test_a_malformed_page_size_is_a_400(client, world, size):
    response = client.get(ORGS, {"page_size": size})
    assert response.status_code == 400
    assert response.json() == {"detail": "page_size must be a whole number from 1 to 1000000"}


def test_a_page_size_above_the_maximum_is_cut_to_it_as_always(client, world, monkeypatch):
    monkeypatch.setattr(Pagination, "max_page_size", 3)
    response = client.get(ORGS, {"page_size": "1000"})
    assert response.status_code == 200 and len(response.json()["results"]) == 3
    small = client.get(ORGS, {"page_size": "2.0"})
    assert small.status_code == 200 and len(small.json()["results"]) == 2


def test_an_unknown_parameter_is_named_in_a_header_and_changes_nothing(client, world):
    everything = client.get(ORGS, {"page_size": 100})
    assert "X-Ignored-Parameters" not in everything
    typo = client.get(ORGS, {"langauge": "ru", "_": "123", "page_size": 100})
    assert typo.status_code == 200 and typo["X-Ignored-Parameters"] == "_, langauge"
    assert typo.json()["count"] == everything.json()["count"]
    detail = client.get(f"{ORGS}kontakt/", {"page": "2"})  # no paging on a detail
    assert detail.status_code == 200 and detail["X-Ignored-Parameters"] == "page"


def test_pagination_and_detail_by_slug(client, world):
    data = client.get(ORGS, {"page_size": 2}).json()
    assert data["count"] == Organisation.objects.published().count() and len(data["results"]) == 2
    assert data["next"]
    detail = client.get(f"{ORGS}kontakt/").json()
    assert detail["name"] == "Kontakt e. V." and detail["terms"]["roles"] == [
        "informationsvermittler",
        "kooperationspartner",
    ]
    assert detail["offers"][0]["title"] == "Erstberatung"
    assert client.get(f"{ORGS}zur-pruefung/").status_code == 404  # in review: not public


def test_contact_only_as_far_as_the_mo_made_it_public(client, world):
    mo = world.mo
    mo.email_visibility, mo.phone_visibility, mo.street_visibility = (
        "hidden",
        "institutions",
        "public",
    )
    mo.save()
    detail = client.get(f"{ORGS}kontakt/").json()
    assert detail["email"] == "" and detail["phone"] == "" and detail["street"] == "Hauptstraße 1"


def test_no_drafts_archived_or_personal_data_anywhere(client, world):
    Organisation.objects.filter(pk=world.other.pk).update(status="archived")
    body = ""
    for url in (
        ORGS,
        f"{ORGS}?page_size=100",
        "/api/terms/",
        "/api/guide/items/",
        "/api/support-offers/",
    ):
        body += client.get(url).content.decode()
    assert "Zur Prüfung e. V." not in body and "Club Dialog e. V." not in body
    for user in world.users.values():
        assert user.email not in body and user.name not in body


def test_terms_guide_and_support_offers(client, world):
    roles = client.get("/api/terms/", {"kind": "role"}).json()
    assert roles["count"] == 6 and roles["results"][0]["label_en"] == "Information broker"
    chapter = client.get("/api/guide/chapters/einfuehrung/").json()
    assert chapter["number"] == 1
    items = client.get(
        "/api/guide/items/", {"chapter": "zusammenfassung", "kind": "checklist"}
    ).json()
    assert items["count"] == 15
    offers = client.get("/api/support-offers/").json()
    assert offers["results"][0]["needs"] == ["foerderantraege"]


@pytest.mark.parametrize(
    "url",
    ["/api/organisations/", "/api/organisations/kontakt/", "/api/terms/", "/api/guide/chapters/",
     "/api/guide/items/", "/api/support-offers/", "/api/hsds/organizations", "/api/hsds/"],
)  # fmt: skip
def test_write_methods_answer_405(client, world, url):
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)(url, {}, content_type="application/json").status_code == 405


def test_responses_are_cacheable_with_etags(client, world):
    first = client.get(ORGS)
    assert first["ETag"] and "public" in first["Cache-Control"]
    again = client.get(ORGS, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_a_rate_limit_per_client(client, world, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    statuses = [client.get("/api/terms/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    other_client = client.get("/api/terms/", REMOTE_ADDR="10.0.0.9")
    assert other_client.status_code == 200


def test_the_api_root_states_the_licence(client, world):
    data = client.get("/api/").json()
    assert data["licence"]["url"].startswith("https://creativecommons.org/")
    assert data["endpoints"]["organisations"].endswith("/api/organisations/")


def test_schema_and_interactive_documentation_without_a_cdn(client):
    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    docs = client.get(reverse("api-docs")).content.decode()
    assert "swagger-ui" in docs
    import re

    sources = re.findall(r'(?:src|href)="([^"]+)"', docs)
    assert sources and all(s.startswith("/") for s in sources), sources


def test_small_and_large_results_come_in_the_same_order(client, world, settings):
    """Small results are sorted by an unindexed expression (directory/paging.py)."""
    from directory import paging

    expected = _names(client, page_size=100)
    assert expected == sorted(expected)
    original = paging.WALK_LIMIT
    try:
        for limit in (0, 10**9):  # always the sort; always the index walk
            paging.WALK_LIMIT = limit
            assert _names(client, page_size=100) == expected
    finally:
        paging.WALK_LIMIT = original
    hsds = [o["id"] for o in client.get("/api/hsds/organizations?per_page=50").json()["contents"]]
    assert len(hsds) == len(expected)


def test_the_index_walk_is_taken_where_it_ends_soon(world, monkeypatch):
    """directory/paging.py: the walk passes about end x published / matches rows;
    it is taken where that is short, or small next to the matches to sort."""
    from directory import paging
    from directory.models import Organisation

    published = Organisation.objects.published()
    monkeypatch.setattr(paging, "WALK_LIMIT", 2)
    monkeypatch.setattr(paging, "SORT_FACTOR", 4)
    monkeypatch.setattr(paging, "published_count", lambda: 1000)
    fields = (("name", "text"), ("pk", "number"))

    def walks(total, until):
        ordered = paging.order_for_page(published, total, *fields, until=until)
        return ordered.query.order_by == ("name", "pk")

    assert walks(1000, 2)  # the first rows of everything: 2 rows walked
    assert walks(1000, 200)  # a later page of everything: 200 walked, not 1,000 sorted
    assert not walks(1000, 300)  # 300 walked: more than a quarter of the 1,000
    assert walks(400, 10)  # 25 rows walked to find 10 of 400 matches
    assert not walks(100, 30)  # 300 walked to find 30 of 100 matches: sorted
    assert not walks(1, 2)  # one match among all: the walk would pass them all
    # Everything matches: the walk passes exactly the rows up to the page's end, a
    # walked row costing four sorted ones, whatever margin an uneven spread needs.
    monkeypatch.setattr(paging, "SORT_FACTOR", 16)
    assert walks(1000, 250) and not walks(1000, 251)


def test_a_lists_count_is_made_once_and_follows_every_change(
    client, world, django_capture_on_commit_callbacks
):
    """The count of a filtered list is kept per generation of the directory: the
    next page asks no COUNT, and an archived profile leaves the count at once,
    in the API and in HSDS alike."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from directory.services import organisation_archive

    before = client.get(ORGS, {"page_size": 1}).json()["count"]
    hsds_before = client.get(HSDS_ORGS, {"per_page": 1}).json()["total_items"]
    assert before == hsds_before == Organisation.objects.published().count() >= 2
    with CaptureQueriesContext(connection) as queries:
        assert client.get(ORGS, {"page_size": 1, "page": 2}).json()["count"] == before
        assert client.get(HSDS_ORGS, {"per_page": 1, "page": 2}).json()["total_items"] == before
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"]]

    with django_capture_on_commit_callbacks(execute=True):
        organisation_archive(organisation=world.mo, by=None)
    assert client.get(ORGS, {"page_size": 1, "page": 2}).json()["count"] == before - 1
    hsds = client.get(HSDS_ORGS, {"per_page": 1, "page": 2}).json()
    assert hsds["total_items"] == before - 1
    # Another filter is another count.
    assert client.get(ORGS, {"q": "Kontakt"}).json()["count"] == 0
    # The same parameter read differently is another count too: the API ignores
    # modified_after, HSDS filters by it.
    future = {"modified_after": "2099-01-01"}
    assert client.get(ORGS, future).json()["count"] == before - 1
    assert client.get(HSDS_ORGS, future).json()["total_items"] == 0
