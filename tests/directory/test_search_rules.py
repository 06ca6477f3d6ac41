"""The rules of directory.search on both databases: the query text, the search
document and matching (the German rules: tests/directory/test_search_german.py)."""

import pytest

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
    # Nothing has every word: the results of the words that match, "Leipzig" named.
    queryset, plan = search.search(Organisation.objects.all(), "Kulturverein Leipzig")
    assert _names(queryset) == _search("Kulturverein") and plan.missing == ["Leipzig"]


def test_a_word_with_a_minus_in_front_is_excluded(orgs):
    assert _search("Kulturverein -Rostock -Entwurf") == ["Kulturverein Schwerin e. V."]
    # Only exclusions: everything else.
    assert _search("-Kulturverein", Organisation.objects.published()) == [
        "Kontakt e. V.",
        "Verein der Ärzte aus Syrien e. V.",
    ]
    # Folded and stemmed like any word; two exclusions.
    assert _search("verein -KULTURVEREINE -Ärzte", Organisation.objects.published()) == []
    assert _search("Verein -kulturvereinen", Organisation.objects.published()) == [
        "Verein der Ärzte aus Syrien e. V."
    ]
    # A hyphen inside a word or standing alone excludes nothing.
    assert search.split_excluded("Deutsch-Russisch - Beratung") == (
        "Deutsch-Russisch - Beratung",
        [],
    )
    assert search.split_excluded("Beratung -Sport") == ("Beratung  ", ["sport"])


def test_an_excluded_word_is_never_relaxed_away(orgs):
    # No profile holds every word: the relaxed results still leave Rostock out.
    queryset, plan = search.search(
        Organisation.objects.published(), "Kulturverein Leipzig -Rostock"
    )
    assert _names(queryset) == ["Kulturverein Schwerin e. V."]
    assert plan.missing == ["Leipzig"]
    # A typo's suggestion keeps the exclusion.
    queryset, plan = search.search(Organisation.objects.published(), "Kulturferein -Rostock")
    assert plan.suggestion == "kulturverein -rostock"
    assert _names(queryset) == ["Kulturverein Schwerin e. V."]


def test_umlauts_and_case(orgs):
    assert _search("ÄRZTE SYRIEN") == ["Verein der Ärzte aus Syrien e. V."]
    assert _search("ärzte") == ["Verein der Ärzte aus Syrien e. V."]


def test_the_search_keeps_the_given_queryset(orgs):
    assert _search("Kulturverein", Organisation.objects.filter(city="Rostock")) == [
        "Kulturverein Rostock e. V."
    ]


def test_search_condition_finds_what_the_search_finds(orgs):
    queries = ("Kulturverein", "kulturverein schwerin", "Russisch", "Familien", "gibtsnicht")
    for scope in (Organisation.objects.published(), Organisation.objects.all()):
        for query in queries:
            by_condition = _names(scope.filter(search.search_condition(query, scope)))
            assert by_condition == _search(query, scope), query
    everything = Organisation.objects.all()
    assert _names(everything.filter(search.search_condition("Kulturverein", everything))) == [
        "Kulturverein Entwurf e. V.",
        "Kulturverein Rostock e. V.",
        "Kulturverein Schwerin e. V.",
    ]


def test_search_condition_scores_inside_a_case(orgs):
    """As the partner finder uses it: a wish's condition in its scoring CASE."""
    from django.db.models import Case, IntegerField, Value, When

    scored = Organisation.objects.published().annotate(
        score=Case(
            When(search.search_condition("Schwerin"), then=Value(1)),
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
    assert search.search(Organisation.objects.all(), query)[1].missing == ["x" * 187]
    assert _names(Organisation.objects.filter(search.search_condition("\x00Kontakt\x00"))) == [
        "Kontakt e. V."
    ]
