"""The directory's map data: GET /organisationen/karte.json?<the directory's query>
(directory/map_views.py) — the current results as GeoJSON points, public data only."""

import gzip

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from directory import services
from directory.models import Organisation
from directory.places import load_places, read_file
from directory.vocabulary import invalidate_vocabulary
from tests.directory.test_distance import SAMPLE
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db
URL = reverse("directory:organisation_map")


@pytest.fixture
def orgs():
    call_command("load_vocabulary", verbosity=0)  # gone after a transactional test
    invalidate_vocabulary()
    load_places(read_file(SAMPLE))
    return {
        "schwerin": make_organisation(
            "Kontakt e. V.",
            postal_code="19053",
            city="Schwerin",
            roles=["kooperationspartner"],
            email="info@kontakt.example",
            phone="0385 123456",
            street="Geheimweg 1",
        ),
        "wismar": make_organisation("Hafen e. V.", postal_code="23966", city="Wismar"),
        "hamburg": make_organisation(
            "Umut e. V.", postal_code="20095", city="Hamburg", roles=["kooperationspartner"]
        ),
        "nowhere": make_organisation(
            "Ohne Adresse e. V.", postal_code="", city="", roles=["kooperationspartner"]
        ),
        "draft": make_organisation(
            "Entwurf e. V.", postal_code="19055", city="Schwerin", status="in_review"
        ),
    }


def points(response) -> dict[str, dict]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = response.json()
    assert data["type"] == "FeatureCollection"
    return {f["properties"]["name"]: f for f in data["features"]}


def test_published_mos_with_coordinates_are_points_with_public_properties_only(client, orgs):
    response = client.get(URL)
    found = points(response)
    assert sorted(found) == ["Hafen e. V.", "Kontakt e. V.", "Umut e. V."]
    kontakt = found["Kontakt e. V."]
    assert kontakt["geometry"] == {"type": "Point", "coordinates": [11.4092, 53.6313]}
    assert kontakt["properties"] == {
        "name": "Kontakt e. V.",
        "url": orgs["schwerin"].get_absolute_url(),
        "postal_code": "19053",
        "city": "Schwerin",
    }
    body = response.content.decode()
    for private in ("info@kontakt.example", "0385", "Geheimweg", "Entwurf"):
        assert private not in body
    data = response.json()
    assert (data["total"], data["located"]) == (4, 3)
    assert data["status"] == [
        "3 Organisationen auf der Karte.",
        "1 Organisation ohne Ortsangabe ist nicht auf der Karte.",
    ]


def test_the_directory_filters_apply(client, orgs):
    by_role = client.get(URL, {"role": "kooperationspartner", "page": "2", "sort": "confirmed"})
    assert sorted(points(by_role)) == ["Kontakt e. V.", "Umut e. V."]
    assert by_role.json()["status"][1].startswith("1 Organisation ohne Ortsangabe")
    assert sorted(points(client.get(URL, {"place": "Wismar"}))) == ["Hafen e. V."]
    assert sorted(points(client.get(URL, {"q": "Umut"}))) == ["Umut e. V."]
    assert points(client.get(URL, {"role": "gibt-es-nicht"}))  # unknown values are ignored


def test_a_radius_search_gives_the_distance_nearest_first(client, orgs):
    response = client.get(URL, {"near": "Schwerin", "radius": "50"})
    features = response.json()["features"]
    assert [f["properties"]["name"] for f in features] == ["Kontakt e. V.", "Hafen e. V."]
    assert [f["properties"]["distance_km"] for f in features] == [1, 30]  # as on the cards
    assert response.json()["status"] == ["2 Organisationen auf der Karte."]


def test_at_most_map_max_points_and_the_map_says_so(client, orgs, settings):
    settings.MAP_MAX_POINTS = 2
    data = client.get(URL).json()
    assert [f["properties"]["name"] for f in data["features"]] == ["Hafen e. V.", "Kontakt e. V."]
    assert data["status"][1] == (
        "Die Karte zeigt die ersten 2 von 3 Organisationen mit Ortsangabe. "
        "Grenzen Sie die Suche ein, um alle zu sehen."
    )


def test_the_status_is_in_the_visitors_language(client, orgs):
    with translation.override("en"):
        client.cookies["django_language"] = "en"
        data = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").json()
    assert data["status"] == [
        "3 organisations on the map.",
        "1 organisation without a location is not on the map.",
    ]


def test_a_fixed_number_of_queries_and_none_from_the_cache(client, orgs, django_assert_num_queries):
    for n in range(20):
        make_organisation(f"Nachbar {n} e. V.", postal_code="19055", city="Schwerin")
    with django_assert_num_queries(2):  # counts, points
        first = client.get(URL, {"role": "kooperationspartner", "state": "hamburg"})
    with django_assert_num_queries(0):
        again = client.get(URL, {"state": "hamburg", "role": "kooperationspartner", "page": "3"})
    assert first.content == again.content
    with django_assert_num_queries(3):  # the place, counts, points
        near = client.get(URL, {"near": "19053", "radius": "25"})
    assert len(points(near)) == 21


def test_the_answer_is_compressed_for_browsers_that_accept_it(client, orgs):
    response = client.get(URL, HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content) == client.get(URL).content


def test_only_get(client, orgs):
    assert client.post(URL).status_code == 405


@pytest.mark.django_db(transaction=True)
def test_a_change_shows_at_once(client, orgs, django_capture_on_commit_callbacks):
    assert "Hafen e. V." in points(client.get(URL))
    hafen = orgs["wismar"]
    with django_capture_on_commit_callbacks(execute=True):
        hafen.name = "Hafenbrücke e. V."
        services.organisation_save(organisation=hafen, by=None)
    assert "Hafenbrücke e. V." in points(client.get(URL))
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_archive(organisation=hafen, by=None)
    assert "Hafenbrücke e. V." not in points(client.get(URL))
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_approve(organisation=orgs["draft"], by=None)
    assert "Entwurf e. V." in points(client.get(URL))


@pytest.mark.django_db(transaction=True)
def test_a_new_place_of_an_mo_moves_its_point(client, orgs, django_capture_on_commit_callbacks):
    assert "Ohne Adresse e. V." not in points(client.get(URL))
    nowhere = Organisation.objects.get(pk=orgs["nowhere"].pk)
    with django_capture_on_commit_callbacks(execute=True):
        nowhere.postal_code, nowhere.city = "17489", "Greifswald"
        services.organisation_save(organisation=nowhere, by=None)
    point = points(client.get(URL))["Ohne Adresse e. V."]
    assert point["geometry"]["coordinates"] == [13.3876, 54.0881]
