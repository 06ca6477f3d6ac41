"""Pages of the directory: list, profile, bad input, query counts."""

import pytest
from django.urls import reverse

from directory import search
from directory.vocabulary import get_vocabulary
from tests.factories import make_organisation
from tests.warm import warm

pytestmark = pytest.mark.django_db
URL = reverse("directory:organisation_list")

# Queries of the list page, whatever the number of results or terms: total and
# facets (one query), page rows, terms of the page's rows, the identity checks of
# the page's rows (the badge, directory.identity.attach).
LIST_QUERIES = 4
# Profile: organisation with state, its terms (one union), offers, offer languages,
# whether it has an owner (the "claim this profile" link), and "from the guide"
# (matching items, their terms), the identity checks (the badge), and the
# references confirmed by both sides (directory.references; kept with the parts).
DETAIL_QUERIES = 9


def _many(n, **values):
    for i in range(n):
        make_organisation(
            f"Verein {i:03d} e. V.",
            roles=["kooperationspartner", "informationsvermittler"],
            languages=["de", "ru", "ar", "tr"],
            communities=["tuerkei"],
            offers=[{"title": "Beratung"}],
            **values,
        )


@pytest.mark.parametrize("n", [3, 45])
def test_list_query_count_does_not_grow_with_results(
    client, django_assert_num_queries, n, settings
):
    settings.DIRECTORY_PAGE_SIZE = 20
    _many(n)
    get_vocabulary()  # cached like in production
    search.synonyms()  # cached like in production
    # The search asks once more: whether every word finds something (if not, typo
    # corrections and the most words that match take over; directory/search.py).
    expected = LIST_QUERIES + 1
    warm()  # the vocabulary and the footer's operator slot, as in production
    with django_assert_num_queries(expected):
        response = client.get(URL, {"role": "kooperationspartner", "language": "ru", "q": "Verein"})
    assert response.status_code == 200
    assert len(response.context["organisations"]) == min(n, 20)


def test_list_shows_roles_and_languages_of_each_result(client):
    make_organisation("Brücke e. V.", roles=["kooperationspartner"], languages=["de", "ru"])
    html = client.get(URL).content.decode()
    assert "Kooperationspartner" in html
    assert "Deutsch, Russisch" in html


@pytest.mark.parametrize("n_terms", [1, 12])
def test_detail_query_count_does_not_grow_with_terms(client, django_assert_num_queries, n_terms):
    languages = [t.slug for t in get_vocabulary().kind("language")[:n_terms]]
    organisation = make_organisation(
        "Brücke e. V.",
        languages=languages,
        advice_languages=languages,
        roles=["kooperationspartner"],
        offers=[{"title": f"Angebot {i}"} for i in range(n_terms)],
    )
    for offer in organisation.offers.all():
        offer.languages.set(get_vocabulary().kind("language")[:n_terms])
    get_vocabulary()
    warm()  # the vocabulary and the footer's operator slot, as in production
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(organisation.get_absolute_url())
    assert response.status_code == 200


def test_profile_groups_and_links_every_term_to_the_filtered_directory(client):
    organisation = make_organisation(
        "Brücke e. V.",
        description="Wir beraten Neuzugewanderte.",
        roles=["kooperationspartner"],
        languages=["ru"],
        resources=["raeume"],
        cooperation_experience=["jobcenter"],
        email="info@bruecke.example",
        phone="+49 40 123456",
        street="Hauptstraße 1",
    )
    html = client.get(organisation.get_absolute_url()).content.decode()
    for heading in ("Wer wir sind", "Was wir anbieten", "Ressourcen und Kapazitäten", "Kontakt"):
        assert f">{heading}</h2>" in html
    assert f'href="{URL}?role=kooperationspartner"' in html
    assert f'href="{URL}?language=ru"' in html
    assert f'href="{URL}?resource=raeume"' in html
    assert f'href="{URL}?cooperated_with=jobcenter"' in html
    assert "Wir beraten Neuzugewanderte." in html


@pytest.mark.parametrize("status", ["draft", "in_review", "archived"])
def test_unpublished_profiles_are_not_public(client, status):
    organisation = make_organisation(status=status)
    assert client.get(organisation.get_absolute_url()).status_code == 404
    assert organisation.name not in client.get(URL).content.decode()


def test_unknown_profile_is_404(client):
    assert (
        client.get(reverse("directory:organisation_detail", args=["gibt-es-nicht"])).status_code
        == 404
    )


@pytest.mark.parametrize(
    "params",
    [
        {"page": "999"},
        {"page": "abc"},
        {"page": "-1"},
        {"page": "0"},
        {"page": "²"},  # a digit to str.isdigit(), not to int()
        {"page": "9" * 30},
    ],
)
def test_pages_out_of_range_are_404(client, params):
    make_organisation()
    assert client.get(URL, params).status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 10000},
        {"q": "\x00'\";--"},
        {"role": "x" * 3000},
        {"sort": "drop table"},
        {"state": ["hamburg", "bayern"]},
        {"place": "😀" * 200},
        {"area": "galaxy"},
        {"paid_staff": "1"},
        {"language": ["", " "]},
        {"unknown": "value"},
    ],
)
def test_odd_input_gives_a_normal_page(client, params):
    make_organisation()
    assert client.get(URL, params).status_code == 200


def test_pagination_keeps_filters_in_links(client, settings):
    settings.DIRECTORY_PAGE_SIZE = 2
    _many(5)
    response = client.get(URL, {"role": "kooperationspartner", "page": 2})
    html = response.content.decode()
    assert response.status_code == 200
    assert "?role=kooperationspartner&amp;page=3" in html
    assert [o.name for o in response.context["organisations"]] == [
        "Verein 002 e. V.",
        "Verein 003 e. V.",
    ]


def test_pages_render_in_english(client):
    make_organisation("Brücke e. V.", roles=["kooperationspartner"], state="bayern")
    client.cookies["django_language"] = "en"
    html = client.get(URL).content.decode()
    assert 'lang="en"' in html
    assert "Bavaria" in html
    assert "Cooperation partner" in html


def test_a_rare_filter_is_sorted_and_a_common_one_walked_in_the_same_order(
    client, settings, monkeypatch
):
    """By name, a page of the directory comes from the name index where the walk
    ends soon and from sorting the matches otherwise (directory/paging.py):
    the same names in the same order, on every page."""
    from django.core.cache import cache

    from directory import paging

    settings.DIRECTORY_PAGE_SIZE = 2
    for name in ("Ömer e. V.", "anadolu e. V.", "Zeta e. V.", "Brücke e. V.", "Adler e. V."):
        make_organisation(name, languages=["ru"])
    make_organisation("Sonst e. V.", languages=["ar"])

    def names(limit, page):
        monkeypatch.setattr(paging, "WALK_LIMIT", limit)
        cache.clear()
        response = client.get(URL, {"language": "ru", "page": page})
        assert response.status_code == 200
        ordered = response.context["page"].object_list.query.order_by
        return [o.name for o in response.context["organisations"]], ordered

    for page in (1, 2, 3):
        walked, walk_order = names(10**9, page)
        sorted_, sort_order = names(0, page)
        assert walked == sorted_ and walked
        assert walk_order == ("name", "pk") and sort_order != walk_order
