"""Bounded query parameters (core/params.py, issue 20): repeated values dropped,
values per parameter, parameters and query length capped, for pages and the API."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.params import (
    MAX_PARAMETERS,
    MAX_QUERY_STRING_LENGTH,
    MAX_VALUES_PER_PARAMETER,
    distinct_values,
)
from tests.pages import build_world

pytestmark = pytest.mark.django_db
DIRECTORY = "/organisationen/"


@pytest.fixture
def world():
    return build_world()


def test_repetitions_are_dropped_keeping_each_value_at_its_last_place():
    assert distinct_values(["de", "ru", "de", "de"]) == ["ru", "de"]
    assert distinct_values(["name", "relevance", "name"])[-1] == "name"  # GET.get: the last
    assert distinct_values([]) == []


def _sql(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries], response


def test_a_filter_repeated_300_times_costs_what_it_costs_once(client, world, settings):
    settings.PAGE_CACHE = False  # compare the work, not the cache
    _sql(client, f"{DIRECTORY}?language=de")  # caches filled (vocabulary, counts)
    once, _ = _sql(client, f"{DIRECTORY}?language=de")
    repeated, response = _sql(client, f"{DIRECTORY}?" + "&".join(["language=de"] * 300))
    assert repeated == once
    assert response.wsgi_request.GET.getlist("language") == ["de"]
    assert response.wsgi_request.META["QUERY_STRING"] == "language=de"


def test_too_many_values_of_one_parameter_are_a_400_page_naming_it(client, world):
    values = "&".join(f"language=l{i}" for i in range(MAX_VALUES_PER_PARAMETER + 1))
    response = client.get(f"{DIRECTORY}?{values}")
    assert response.status_code == 400
    body = response.content.decode()
    assert "„language“" in body and f"höchstens {MAX_VALUES_PER_PARAMETER}" in body
    client.cookies["django_language"] = "en"
    english = client.get(f"{DIRECTORY}?{values}").content.decode()
    assert f"at most {MAX_VALUES_PER_PARAMETER}" in english


def test_the_limit_itself_is_allowed(client, world):
    values = "&".join(f"language=l{i}" for i in range(MAX_VALUES_PER_PARAMETER))
    assert client.get(f"{DIRECTORY}?{values}").status_code == 200


def test_in_the_api_the_limits_answer_json_400(client, world):
    values = "&".join(f"language=l{i}" for i in range(MAX_VALUES_PER_PARAMETER + 1))
    response = client.get(f"/api/organisations/?{values}")
    assert response.status_code == 400
    assert response.json() == {
        "detail": f"Too many values for the parameter 'language' "
        f"(at most {MAX_VALUES_PER_PARAMETER})."
    }
    hsds = client.get("/api/hsds/organizations?" + "&".join(f"p{i}=1" for i in range(201)))
    assert hsds.status_code == 400 and "Too many query parameters" in hsds.json()["detail"]


def test_too_many_parameters_or_a_too_long_query_are_a_400(client):
    many = "&".join(f"p{i}=1" for i in range(MAX_PARAMETERS + 1))
    assert client.get(f"{reverse('home')}?{many}").status_code == 400
    long = "q=" + "x" * MAX_QUERY_STRING_LENGTH
    response = client.get(f"{DIRECTORY}?{long}")
    assert response.status_code == 400
    assert "zu lang" in response.content.decode()
    assert (
        client.get(f"/api/organisations/?{long}")
        .json()["detail"]
        .startswith("The query string is too long")
    )


def test_more_pairs_than_django_parses_are_a_json_400_in_the_api(client):
    # Django's DATA_UPLOAD_MAX_NUMBER_FIELDS (1000) applies to the query string too.
    response = client.get("/api/organisations/?" + "a=1&" * 1001)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"


def test_a_query_without_repetitions_is_left_as_it_is(client, world):
    response = client.get(f"{DIRECTORY}?q=Kontakt+e.V.&language=de&language=ru")
    assert response.status_code == 200
    assert response.wsgi_request.META["QUERY_STRING"] == "q=Kontakt+e.V.&language=de&language=ru"


def test_a_nul_in_the_path_is_a_404_before_any_lookup(client):
    assert client.get("/organisationen/%00/").status_code == 404
    api = client.get("/api/organisations/%00/")
    assert api.status_code == 404 and api["Content-Type"] == "application/json"
