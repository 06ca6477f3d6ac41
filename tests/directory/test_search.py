"""Search on both databases through the one search function."""

import pytest

from directory.models import Organisation
from directory.search import clean_query, search_organisations
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db


def _search(query):
    return list(
        search_organisations(Organisation.objects.published(), query)
        .order_by("-rank", "name")
        .values_list("name", flat=True)
    )


def test_umlauts_match_case_insensitively():
    make_organisation("Verein der Ärzte aus Syrien e. V.")
    make_organisation("Fußballverein Anadolu e. V.")
    assert _search("ärzte") == ["Verein der Ärzte aus Syrien e. V."]
    assert _search("ÄRZTE") == ["Verein der Ärzte aus Syrien e. V."]


def test_description_offers_and_vocabulary_labels_are_searchable():
    make_organisation(
        "Brücke e. V.",
        description="Wir begleiten Familien zu Behörden.",
        offers=[{"title": "Bewerbungstraining", "summary": "Lebenslauf und Anschreiben"}],
        languages=["ru"],
        roles=["informationsvermittler"],
    )
    make_organisation("Anderer Verein e. V.", languages=["tr"])
    for query in ("Behörden", "Bewerbungstraining", "Anschreiben", "Russisch", "Russian"):
        assert _search(query) == ["Brücke e. V."], query
    assert _search("Informationsvermittler") == ["Brücke e. V."]


def test_all_words_must_match():
    make_organisation("Kulturverein Schwerin e. V.", city="Schwerin", languages=["ru"])
    make_organisation("Kulturverein Rostock e. V.", city="Rostock", languages=["ru"])
    assert _search("Kulturverein Schwerin") == ["Kulturverein Schwerin e. V."]


def test_unpublished_profiles_are_never_found():
    make_organisation("Geheimer Entwurf e. V.", status="draft")
    assert _search("Entwurf") == []


@pytest.mark.parametrize(
    "query",
    ["", "   ", "'", '"', "a & b | !c", "(((", "\\", "%_%", "x" * 5000, "\x00", "😀", "<script>"],
)
def test_odd_queries_do_not_fail(query):
    make_organisation("Verein e. V.")
    assert isinstance(_search(query), list)


def test_queries_are_normalised_and_bounded():
    assert clean_query("  a \n b  ") == "a b"
    assert len(clean_query("x" * 5000)) == 200
    assert clean_query(None) == ""


def test_a_misspelt_name_is_found():
    make_organisation("Kontakt e. V.", city="Schwerin")
    make_organisation("Dialog e. V.", city="Berlin")
    assert _search("Kontackt") == ["Kontakt e. V."]


def test_german_words_are_stemmed():
    make_organisation("Brücke e. V.", description="Beratung für Familien")
    assert _search("Beratungen") == ["Brücke e. V."]
    assert _search("Familie") == ["Brücke e. V."]


def test_a_name_match_ranks_above_a_mention():
    make_organisation("Anadolu Kulturverein e. V.")
    make_organisation("Brücke e. V.", description="Wir arbeiten mit dem Anadolu Kulturverein.")
    assert _search("Anadolu")[0] == "Anadolu Kulturverein e. V."


@pytest.mark.postgres
def test_postgres_searches_the_index_text_through_a_trigram_index():
    from django.db import connection

    make_organisation("Kontakt e. V.")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'directory_organisation'"
        )
        indexes = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "EXPLAIN SELECT id FROM directory_organisation WHERE search_index LIKE '%kontakt%'"
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "org_search_index_trgm" in indexes
    assert "org_search_index_trgm" in plan or "Seq Scan" in plan  # tiny tables may scan


def test_sqlite_keeps_its_fts5_table_in_step(on_postgres):
    if on_postgres:
        pytest.skip("SQLite's FTS5 table")
    from django.db import connection

    organisation = make_organisation("Kontakt e. V.")

    def indexed(text):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid FROM directory_organisation_fts"
                " WHERE directory_organisation_fts MATCH %s",
                [f'"{text}"'],
            )
            return [row[0] for row in cursor.fetchall()]

    assert indexed("kontakt") == [organisation.pk]
    Organisation.objects.filter(pk=organisation.pk).update(search_index=" dialog ")
    assert indexed("kontakt") == [] and indexed("dialog") == [organisation.pk]
    Organisation.objects.filter(pk=organisation.pk).delete()
    assert indexed("dialog") == []


def test_the_plan_of_a_misspelt_query_is_made_once_and_follows_the_directory(
    django_capture_on_commit_callbacks,
):
    """The typo correction counts over the scope once per generation of the
    directory; a profile that holds the typed word is seen at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with django_capture_on_commit_callbacks(execute=True):
        make_organisation("Kontakt e. V.", city="Schwerin")
        make_organisation("Dialog e. V.", city="Berlin")
    assert _search("Kontackt") == ["Kontakt e. V."]
    with CaptureQueriesContext(connection) as queries:
        assert _search("Kontackt") == ["Kontakt e. V."]
    assert len(queries.captured_queries) == 1  # the results only, no plan
    # A profile that holds the word as typed: no correction any more.
    with django_capture_on_commit_callbacks(execute=True):
        make_organisation("Kontackt Verein e. V.", city="Hamburg")
    assert _search("Kontackt") == ["Kontackt Verein e. V."]


@pytest.mark.postgres
def test_postgres_finds_a_place_through_an_index():
    from django.db import connection

    from directory.models import Organisation
    from directory.search import place_condition

    make_organisation("Kontakt e. V.", city="Frankfurt am Main")
    Organisation.objects.bulk_create(
        Organisation(name=f"Verein {i}", slug=f"verein-{i}", city=f"Ort {i % 300}",
                     status="published")
        for i in range(3000)
    )  # fmt: skip
    queryset = Organisation.objects.published().filter(place_condition("frankfurt"))
    assert list(queryset.values_list("name", flat=True)) == ["Kontakt e. V."]
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE directory_organisation")
        cursor.execute("EXPLAIN " + sql, params)
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "org_city_upper" in plan
