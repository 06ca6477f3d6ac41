"""The search understands German, the same on both databases (issue 17): these
tests run in the SQLite pass and in the PostgreSQL pass alike, one corpus of
queries for both engines."""

import pytest
from django.urls import reverse

from directory import analysis, search, services
from directory.models import Organisation, SearchWord, SynonymGroup
from finder.ranking import build_criteria, rank
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db
URL = reverse("directory:organisation_list")


def _names(query, queryset=None):
    queryset = Organisation.objects.published() if queryset is None else queryset
    found = search.search_organisations(queryset, query).order_by("-rank", "name")
    return list(found.values_list("name", flat=True))


@pytest.fixture
def corpus():
    make_organisation(
        "Anadolu Kulturverein e. V.",
        city="Schwerin",
        description="Wir bieten ein Elterncafé und Beratung für Familien.",
        offers=[{"title": "Mentoringprojekt für Jugendliche"}],
        languages=["tr"],
    )
    make_organisation(
        "Brücke e. V.",
        city="Rostock",
        description="Arbeitsmarktlotsen begleiten Gründerinnen.",
        offers=[{"title": "Dolmetschen bei Terminen"}, {"title": "Bewerbungstraining"}],
        languages=["ar"],
        target_groups=["gefluechtete"],
    )
    make_organisation(
        "Frauenverein Druschba e. V.",
        city="München",
        description="Erstberatung auf Russisch für Neuzugewanderte.",
        languages=["ru"],
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Kulturvereine", ["Anadolu Kulturverein e. V."]),  # plural
        ("Jugendlichen", ["Anadolu Kulturverein e. V."]),  # inflection
        ("Dolmetscher", ["Brücke e. V."]),  # another form of the word
        ("Familie", ["Anadolu Kulturverein e. V."]),
    ],
)
def test_word_forms_are_found(corpus, query, expected):
    assert _names(query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Mentoring", ["Anadolu Kulturverein e. V."]),  # the start of a compound
        ("Lotsen", ["Brücke e. V."]),  # the end of a compound
        ("Bewerbung", ["Brücke e. V."]),
        ("Training", ["Brücke e. V."]),  # inside a compound
    ],
)
def test_parts_of_compounds_are_found(corpus, query, expected):
    assert _names(query) == expected


@pytest.mark.parametrize("query", ["Türkisch", "Tuerkisch", "turkisch", "TÜRKISCH", "Turkish"])
def test_umlauts_are_folded_both_ways(corpus, query):
    assert _names(query) == ["Anadolu Kulturverein e. V."]


def test_umlauts_in_places_and_sharp_s(corpus):
    for query in ("München", "Muenchen", "Munchen"):
        assert _names(query) == ["Frauenverein Druschba e. V."], query
    make_organisation("Verein Gießen e. V.", city="Gießen")
    assert _names("Giessen") == ["Verein Gießen e. V."]


def test_accents_are_folded(corpus):
    assert _names("Elterncafe") == ["Anadolu Kulturverein e. V."]
    assert _names("ELTERNCAFÉ") == ["Anadolu Kulturverein e. V."]


def test_a_typo_is_corrected_from_the_indexed_words_with_a_suggestion(corpus):
    queryset, plan = search.search(Organisation.objects.published(), "Dolmetchen")
    assert list(queryset.values_list("name", flat=True)) == ["Brücke e. V."]
    assert plan.suggestion == "dolmetschen"
    assert _names("Schwerinn") == ["Anadolu Kulturverein e. V."]  # a place
    assert _names("Arabich") == ["Brücke e. V."]  # a vocabulary label
    assert _names("Zyxwvutsr") == []
    plan = search.search(Organisation.objects.published(), "Beratung Schwerinn")[1]
    assert plan.suggestion == "Beratung schwerin"  # the word typed kept as it was


def test_a_typo_is_never_corrected_to_a_word_only_an_unpublished_profile_holds(corpus):
    make_organisation("Geheimnisvoll e. V.", status="draft")
    assert SearchWord.objects.filter(word="geheimnisvoll").exists()
    queryset, plan = search.search(Organisation.objects.published(), "Geheimnisvol")
    assert list(queryset) == [] and plan.suggestion == ""


def test_seeded_synonyms_are_searched_too(corpus):
    assert _names("Flüchtlinge") == ["Brücke e. V."]  # Geflüchtete
    assert _names("Sprachmittlung") == ["Brücke e. V."]  # Dolmetschen


def test_synonyms_curated_by_a_coordinator_apply_at_once(
    corpus, django_capture_on_commit_callbacks
):
    assert _names("Treffpunkt") == []
    with django_capture_on_commit_callbacks(execute=True):  # the new generation
        services.synonym_group_save(group=SynonymGroup(words="Treffpunkt\nElterncafé"))
    assert _names("Treffpunkt") == ["Anadolu Kulturverein e. V."]
    group = SynonymGroup.objects.get(words__startswith="Treffpunkt")
    with django_capture_on_commit_callbacks(execute=True):
        services.synonym_group_delete(group=group)
    assert _names("Treffpunkt") == []


def test_all_words_first(corpus):
    assert _names("Erstberatung Russisch München") == ["Frauenverein Druschba e. V."]
    queryset, plan = search.search(Organisation.objects.published(), "Beratung Schwerin")
    assert list(queryset.values_list("name", flat=True)) == ["Anadolu Kulturverein e. V."]
    assert plan.missing == []


def test_several_words_without_a_full_match_show_the_most_words_and_name_the_rest(corpus):
    query = "Erstberatung Russisch Schwerin"
    queryset, plan = search.search(Organisation.objects.published(), query)
    assert list(queryset.values_list("name", flat=True)) == ["Frauenverein Druschba e. V."]
    assert plan.missing == ["Schwerin"]


def test_stopwords_do_not_narrow_a_search(corpus):
    assert _names("Beratung für Familien") == ["Anadolu Kulturverein e. V."]


def test_the_name_ranks_above_offers_above_vocabulary_above_description():
    make_organisation("Zeta e. V.", description="Wir machen Sport mit Kindern.")
    make_organisation("Ypsilon e. V.", fields=["sport"])
    make_organisation("Xi e. V.", offers=[{"title": "Sport am Sonntag"}])
    make_organisation("Sport verbindet e. V.")
    assert _names("Sport") == ["Sport verbindet e. V.", "Xi e. V.", "Ypsilon e. V.", "Zeta e. V."]


def test_a_whole_word_ranks_above_a_part_and_a_synonym_and_a_typo_below():
    make_organisation("Aaa e. V.", description="Ein Lotsenprojekt")
    make_organisation("Bbb e. V.", description="Unsere Lotsen helfen")
    assert _names("Lotsen") == ["Bbb e. V.", "Aaa e. V."]
    make_organisation("Ccc e. V.", description="Für Geflüchtete")
    make_organisation("Ddd e. V.", description="Für Schutzsuchende")
    assert _names("Schutzsuchende") == ["Ddd e. V.", "Ccc e. V."]


def test_english_labels_and_descriptions_are_searched(corpus):
    make_organisation("Eee e. V.", description_en="We offer counselling for newcomers.")
    assert _names("refugees") == ["Brücke e. V."]  # the English label of a target group
    # the English word in a description first, then its German synonym "Beratung"
    assert _names("counselling") == [
        "Eee e. V.",
        "Anadolu Kulturverein e. V.",
        "Frauenverein Druschba e. V.",
    ]


def test_the_analysis_of_a_word():
    assert analysis.stem("Tuerkisch") == analysis.stem("Türkisch") == "turkisch"
    assert analysis.fold("Café") == "cafe"
    assert analysis.plain("Größe") == "grosse"
    assert analysis.query_words("Verein für Bildung e. V.") == ["verein", "bildung"]
    assert analysis.distance("beratnug", "beratung", 2) == 1  # a swap counts once
    assert analysis.distance("abc", "xyz", 1) == 2
    assert analysis.as_typed("Café Schwerin") == {"cafe": "Café", "schwerin": "Schwerin"}


def test_the_page_shows_the_suggestion_the_missing_words_and_how_it_ranks(client, corpus):
    html = client.get(URL, {"q": "Dolmetchen"}).content.decode()
    assert "Meinten Sie" in html and "?q=dolmetschen" in html
    assert "So ordnen wir die Ergebnisse" in html
    html = client.get(URL, {"q": "Erstberatung Russisch Schwerin"}).content.decode()
    assert "Ergebnisse ohne: <strong>Schwerin</strong>" in html
    assert "Frauenverein Druschba e. V." in html
    plain = client.get(URL).content.decode()
    assert "So ordnen wir die Ergebnisse" not in plain and "Meinten Sie" not in plain


def test_the_english_page_explains_it_in_english(client, corpus):
    client.cookies["django_language"] = "en"
    html = client.get(URL, {"q": "Erstberatung Russisch Schwerin"}, HTTP_ACCEPT_LANGUAGE="en")
    text = html.content.decode()
    assert "Results without: <strong>Schwerin</strong>" in text


def test_places_with_umlauts_match_in_any_case_in_the_directory_and_the_finder(client):
    make_organisation("Bodensee e. V.", city="Überlingen", open_for_cooperation=True)
    make_organisation("Anderswo e. V.", city="Ulm")
    response = client.get(URL, {"place": "überlingen"})
    assert [o.name for o in response.context["organisations"]] == ["Bodensee e. V."]
    found = Organisation.objects.published().filter(search.place_condition("überlingen"))
    assert list(found.values_list("name", flat=True)) == ["Bodensee e. V."]
    criteria = build_criteria({"place": "ÜBERLINGEN", "region_importance": "must"})
    assert list(rank(criteria).values_list("name", flat=True)) == ["Bodensee e. V."]
    assert list(Organisation.objects.filter(search.place_condition("Lingen"))) == []


def test_open_data_keeps_all_words_or_nothing(client, corpus):
    """Only the directory page relaxes a search (and says so); the API, the
    downloads, the widget and HSDS keep their contract: all words or nothing."""
    query = "Erstberatung Russisch Schwerin"
    assert client.get("/api/organisations/", {"q": query}).json()["count"] == 0
    csv = b"".join(client.get(reverse("export_csv"), {"q": query}).streaming_content)
    assert b"Druschba" not in csv
    assert "Druschba" not in client.get(reverse("widget"), {"q": query}).content.decode()
    hsds = client.get(reverse("hsds-organizations"), {"search": query}).json()
    assert hsds["total_items"] == 0
    # With all its words found, the same search finds the profile everywhere.
    assert client.get("/api/organisations/", {"q": "Erstberatung Russisch"}).json()["count"] == 1
