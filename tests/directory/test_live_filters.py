"""Live filters of the directory: the fragment an htmx request gets, kept apart from
the page in the page cache, its query count, and a chip for every filter."""

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from directory import search
from directory.places import load_places, read_file
from directory.vocabulary import get_vocabulary
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db
URL = reverse("directory:organisation_list")
HX = {"HTTP_HX_REQUEST": "true"}
# As the page: total and facets, page rows, terms of the rows, and the search's
# check that every word finds something, the identity checks of the rows
# (tests/directory/test_directory_pages.py).
FRAGMENT_QUERIES = 5


SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "gazetteer-sample.csv"


@pytest.fixture
def mos():
    load_places(read_file(SAMPLE))
    make_organisation(
        "Kontakt e. V.",
        slug="kontakt",
        city="Schwerin",
        postal_code="19053",
        state="mecklenburg-vorpommern",
        roles=["kooperationspartner"],
        languages=["de", "ru"],
        offers=[{"title": "Mentoring für Geflüchtete"}],
    )
    make_organisation(
        "Umut e. V.",
        slug="umut",
        city="Berlin",
        postal_code="10405",
        state="berlin",
        roles=["informationsvermittler"],
        languages=["de", "tr"],
    )


def test_an_htmx_request_gets_the_results_and_the_facets_out_of_band(client, mos):
    response = client.get(URL, {"language": "ru"}, **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<form" not in html
    assert html.startswith('<section id="results"')
    assert "1 Organisation gefunden" in html
    assert "Kontakt e. V." in html and "Umut e. V." not in html
    for oob in ("facets", "id_sort", "filter-warnings", "filter-count"):
        assert f'id="{oob}" data-hx-swap-oob="true"' in html
    assert 'id="near-feedback" data-feedback-for="id_near" data-hx-swap-oob="true"' in html
    assert 'id="show-results-label" data-hx-swap-oob="true">1 Ergebnis anzeigen' in html
    assert "Filter (1)" in html
    assert "HX-Request" in response["Vary"]


def test_the_page_itself_varies_on_hx_request_and_carries_the_live_form(client, mos):
    response = client.get(URL, {"language": "ru"})
    html = response.content.decode()
    assert "HX-Request" in response["Vary"]
    assert 'data-hx-get="/organisationen/"' in html and 'data-hx-push-url="true"' in html
    assert "vendor/htmx-2.0.11/htmx.min.js" in html and "js/livefilter.js" in html
    # Without JavaScript: the submit buttons stay, the panel is in the page (nojs.css).
    assert 'id="apply-filters"' in html and "css/nojs.css" in html


@pytest.mark.parametrize("first", ["fragment", "page"])
def test_the_page_cache_never_serves_a_fragment_for_the_page_or_the_reverse(client, mos, first):
    def fragment():
        return client.get(URL, {"language": "ru"}, **HX).content.decode()

    def page():
        return client.get(URL, {"language": "ru"}).content.decode()

    for _ in range(2):  # the second round comes from the cache
        if first == "fragment":
            got_fragment, got_page = fragment(), page()
        else:
            got_page, got_fragment = page(), fragment()
        assert got_fragment.startswith('<section id="results"')
        assert got_page.startswith("<!doctype html>")


def test_a_cached_fragment_keeps_its_vary_header(client, mos, django_assert_num_queries):
    client.get(URL, {"language": "ru"}, **HX)
    with django_assert_num_queries(0):
        response = client.get(URL, {"language": "ru"}, **HX)
    assert "HX-Request" in response["Vary"] and "Cookie" in response["Vary"]


@pytest.mark.parametrize("n", [3, 40])
def test_the_fragment_query_count_is_pinned(client, django_assert_num_queries, n, settings):
    settings.DIRECTORY_PAGE_SIZE = 20
    for i in range(n):
        make_organisation(f"Verein {i:03d} e. V.", roles=["kooperationspartner"], languages=["ru"])
    get_vocabulary()
    search.synonyms()
    with django_assert_num_queries(FRAGMENT_QUERIES):
        response = client.get(
            URL, {"role": "kooperationspartner", "language": "ru", "q": "Verein"}, **HX
        )
    assert len(response.context["organisations"]) == min(n, 20)


def test_every_filter_has_a_removable_chip(client, mos):
    params = {
        "q": "Mentoring",
        "role": "kooperationspartner",
        "language": "ru",
        "state": "mecklenburg-vorpommern",
        "place": "Schwerin",
        "near": "19053",
        "radius": "50",
        "area": "local",
        "paid_staff": "nein",
        "rooms": "nein",
        "open": "ja",
        "verified": "nein",
        "sort": "name",
    }
    response = client.get(URL, params, **HX)
    chips = {item.param: item for item in response.context["active_filters"]}
    # Every parameter but the order (not a filter) and the radius (part of the "near" chip).
    assert set(chips) == set(params) - {"sort", "radius"}
    assert "50 km um 19053" in chips["near"].label
    assert "radius" not in chips["near"].remove_url and "near" not in chips["near"].remove_url
    html = response.content.decode()
    for param in chips:
        assert f'data-remove-param="{param}"' in html


def test_the_fragment_in_english(client, mos):
    with translation.override("en"):
        response = client.get(URL, {"language": "ru"}, HTTP_ACCEPT_LANGUAGE="en", **HX)
    html = response.content.decode()
    assert "1 organisation found" in html.lower() or "1 organization found" in html.lower()
    assert "Show 1 result" in html and "Filters (1)" in html


def test_a_long_facet_gets_a_search_field_for_javascript(client, mos):
    html = client.get(URL).content.decode()
    assert 'id="facet-search-language"' in html
    assert "data-facet-search hidden" in html  # shown by livefilter.js only


@pytest.mark.parametrize("fragment", [False, True])
def test_a_chosen_single_choice_keeps_the_other_choices_with_their_own_counts(
    client, mos, fragment
):
    """Radio groups (state, area, the flags) count as if their own choice were not
    made: after Berlin, Mecklenburg-Vorpommern is still offered (the arrow keys,
    which check each radio button they pass, can go on to it)."""
    make_organisation("Brücke e. V.", city="Rostock", state="mecklenburg-vorpommern")
    response = client.get(URL, {"state": "berlin"}, **(HX if fragment else {}))
    html = response.content.decode()
    assert "1 Organisation gefunden" in html  # the results: Berlin only
    assert 'id="f-state-berlin" checked' in html
    assert 'id="f-state-mecklenburg-vorpommern"' in html
    label = html.split('for="f-state-mecklenburg-vorpommern"', 1)[1].split("</label>", 1)[0]
    assert '<span class="count">(2)</span>' in label  # as if no state were chosen
    # Other filters still count: with Turkish, Mecklenburg-Vorpommern has none.
    html = client.get(URL, {"state": "berlin", "language": "tr"}).content.decode()
    assert 'id="f-state-mecklenburg-vorpommern"' not in html
