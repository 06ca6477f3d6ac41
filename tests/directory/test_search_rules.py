"""The rules of directory.search on both databases: the query text, the search
document, matching, the typo fallback on PostgreSQL and the ranking."""

import pytest
from django.db import connection

from directory import search, services
from directory.models import Offer, Organisation
from directory.vocabulary import get_vocabulary
from tests.factories import make_organisation, term

pytestmark = pytest.mark.django_db


def _names(queryset):
    return sorted(queryset.values_list("name", flat=True))


def _search(query, queryset=None):
    queryset = Organisation.objects.all() if queryset is None else queryset
    return _names(search.search_organisations(queryset, query))


# -- the query text (both databases)


@pytest.mark.parametrize(
    ("query", "cleaned"),
    [
        (None, ""),
        ("", ""),
        ("   \n\t ", ""),
        ("\x00", ""),
        ("  Kontakt  e. V. ", "Kontakt e. V."),
        ("Kon\x00takt", "Kon takt"),
        ("Ärzte\nSyrien", "Ärzte Syrien"),
        ("x" * 200, "x" * 200),
        ("x" * 201, "x" * 200),
        ("ab " * 100, ("ab " * 67)[:200]),
    ],
)
def test_clean_query(query, cleaned):
    assert search.clean_query(query) == cleaned


def test_the_query_length_limit():
    assert search.MAX_QUERY_LENGTH == 200


def test_is_postgres(on_postgres):
    assert search.is_postgres() is on_postgres


# -- the search document (both databases)


def test_build_search_document_joins_the_non_empty_parts_lower_cased():
    organisation = Organisation(
        name="Brücke e. V.",
        short_name="BR",
        city="Görlitz",
        postal_code="02826",
        description="Beratung für Familien",
        description_en="Counselling for FAMILIES",
    )
    offers = [Offer(title="Deutschkurs", summary="Abends"), Offer(title="Café", summary="")]
    document = search.build_search_document(
        organisation=organisation, term_labels=["Russisch", "Russian"], offers=offers
    )
    assert document == (
        "brücke e. v. br görlitz 02826 beratung für familien counselling for families"
        " deutschkurs abends café russisch russian"
    )


def test_build_search_document_of_a_name_only():
    organisation = Organisation(name="Kontakt")
    assert search.build_search_document(organisation=organisation, term_labels=[], offers=[]) == (
        "kontakt"
    )


def test_refresh_derived_search_document_stores_terms_state_and_offers():
    organisation = make_organisation(
        "Brücke e. V.",
        state="mecklenburg-vorpommern",
        city="Schwerin",
        postal_code="19053",
        languages=["ru"],
        roles=["kooperationspartner"],
        offers=[{"title": "Lotsendienst", "summary": "zu Behörden"}],
    )
    expected = (
        "brücke e. v. schwerin 19053 lotsendienst zu behörden"
        " kooperationspartner cooperation partner russisch russian mecklenburg-vorpommern"
    )
    Organisation.objects.filter(pk=organisation.pk).update(search_document="")
    organisation.search_document = ""
    services.refresh_derived([organisation.pk])
    organisation.refresh_from_db()
    assert organisation.search_document == expected
    assert Organisation.objects.get(pk=organisation.pk).search_document == expected


def test_refresh_derived_search_document_without_state_and_with_an_unknown_term():
    organisation = make_organisation("Brücke e. V.", state=None, city="", postal_code="")
    organisation.languages.set([term("language", "ru")])
    # A term the (cached) vocabulary does not know yet is skipped.
    del get_vocabulary().by_id[term("language", "ru").pk]
    services.refresh_derived([organisation.pk])
    organisation.refresh_from_db()
    assert Organisation.objects.get(pk=organisation.pk).search_document == "brücke e. v."


def test_refresh_derived_search_document_skips_a_state_unknown_to_the_vocabulary():
    organisation = make_organisation("Brücke e. V.", state="hamburg", city="", postal_code="")
    del get_vocabulary().by_id[organisation.state_id]
    services.refresh_derived([organisation.pk])
    organisation.refresh_from_db()
    assert Organisation.objects.get(pk=organisation.pk).search_document == "brücke e. v."


# -- matching (both databases)


@pytest.fixture
def orgs():
    return {
        "kontakt": make_organisation(
            "Kontakt e. V.", city="Schwerin", description="Beratung für Familien"
        ),
        "kultur_schwerin": make_organisation(
            "Kulturverein Schwerin e. V.", city="Schwerin", languages=["ru"]
        ),
        "kultur_rostock": make_organisation(
            "Kulturverein Rostock e. V.", city="Rostock", languages=["tr"]
        ),
        "aerzte": make_organisation("Verein der Ärzte aus Syrien e. V.", city="Berlin"),
        "draft": make_organisation("Kulturverein Entwurf e. V.", status="draft"),
    }


def test_an_empty_query_keeps_the_whole_queryset_with_rank_zero(orgs):
    for query in ("", "  ", None):
        results = search.search_organisations(Organisation.objects.published(), query)
        assert sorted((o.name, o.rank) for o in results) == [
            ("Kontakt e. V.", 0.0),
            ("Kulturverein Rostock e. V.", 0.0),
            ("Kulturverein Schwerin e. V.", 0.0),
            ("Verein der Ärzte aus Syrien e. V.", 0.0),
        ]


def test_every_word_must_match(orgs):
    assert _search("Kulturverein Schwerin") == ["Kulturverein Schwerin e. V."]
    assert _search("  kulturverein   ROSTOCK ") == ["Kulturverein Rostock e. V."]
    assert _search("Kulturverein", Organisation.objects.published()) == [
        "Kulturverein Rostock e. V.",
        "Kulturverein Schwerin e. V.",
    ]
    assert _search("Kulturverein Leipzig") == []


def test_umlauts_and_case(orgs):
    assert _search("ÄRZTE SYRIEN") == ["Verein der Ärzte aus Syrien e. V."]
    assert _search("ärzte") == ["Verein der Ärzte aus Syrien e. V."]


def test_the_search_keeps_the_given_queryset(orgs):
    assert _search("Kulturverein", Organisation.objects.filter(city="Rostock")) == [
        "Kulturverein Rostock e. V."
    ]


def test_search_condition_and_matching_condition_find_the_same(orgs):
    queries = ("Kulturverein", "kulturverein schwerin", "Russisch", "Familien", "gibtsnicht")
    for scope in (Organisation.objects.published(), Organisation.objects.all()):
        for query in queries:
            by_condition = _names(scope.filter(search.search_condition(query, scope)))
            by_matching = _names(
                scope.filter(search.matching_condition(query, Organisation, scope))
            )
            assert by_condition == by_matching == _search(query, scope), query
    everything = Organisation.objects.all()
    assert _names(everything.filter(search.search_condition("Kulturverein", everything))) == [
        "Kulturverein Entwurf e. V.",
        "Kulturverein Rostock e. V.",
        "Kulturverein Schwerin e. V.",
    ]


def test_matching_condition_is_a_condition_on_the_primary_key(orgs):
    from django.db.models import Case, IntegerField, Value, When

    scored = Organisation.objects.published().annotate(
        score=Case(
            When(search.matching_condition("Schwerin", Organisation), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )
    assert sorted(scored.values_list("name", "score")) == [
        ("Kontakt e. V.", 1),
        ("Kulturverein Rostock e. V.", 0),
        ("Kulturverein Schwerin e. V.", 1),
        ("Verein der Ärzte aus Syrien e. V.", 0),
    ]


def test_long_queries_are_cut_before_matching(orgs):
    query = "Kulturverein " + "x" * 300
    assert _search(query) == []
    assert _names(Organisation.objects.filter(search.search_condition("\x00Kontakt\x00"))) == [
        "Kontakt e. V."
    ]


# -- SQLite only: substring match of every word


def test_sqlite_matches_parts_of_words(orgs, on_postgres):
    if on_postgres:
        pytest.skip("SQLite path")
    assert _search("kultur") == [
        "Kulturverein Entwurf e. V.",
        "Kulturverein Rostock e. V.",
        "Kulturverein Schwerin e. V.",
    ]
    assert _search("Kontackt") == []  # no typo tolerance on SQLite
    results = search.search_organisations(Organisation.objects.all(), "Kontakt")
    assert [(o.name, o.rank) for o in results] == [("Kontakt e. V.", 0.0)]


# -- PostgreSQL: full text, typo fallback, ranking


def _word_similarity(query, name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT word_similarity(%s, %s)", [query, name])
        return cursor.fetchone()[0]


def _ts_rank(query, pk):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ts_rank(search_vector, websearch_to_tsquery('german', %s))"
            " FROM directory_organisation WHERE id = %s",
            [query, pk],
        )
        return cursor.fetchone()[0]


@pytest.mark.postgres
def test_postgres_full_text_uses_websearch_syntax(orgs):
    assert _search("Kulturverein -Rostock", Organisation.objects.published()) == [
        "Kulturverein Schwerin e. V."
    ]
    assert _search("Schwerin or Rostock", Organisation.objects.published()) == [
        "Kontakt e. V.",
        "Kulturverein Rostock e. V.",
        "Kulturverein Schwerin e. V.",
    ]
    assert _search('"Ärzte aus Syrien"') == ["Verein der Ärzte aus Syrien e. V."]


@pytest.mark.postgres
def test_postgres_ranks_full_text_matches_by_ts_rank(orgs):
    results = search.search_organisations(Organisation.objects.published(), "Schwerin")
    ranks = {o.name: o.rank for o in results}
    assert ranks == {
        "Kontakt e. V.": pytest.approx(_ts_rank("Schwerin", orgs["kontakt"].pk)),
        "Kulturverein Schwerin e. V.": pytest.approx(
            _ts_rank("Schwerin", orgs["kultur_schwerin"].pk)
        ),
    }
    # The name weighs more than the rest of the document.
    assert ranks["Kulturverein Schwerin e. V."] > ranks["Kontakt e. V."] > 0


@pytest.mark.postgres
@pytest.mark.parametrize("query", ["Kulturverein -Rostock", '"Kulturverein Schwerin"', "Familien"])
def test_postgres_ranks_with_the_german_websearch_query(orgs, query):
    results = search.search_organisations(Organisation.objects.published(), query)
    ranks = {o.pk: o.rank for o in results}
    assert len(ranks) == 1
    ((pk, rank),) = ranks.items()
    # The full-text rank (ts_rank), not the trigram similarity of the name.
    assert rank == pytest.approx(_ts_rank(query, pk))
    assert rank != pytest.approx(0.5 * _word_similarity(query, results[0].name))


@pytest.mark.postgres
def test_postgres_typo_fallback_finds_a_misspelt_name_ranked_by_word_similarity(orgs):
    results = search.search_organisations(Organisation.objects.published(), "Kontackt")
    assert [(o.name, o.rank) for o in results] == [
        ("Kontakt e. V.", pytest.approx(_word_similarity("Kontackt", "Kontakt e. V.") * 0.5))
    ]
    assert 0 < results[0].rank < 0.5


@pytest.mark.postgres
def test_postgres_typo_fallback_only_when_full_text_finds_nothing(orgs):
    make_organisation("Kontackt Hilfe e. V.")  # misspelt in its name
    assert _search("Kontakt") == ["Kontakt e. V."]
    assert _search("Kontackt") == ["Kontackt Hilfe e. V."]
    assert search._fuzzy_condition("Kontackt", Organisation.objects.all()) is None
    assert search._fuzzy_condition("Kontakt", Organisation.objects.all()) is None


@pytest.mark.postgres
def test_postgres_typo_fallback_needs_every_word_similar(orgs):
    assert _search("Kontackt Schwerim") == []  # "Schwerim" is not in the name
    assert _search("Kulturverrein Schwerim") == ["Kulturverein Schwerin e. V."]
    assert _search("Kulturverrein Zyxwvu") == []


@pytest.mark.postgres
def test_postgres_typo_fallback_ignores_words_of_fewer_than_three_letters(orgs):
    assert _search("Kontackt xy") == ["Kontakt e. V."]
    assert _search("Kontackt x.y") == ["Kontakt e. V."]
    assert _search("Kontackt xyz") == []
    assert _search("xy") == []
    assert _search("x-y z") == []
    assert search._fuzzy_condition("xy z", Organisation.objects.all()) is None


@pytest.mark.postgres
def test_postgres_typo_fallback_looks_at_six_words_at_most():
    make_organisation("Anadolu Kulturverein Schwerin Hamburg Berlin Rostock")
    words = "Anadoul Kulturverin Schwerim Hamburk Berlinn Rostok"
    assert _search(words) == ["Anadolu Kulturverein Schwerin Hamburg Berlin Rostock"]
    assert _search(words + " Zyxwvu") == ["Anadolu Kulturverein Schwerin Hamburg Berlin Rostock"]
    assert _search("Zyxwvu " + words) == []


@pytest.mark.postgres
def test_postgres_matching_condition_includes_the_typo_fallback(orgs):
    matching = search.matching_condition("Kontackt", Organisation)
    assert _names(Organisation.objects.filter(matching)) == ["Kontakt e. V."]
    plain = search.matching_condition("Schwerin", Organisation)
    assert _names(Organisation.objects.filter(plain)) == [
        "Kontakt e. V.",
        "Kulturverein Schwerin e. V.",
    ]
    assert (
        _names(Organisation.objects.filter(search.matching_condition("Zyxwvu", Organisation))) == []
    )


@pytest.mark.postgres
def test_postgres_search_condition_includes_the_typo_fallback(orgs):
    assert _names(Organisation.objects.filter(search.search_condition("Kontackt"))) == [
        "Kontakt e. V."
    ]
    assert _names(Organisation.objects.filter(search.search_condition("Zyxwvu"))) == []


@pytest.mark.postgres
def test_postgres_stems_and_finds_parts_of_names_only_by_similarity(orgs):
    assert _search("Familie") == ["Kontakt e. V."]
    assert _search("Beratungen") == ["Kontakt e. V."]
    # "kultur" is no word of any document: the typo fallback finds it in names.
    results = search.search_organisations(Organisation.objects.published(), "kultur")
    assert sorted((o.name, o.rank) for o in results) == [
        (
            "Kulturverein Rostock e. V.",
            pytest.approx(0.5 * _word_similarity("kultur", "Kulturverein Rostock e. V.")),
        ),
        (
            "Kulturverein Schwerin e. V.",
            pytest.approx(0.5 * _word_similarity("kultur", "Kulturverein Schwerin e. V.")),
        ),
    ]
    assert _search("Beratung kultur") == []  # the full-text search found "Beratung"
