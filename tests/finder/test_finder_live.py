"""Live results of the partner finder: the fragment, its cache key, its query
count and a removable chip per criterion."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from directory.vocabulary import get_vocabulary
from tests.finder.test_finder import FINDER_QUERIES, scene, term  # noqa: F401

pytestmark = pytest.mark.django_db
URL = reverse("finder")
HX = {"HTTP_HX_REQUEST": "true"}


def _params():
    return {
        "open_only": "on",
        "role": term("role", "kooperationspartner"),
        "role_importance": "must",
        "languages": [term("language", "ru"), term("language", "de")],
        "place": "Schwerin",
        "paid_staff": "on",
    }


def test_an_htmx_request_gets_the_results_column_only(client, scene):  # noqa: F811
    response = client.get(URL, _params(), **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<div id="finder-results">')
    assert "<html" not in html and "Kontakt e. V." in html
    assert "HX-Request" in response["Vary"]


def test_page_and_fragment_are_cached_apart(client, scene):  # noqa: F811
    for _ in range(2):
        assert client.get(URL, _params(), **HX).content.decode().startswith("<div")
        assert client.get(URL, _params()).content.decode().startswith("<!doctype html>")


def test_each_criterion_is_a_chip_that_removes_it(client, scene):  # noqa: F811
    response = client.get(URL, _params(), **HX)
    chips = response.context["chips"]
    labels = [chip.label for chip in chips]
    assert labels == [
        "Gesuchte Rolle: Kooperationspartner (muss)",
        "Sprachen: Russisch",  # in the order asked for
        "Sprachen: Deutsch",
        "Ort oder PLZ-Anfang: Schwerin",
        "Hauptamtliche Strukturen",
        "Nur Organisationen, die offen für neue Kooperationen sind",
    ]
    russian = next(c for c in chips if c.label == "Sprachen: Russisch")
    assert f"languages={term('language', 'de')}" in russian.remove_url
    assert f"languages={term('language', 'ru')}" not in russian.remove_url
    role = chips[0]
    assert "role=" not in role.remove_url
    html = response.content.decode()
    assert html.count("data-remove-param=") == len(chips)


def chip_place(response):
    return response.context["form"].cleaned_data["near"].label


def test_the_radius_chip_removes_place_and_radius(client, scene):  # noqa: F811
    from pathlib import Path

    from directory.places import load_places, read_file

    load_places(
        read_file(Path(__file__).resolve().parents[1] / "fixtures" / "gazetteer-sample.csv")
    )
    response = client.get(URL, {"near": "19053", "radius": "50"}, **HX)
    (chip,) = response.context["chips"]
    assert chip.label == f"Umkreis: 50 km um {chip_place(response)}"
    assert "near=" not in chip.remove_url and "radius=" not in chip.remove_url


@pytest.mark.parametrize("extra", [0, 30])
def test_the_fragment_query_count_is_pinned(
    client,
    scene,  # noqa: F811
    django_assert_num_queries,
    extra,
):
    from tests.factories import make_organisation

    for i in range(extra):
        make_organisation(f"Weitere {i} e. V.", roles=["kooperationspartner"], languages=["ru"])
    get_vocabulary()
    with django_assert_num_queries(FINDER_QUERIES + (connection.vendor == "sqlite")):
        client.get(URL, _params(), **HX)


def test_invalid_input_is_named_in_the_fragment(client, scene):  # noqa: F811
    response = client.get(URL, {"languages": ["x"]}, **HX)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#id_languages"' in html and 'role="alert"' in html


def test_the_chips_in_english(client, scene):  # noqa: F811
    with translation.override("en"):
        response = client.get(URL, _params(), HTTP_ACCEPT_LANGUAGE="en", **HX)
    html = response.content.decode()
    assert "(must have)" in html and "(remove criterion)" in html
