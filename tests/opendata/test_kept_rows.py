"""The API's and HSDS's organisation lists keep each organisation's representation per
version of the profile and generation of the directory's data (core.pagecache.cached_each):
a page of kept rows costs no query per relation, every change shows at once, and a kept
row never carries one client's host to another."""

import pytest

from directory import services
from tests.factories import make_organisation

API = "/api/organisations/"
HSDS = "/api/hsds/organizations"


@pytest.fixture
def listed(db):
    return [
        make_organisation(
            f"Verein {i} e. V.", slug=f"verein-{i}", roles=["kooperationspartner"],
            languages=["ru"], offers=[{"title": f"Angebot {i}"}],
            register_court="Amtsgericht Köln", register_number=f"VR {i}",
        )
        for i in range(6)
    ]  # fmt: skip


@pytest.mark.parametrize("url", [API, HSDS, HSDS + "?full=true"])
def test_kept_rows_need_no_query_per_relation(client, listed, url, django_assert_max_num_queries):
    first = client.get(url).json()
    with django_assert_max_num_queries(1) as kept:
        assert client.get(url + ("&" if "?" in url else "?") + "x=1").status_code == 200
    # Read before the next request (it empties the connection's query log).
    queries = [q["sql"] for q in kept.captured_queries]
    assert client.get(url).json() == first
    assert len(queries) == 1, queries  # the page; its count is kept per filter too


@pytest.mark.parametrize("url", [API, HSDS])
def test_a_saved_change_shows_at_once(client, listed, editor_a, url, commit):
    organisation = listed[0]
    client.get(url)
    organisation.description = "Neu: Beratung auf Tigrinya"
    commit(services.organisation_save, organisation=organisation, by=None)
    assert "Neu: Beratung auf Tigrinya" in client.get(url).content.decode()


def test_an_identity_check_shows_at_once_in_the_api(client, listed, coordinator, commit):
    organisation = listed[0]
    organisation.refresh_from_db()
    client.get(API)
    commit(services.identity_verify, organisation=organisation, by=coordinator,
           seen_key=organisation.identity_key, register_checked="online",
           exemption_checked=False)  # fmt: skip
    rows = {row["slug"]: row for row in client.get(API).json()["results"]}
    assert rows[organisation.slug]["identity_verification"]["verified"] is True


def test_a_kept_row_carries_each_clients_host(client, listed, settings):
    settings.ALLOWED_HOSTS = ["portal.example", "mo-portal.example"]
    first = client.get(API, HTTP_HOST="portal.example").json()["results"][0]["url"]
    second = client.get(API, HTTP_HOST="mo-portal.example").json()["results"][0]["url"]
    assert first.startswith("http://portal.example/") and first.endswith("/verein-0/")
    assert second.startswith("http://mo-portal.example/") and second.endswith("/verein-0/")
