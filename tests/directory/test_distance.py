"""Distance: the gazetteer, organisations' coordinates, and the directory's radius
search "im Umkreis von N km um <Ort oder PLZ>" (runs on SQLite and PostgreSQL).

MOs without a known place (no postal code or city the gazetteer knows) have no
coordinates: a radius search leaves them out, every other search lists them as before.
"""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from directory import geo
from directory.models import Organisation
from directory.places import (
    GAZETTEER_FILE,
    Place,
    coordinates,
    load_places,
    read_file,
    resolve,
)
from directory.services import organisation_save
from tests.factories import make_organisation
from tests.warm import warm

pytestmark = pytest.mark.django_db
URL = reverse("directory:organisation_list")
SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "gazetteer-sample.csv"
SCHWERIN_19053 = geo.Point(53.6313, 11.4092)


@pytest.fixture
def gazetteer():
    """A small extract of the gazetteer (the full file: test_the_full_gazetteer_...)."""
    load_places(read_file(SAMPLE))


@pytest.fixture
def orgs(gazetteer):
    return {
        "schwerin": make_organisation("Kontakt e. V.", postal_code="19053", city="Schwerin"),
        "wismar": make_organisation("Hafen e. V.", postal_code="23966", city="Wismar"),
        "hamburg": make_organisation("Umut e. V.", postal_code="20095", city="Hamburg"),
        "greifswald": make_organisation("Brücke e. V.", postal_code="17489", city="Greifswald"),
        "nowhere": make_organisation("Ohne Adresse e. V.", postal_code="", city=""),
    }


def names(response) -> list[str]:
    html = response.content.decode()
    return re.findall(r'<h2 class="card-title"><a href="[^"]+">([^<]+)</a>', html)


def distances(response) -> list[str]:
    return re.findall(r'<span class="distance">([^<]+)</span>', response.content.decode())


@pytest.mark.parametrize(
    ("typed", "label"),
    [
        ("19053", "19053 Schwerin"),
        ("19053 Schwerin", "19053 Schwerin"),
        (" schwerin ", "Schwerin"),
        ("Greifswald", "Greifswald"),
        ("Luebeck", "Lübeck"),  # umlauts spelt out
        ("Frankfurt", "Frankfurt am Main"),  # the start of a longer name: the larger place
        ("Frankfurt (Oder)", "Frankfurt (Oder)"),
        ("99999 Wismar", "Wismar"),  # an unknown postcode with a known place
    ],
)
def test_a_postcode_or_a_place_resolves(gazetteer, typed, label):
    found = resolve(typed)
    assert found is not None and found.label == label


@pytest.mark.parametrize("typed", ["99999", "Atlantis", "", "19"])
def test_an_unknown_place_resolves_to_nothing(gazetteer, typed):
    assert resolve(typed) is None


def test_a_place_of_several_postcodes_is_their_centre(gazetteer):
    point = resolve("Schwerin").point
    assert 53.59 < point.latitude < 53.65 and 11.37 < point.longitude < 11.45


def test_distances_agree_with_the_great_circle_within_one_percent():
    # great-circle (haversine) distances from 19053 Schwerin
    for other, km in (
        (geo.Point(53.892, 11.4636), 29.21),  # Wismar
        (geo.Point(53.5521, 10.0004), 93.39),  # Hamburg
        (geo.Point(54.0881, 13.3876), 139.32),  # Greifswald
    ):
        assert geo.distance_km(SCHWERIN_19053, other) == pytest.approx(km, rel=0.01)


def test_a_saved_profile_gets_the_coordinates_of_its_postcode_else_its_city(orgs):
    kontakt = orgs["schwerin"]
    assert (kontakt.latitude, kontakt.longitude) == (53.6313, 11.4092)
    kontakt.postal_code, kontakt.city = "99999", "Greifswald"  # postcode unknown: the city
    organisation_save(organisation=kontakt, by=None, fields=["postal_code", "city"])
    kontakt.refresh_from_db()
    assert kontakt.latitude == pytest.approx(54.0871, abs=0.001)
    kontakt.postal_code, kontakt.city = "", "Atlantis"
    organisation_save(organisation=kontakt, by=None, fields=["postal_code", "city"])
    kontakt.refresh_from_db()
    assert kontakt.latitude is None and kontakt.longitude is None
    assert orgs["nowhere"].latitude is None


def test_radius_search_by_postcode_lists_the_nearest_first(client, orgs):
    response = client.get(URL, {"near": "19053", "radius": "100"})
    assert response.status_code == 200
    assert names(response) == ["Kontakt e. V.", "Hafen e. V.", "Umut e. V."]
    assert distances(response) == ["unter 1 km entfernt", "29 km entfernt", "93 km entfernt"]
    assert "Umkreis: 100 km um 19053 Schwerin" in response.content.decode()


def test_radius_search_by_town_and_radius(client, orgs):
    assert names(client.get(URL, {"near": "Schwerin", "radius": "50"})) == [
        "Kontakt e. V.",
        "Hafen e. V.",
    ]
    assert names(client.get(URL, {"near": "Greifswald", "radius": "25"})) == ["Brücke e. V."]
    assert names(client.get(URL, {"near": "Schwerin", "radius": "5"})) == ["Kontakt e. V."]


def test_the_default_radius_is_25_km(client, orgs):
    assert names(client.get(URL, {"near": "Wismar"})) == ["Hafen e. V."]


def test_radius_search_can_be_ordered_by_name(client, orgs):
    response = client.get(URL, {"near": "Schwerin", "radius": "200", "sort": "name"})
    assert names(response) == ["Brücke e. V.", "Hafen e. V.", "Kontakt e. V.", "Umut e. V."]
    assert len(distances(response)) == 4  # the distance stays on every card


def test_distance_is_a_sort_option_only_with_a_place(client, orgs):
    plain = client.get(URL, {"sort": "distance"})
    assert plain.status_code == 200
    assert 'value="distance"' not in plain.content.decode()
    assert names(plain)[0] == "Brücke e. V."  # by name
    assert distances(plain) == []
    near = client.get(URL, {"near": "Hamburg"})
    assert '<option value="" selected>Entfernung</option>' in near.content.decode()
    assert '<option value="name">Name</option>' in near.content.decode()


def test_a_place_added_on_the_default_page_orders_by_distance(client, orgs):
    # The form sends the order it showed; the default one is sent as "".
    page = client.get(URL).content.decode()
    assert '<option value="" selected>Name</option>' in page
    response = client.get(URL, {"near": "Wismar", "radius": "200", "sort": ""})
    assert names(response) == ["Hafen e. V.", "Kontakt e. V.", "Umut e. V.", "Brücke e. V."]


def test_an_unknown_place_is_explained_next_to_the_field(client, orgs):
    response = client.get(URL, {"near": "Atlantis", "radius": "25"})
    assert response.status_code == 200
    html = response.content.decode()
    error = re.search(r'<div id="near-error"[^>]*>([^<]+)</div>', html)
    assert error and "„Atlantis“ kennen wir nicht" in error.group(1)
    assert 'aria-describedby="near-help near-error" aria-invalid="true"' in html
    assert len(names(response)) == 5  # not applied, as any unknown filter value
    assert "Einige Filterwerte sind unbekannt" not in html


def test_mos_without_address_are_left_out_of_a_radius_search_only(client, orgs):
    assert "Ohne Adresse e. V." in names(client.get(URL))
    assert "Ohne Adresse e. V." not in names(client.get(URL, {"near": "19053", "radius": "200"}))


@pytest.mark.parametrize("radius", ["7", "abc", "-5", "1e9"])
def test_a_radius_that_is_not_offered_is_reported_not_an_error(client, orgs, radius):
    response = client.get(URL, {"near": "Schwerin", "radius": radius})
    assert response.status_code == 200
    assert names(response) == ["Kontakt e. V."]  # the default 25 km
    assert "Einige Filterwerte sind unbekannt" in response.content.decode()


def test_the_radius_filter_combines_with_others_and_the_chip_removes_it(client, orgs):
    response = client.get(URL, {"near": "Schwerin", "radius": "50", "q": "Hafen"})
    assert names(response) == ["Hafen e. V."]
    chip = re.search(r'href="(\?[^"]*)">Umkreis: 50 km um Schwerin', response.content.decode())
    assert chip and "near" not in chip.group(1) and "q=Hafen" in chip.group(1)


def test_the_radius_search_page_makes_a_fixed_number_of_queries(
    client, orgs, django_assert_max_num_queries
):
    for n in range(5):
        make_organisation(f"Nachbar {n} e. V.", postal_code="19055", city="Schwerin")
    warm()  # the vocabulary and the footer's operator slot, as in production
    with django_assert_max_num_queries(5):  # place, facets and count, page, terms, +1 lookup
        response = client.get(URL, {"near": "Schwerin", "radius": "50"})
    assert len(names(response)) == 7


def test_the_api_takes_the_radius_search_and_names_an_unknown_place(client, orgs):
    response = client.get("/api/organisations/", {"near": "19053", "radius": "50"})
    assert response.status_code == 200
    assert sorted(o["name"] for o in response.json()["results"]) == ["Hafen e. V.", "Kontakt e. V."]
    unknown = client.get("/api/organisations/", {"near": "Atlantis"})
    assert unknown.status_code == 400  # strict, as for every unknown filter value
    assert list(unknown.json()["errors"]) == ["near"]


def test_load_gazetteer_is_idempotent_and_locates_existing_profiles(gazetteer):
    Place.objects.all().delete()
    before = make_organisation("Alt e. V.", postal_code="19053", city="Schwerin")
    assert before.latitude is None  # saved while the gazetteer was empty
    out = io.StringIO()
    call_command("load_gazetteer", file=SAMPLE, stdout=out)
    assert "44 places loaded; 1 organisations located anew" in out.getvalue()
    call_command("load_gazetteer", file=SAMPLE, stdout=out)
    assert "0 places loaded (already loaded); 0 organisations located anew" in out.getvalue()
    assert Organisation.objects.get(pk=before.pk).latitude == 53.6313
    assert Place.objects.count() == 44


def test_the_full_gazetteer_loads_and_resolves(gazetteer):
    assert load_places(read_file(GAZETTEER_FILE)) > 16000
    schwerin = resolve("19053 Schwerin")
    greifswald = resolve("Greifswald")
    assert schwerin is not None and schwerin.label == "19053 Schwerin"
    assert greifswald is not None and greifswald.label == "Greifswald"
    assert geo.distance_km(schwerin.point, greifswald.point) == pytest.approx(139, abs=3)
    assert resolve("Berlin") is not None and resolve("München") is not None


def test_demo_profiles_get_coordinates_as_saved_profiles_do(gazetteer):
    from directory.demo import seed_organisations

    seed_organisations(count=40, published_only=True)
    seeded = Organisation.objects.exclude(postal_code="").order_by("pk")
    located = [o for o in seeded if o.latitude is not None]
    assert located  # the cities of the sample (Hamburg, Schwerin, ...) are found
    for organisation in seeded:
        expected = coordinates(postal_code=organisation.postal_code, city=organisation.city)
        assert (organisation.latitude, organisation.longitude) == expected
