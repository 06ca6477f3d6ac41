"""The partner finder's criteria one by one, and its ranking and explanations.

Each scenario has MOs that differ only in the attribute under test, so that the
criterion alone decides whether an MO is listed ("must") or how it ranks and what
its explanation says ("nice to have"). The MO that should lose is named so that it
would come first alphabetically: a criterion that stopped counting shows in the
order.
"""

import datetime

import pytest
from django.urls import reverse

from directory.models import Organisation
from finder.ranking import MUST, NICE, Criterion, Explanation, build_criteria, explain, rank
from tests.factories import make_organisation, term

pytestmark = pytest.mark.django_db
URL = reverse("finder")


def _mo(name, **values):
    """An MO with neutral defaults: no terms, Hamburg, no staff, no rooms, open."""
    values.setdefault("city", "Hamburg")
    values.setdefault("postal_code", "20095")
    values.setdefault("paid_staff", 0)
    values.setdefault("has_rooms", False)
    values.setdefault("description", "Verein für Nachbarschaft und Sprache")
    values.setdefault("confirmed_at", datetime.date(2026, 3, 1))
    values.setdefault("slug", name.split()[0].lower())
    return make_organisation(name, **values)


def _find(client, **params):
    response = client.get(URL, {"open_only": "on", **params})
    assert response.status_code == 200
    assert response.context["searched"] is True
    return [(o.slug, o.score, str(o.explanation)) for o in response.context["results"]]


# Each criterion: the finder parameters, what the matching MO has (the other MO
# has the neutral default), and the explanation when it is met and when missed.
CRITERIA = {
    "role": (
        {"role": ("role", "kooperationspartner")},
        {"roles": ["kooperationspartner"]},
        "Kooperationspartner",
        "nicht als Kooperationspartner",
    ),
    "field": (
        {"field": ("field", "bildung")},
        {"fields": ["bildung"]},
        "Bildung",
        "nicht im Feld Bildung",
    ),
    "target_group": (
        {"target_group": ("target_group", "frauen")},
        {"target_groups": ["frauen"]},
        "Frauen",
        "nicht für Frauen",
    ),
    "community": (
        {"community": ("community", "ukraine")},
        {"communities": ["ukraine"]},
        "Ukraine",
        "nicht mit Ukraine",
    ),
    "cooperated_with": (
        {"cooperated_with": ("institution_type", "jobcenter")},
        {"cooperation_experience": ["jobcenter"]},
        "Jobcenter",
        "noch keine Kooperation mit Jobcenter",
    ),
    "languages": (
        {"languages": ("language", "ru")},
        {"languages": ["ru"]},
        "Russisch",
        "kein Russisch",
    ),
    "advice_languages": (
        {"languages": ("language", "ru")},
        {"advice_languages": ["ru"]},
        "Russisch",
        "kein Russisch",
    ),
    "place": (
        {"place": "Schwerin"},
        {"city": "Schwerin"},
        "Schwerin",
        "nicht in Schwerin",
    ),
    "postal_code": (
        {"place": "19"},
        {"postal_code": "19053"},
        "19",
        "nicht in 19",
    ),
    "state": (
        {"state": ("state", "berlin")},
        {"state": "berlin"},
        "Berlin",
        "nicht in Berlin",
    ),
    "topic": (
        {"topic": "Anerkennung"},
        {"description": "Verein für Nachbarschaft und die Anerkennung von Abschlüssen"},
        "Thema „Anerkennung“",
        "Thema „Anerkennung“ nicht erwähnt",
    ),
    "paid_staff": (
        {"paid_staff": "on"},
        {"paid_staff": 1},
        "hauptamtliche Strukturen",
        "keine hauptamtlichen Strukturen",
    ),
    "rooms": (
        {"rooms": "on"},
        {"has_rooms": True},
        "eigene Räume",
        "keine eigenen Räume",
    ),
    "volunteers": (
        {"volunteers": "10"},
        {"volunteers": 10},  # the other MO has 9
        "mindestens 10 Ehrenamtliche",
        "weniger als 10 Ehrenamtliche",
    ),
    "budget": (
        {"budget": "10k_50k"},
        {"budget_band": "10k_50k"},  # the other MO has under 10,000 €
        "Jahresbudget ab 10.000 €",
        "Jahresbudget unter 10.000 €",
    ),
    "budget_any": (
        {"budget": "under_10k"},
        {"budget_band": "over_250k"},  # the other MO has none
        "eigenes Budget",
        "kein eigenes Budget",
    ),
}
IMPORTANCE_PARAM = {
    "advice_languages": "languages_importance",
    "budget_any": "budget_importance",
    "place": "region_importance",
    "postal_code": "region_importance",
    "state": "region_importance",
}


# Where the losing MO is just below the wish (a boundary), not at the neutral default.
NEAR_MISS = {"volunteers": {"volunteers": 9}, "budget": {"budget_band": "under_10k"}}


def _scenario(name, importance):
    """Two MOs differing only in the criterion's attribute, and the query for it."""
    wish, attributes, met, missed = CRITERIA[name]
    params = {
        key: term(*value).pk if isinstance(value, tuple) else value for key, value in wish.items()
    }
    params[IMPORTANCE_PARAM.get(name, f"{name}_importance")] = importance
    _mo("Anders e. V.", **NEAR_MISS.get(name, {}))
    _mo("Bestens e. V.", **attributes)
    return params, met, missed


@pytest.mark.parametrize("name", CRITERIA)
def test_a_nice_to_have_criterion_ranks_the_mo_that_meets_it_first(client, name):
    params, met, missed = _scenario(name, NICE)
    assert _find(client, **params) == [("bestens", 1, f"✓ {met}"), ("anders", 0, f"✗ {missed}")]


@pytest.mark.parametrize("name", CRITERIA)
def test_a_must_criterion_lists_only_the_mo_that_meets_it(client, name):
    params, met, _missed = _scenario(name, MUST)
    assert _find(client, **params) == [("bestens", 0, f"✓ {met}")]


def test_each_criterion_is_explained_in_the_order_of_the_form(client):
    _mo(
        "Alles e. V.",
        roles=["kooperationspartner"],
        description="Beratung zur Anerkennung",
        fields=["bildung"],
        target_groups=["frauen"],
        communities=["ukraine"],
        languages=["ru"],
        city="Schwerin",
        paid_staff=2,
        has_rooms=True,
        volunteers=12,
        budget_band="10k_50k",
        cooperation_experience=["jobcenter"],
    )
    _mo("Nichts e. V.")
    params = {
        "role": term("role", "kooperationspartner").pk,
        "topic": "Anerkennung",
        "field": term("field", "bildung").pk,
        "target_group": term("target_group", "frauen").pk,
        "community": term("community", "ukraine").pk,
        "languages": [term("language", "ru").pk],
        "place": "Schwerin",
        "paid_staff": "on",
        "rooms": "on",
        "volunteers": "12",
        "budget": "10k_50k",
        "cooperated_with": term("institution_type", "jobcenter").pk,
    }
    assert _find(client, **params) == [
        (
            "alles",
            12,
            "✓ Kooperationspartner · ✓ Bildung · ✓ Frauen · ✓ Ukraine · ✓ Jobcenter"
            " · ✓ Russisch · ✓ Schwerin · ✓ Thema „Anerkennung“ · ✓ hauptamtliche Strukturen"
            " · ✓ eigene Räume · ✓ mindestens 12 Ehrenamtliche · ✓ Jahresbudget ab 10.000 €",
        ),
        (
            "nichts",
            0,
            "✗ nicht als Kooperationspartner · ✗ nicht im Feld Bildung · ✗ nicht für Frauen"
            " · ✗ nicht mit Ukraine · ✗ noch keine Kooperation mit Jobcenter · ✗ kein Russisch"
            " · ✗ nicht in Schwerin · ✗ Thema „Anerkennung“ nicht erwähnt"
            " · ✗ keine hauptamtlichen Strukturen · ✗ keine eigenen Räume"
            " · ✗ weniger als 12 Ehrenamtliche · ✗ Jahresbudget unter 10.000 €",
        ),
    ]


def test_must_criteria_are_explained_as_met_and_nice_ones_add_up(client):
    _mo("Ohne e. V.", roles=["kooperationspartner"])
    _mo("Mit Raum e. V.", roles=["kooperationspartner"], has_rooms=True)
    _mo("Raum ohne Rolle e. V.", has_rooms=True, description="Anerkennung")
    _mo("Beides e. V.", roles=["kooperationspartner"], has_rooms=True, description="Anerkennung")
    params = {
        "role": term("role", "kooperationspartner").pk,
        "role_importance": MUST,
        "topic": "Anerkennung",
        "rooms": "on",
    }
    assert _find(client, **params) == [
        ("beides", 2, "✓ Kooperationspartner · ✓ Thema „Anerkennung“ · ✓ eigene Räume"),
        ("mit", 1, "✓ Kooperationspartner · ✗ Thema „Anerkennung“ nicht erwähnt · ✓ eigene Räume"),
        (
            "ohne",
            0,
            "✓ Kooperationspartner · ✗ Thema „Anerkennung“ nicht erwähnt · ✗ keine eigenen Räume",
        ),
    ]


def test_several_must_criteria_must_all_be_met(client):
    _mo("Rolle e. V.", roles=["kooperationspartner"])
    _mo("Raum e. V.", has_rooms=True)
    _mo("Beides e. V.", roles=["kooperationspartner"], has_rooms=True)
    params = {
        "role": term("role", "kooperationspartner").pk,
        "role_importance": MUST,
        "rooms": "on",
        "rooms_importance": MUST,
    }
    assert _find(client, **params) == [("beides", 0, "✓ Kooperationspartner · ✓ eigene Räume")]


def test_several_topics_in_the_ranking_each_have_their_own_explanation(client):
    """The topic is decided in the database: its flag is found by its position."""
    _mo("Ohne e. V.", languages=["ru"])
    _mo("Thema e. V.", description="Anerkennung und Bewerbung")
    _mo("Sprache und Thema e. V.", languages=["ru"], description="Anerkennung")
    params = {"languages": [term("language", "ru").pk], "topic": "Anerkennung"}
    assert _find(client, **params) == [
        ("sprache", 2, "✓ Russisch · ✓ Thema „Anerkennung“"),
        ("ohne", 1, "✓ Russisch · ✗ Thema „Anerkennung“ nicht erwähnt"),
        ("thema", 1, "✗ kein Russisch · ✓ Thema „Anerkennung“"),
    ]


def test_the_topic_is_whitespace_normalised(client):
    _mo("Anders e. V.")
    _mo("Bestens e. V.", description="Beratung zur Anerkennung der Berufsabschlüsse")
    assert _find(client, topic="  Anerkennung \t  Berufsabschlüsse ", topic_importance=NICE) == [
        ("bestens", 1, "✓ Thema „Anerkennung Berufsabschlüsse“"),
        ("anders", 0, "✗ Thema „Anerkennung Berufsabschlüsse“ nicht erwähnt"),
    ]


@pytest.mark.parametrize("topic", ["a", "-", "„ “", "x y"])
def test_a_topic_without_a_word_to_search_is_explained_next_to_the_field(client, topic):
    """Single letters and punctuation are not searched: a topic of only those has
    no condition (it made a 500); the form says so next to the field."""
    _mo("Verein e. V.")
    for importance in (NICE, MUST):
        response = client.get(URL, {"topic": topic, "topic_importance": importance})
        assert response.status_code == 400
        html = response.content.decode()
        assert 'id="id_topic_error"' in html
        assert "kein Wort, nach dem gesucht werden kann" in html
        assert response.context["searched"] is False


def test_an_alert_saved_with_a_topic_without_words_ranks_without_it():
    """A saved search from before the form refused such topics: no 500, no topic."""
    _mo("Verein e. V.")
    criteria = build_criteria({"topic": "a", "topic_importance": MUST})
    assert [c.key for c in criteria] == []
    assert list(rank(criteria).values_list("name", flat=True)) == ["Verein e. V."]


# -- languages


def test_each_wanted_language_counts_and_is_explained_on_its_own(client):
    _mo("Keine e. V.")
    _mo("Beratung e. V.", advice_languages=["tr"])
    _mo("Zwei e. V.", languages=["ru"], advice_languages=["tr"])
    _mo("Russisch e. V.", languages=["ru"])
    params = {"languages": [term("language", "ru").pk, term("language", "tr").pk]}
    assert _find(client, **params) == [
        ("zwei", 2, "✓ Russisch · ✓ Türkisch"),
        ("beratung", 1, "✗ kein Russisch · ✓ Türkisch"),
        ("russisch", 1, "✓ Russisch · ✗ kein Türkisch"),
        ("keine", 0, "✗ kein Russisch · ✗ kein Türkisch"),
    ]


def test_every_wanted_language_is_a_must_of_its_own(client):
    _mo("Russisch e. V.", languages=["ru"])
    _mo("Zwei e. V.", languages=["ru"], advice_languages=["tr"])
    params = {
        "languages": [term("language", "ru").pk, term("language", "tr").pk],
        "languages_importance": MUST,
    }
    assert _find(client, **params) == [("zwei", 0, "✓ Russisch · ✓ Türkisch")]


# -- region: place (city or postal code prefix) or state


@pytest.fixture
def towns():
    return [
        _mo("Main e. V.", city="Frankfurt am Main", postal_code="60311", state="hessen"),
        _mo("Oder e. V.", city="Frankfurt (Oder)", postal_code="15230", state="brandenburg"),
        _mo("Aheim e. V.", city="Frankfurtheim", postal_code="60312", state="hessen"),
        _mo("Schwerin e. V.", city="Schwerin", postal_code="19053", state="mecklenburg-vorpommern"),
        _mo("Lankow e. V.", city="Schwerin", postal_code="19057", state="mecklenburg-vorpommern"),
        _mo("Berlin e. V.", city="Berlin", postal_code="10405", state="berlin"),
    ]


def _region(client, importance, **params):
    """{slug: met} for a region wish; for a must, the MOs listed."""
    found = _find(client, region_importance=importance, **params)
    if importance == MUST:
        assert all(score == 0 and text.startswith("✓ ") for _s, score, text in found)
        return [slug for slug, _score, _text in found]
    scores = {slug: score for slug, score, _text in found}
    explained = {slug: text.startswith("✓ ") for slug, _score, text in found}
    assert scores == {slug: int(met) for slug, met in explained.items()}
    assert [s for s, _sc, _t in found] == sorted(scores, key=lambda s: (-scores[s], s))
    return sorted(slug for slug, met in explained.items() if met)


@pytest.mark.parametrize("importance", [MUST, NICE])
@pytest.mark.parametrize(
    "place, expected",
    [
        ("Schwerin", ["lankow", "schwerin"]),
        ("schwerin", ["lankow", "schwerin"]),  # case does not matter
        ("Frankfurt", ["main", "oder"]),  # "Frankfurt am Main", not "Frankfurtheim"
        ("Frankfurt am Main", ["main"]),
        ("  frankfurt   am\tMain ", ["main"]),  # whitespace normalised
        ("Frankfurt am", ["main"]),  # the first words of a city's name
        ("Frankf", []),  # but not a part of a word
        ("1905", ["lankow", "schwerin"]),  # postal code prefix
        ("190531", ["schwerin"]),  # at most the five digits of a postal code
        ("6031", ["aheim", "main"]),
        ("19 Schwerin", []),  # not a postal code, and no such city
    ],
)
def test_a_place_is_a_city_or_the_start_of_a_postal_code(
    client, towns, importance, place, expected
):
    assert _region(client, importance, place=place) == expected


@pytest.mark.parametrize("importance", [MUST, NICE])
def test_a_state_and_a_place_are_either_or(client, towns, importance):
    hessen = term("state", "hessen").pk
    assert _region(client, importance, state=hessen) == ["aheim", "main"]
    assert _region(client, importance, state=hessen, place="Schwerin") == [
        "aheim",
        "lankow",
        "main",
        "schwerin",
    ]
    assert _region(client, importance, state=hessen, place="1905") == [
        "aheim",
        "lankow",
        "main",
        "schwerin",
    ]


def test_the_region_explanation_names_the_place_and_the_state(client, towns):
    found = _find(
        client, place=" Schwerin ", state=term("state", "berlin").pk, region_importance=NICE
    )
    texts = {slug: text for slug, _score, text in found}
    assert texts["schwerin"] == "✓ Schwerin, Berlin"
    assert texts["berlin"] == "✓ Schwerin, Berlin"
    assert texts["main"] == "✗ nicht in Schwerin, Berlin"
    found = _find(client, state=term("state", "berlin").pk, region_importance=NICE)
    assert {slug: text for slug, _score, text in found}["main"] == "✗ nicht in Berlin"


# -- ranking and what is listed at all


def test_ties_go_to_the_latest_confirmation_then_the_name_then_the_oldest_entry(client):
    kept = {"roles": ["kooperationspartner"]}
    _mo("Alt e. V.", confirmed_at=datetime.date(2025, 1, 1), **kept)
    _mo("Nie e. V.", confirmed_at=None, **kept)
    _mo("Zuletzt e. V.", confirmed_at=datetime.date(2026, 6, 1), **kept)
    _mo("Beta e. V.", confirmed_at=datetime.date(2026, 3, 1), **kept)
    _mo("Alpha e. V.", confirmed_at=datetime.date(2026, 3, 1), **kept)
    _mo("Alpha e. V.", slug="alpha-3", confirmed_at=datetime.date(2026, 3, 1), **kept)
    _mo("Alpha e. V.", slug="alpha-2", confirmed_at=datetime.date(2026, 3, 1), **kept)
    found = _find(client, role=term("role", "kooperationspartner").pk)
    assert [slug for slug, _score, _text in found] == [
        "zuletzt",
        "alpha",  # the same name: the older entry first
        "alpha-3",
        "alpha-2",
        "beta",
        "alt",
        "nie",  # never confirmed: last
    ]


def test_the_last_tie_breaker_is_the_order_of_entry_not_the_order_of_storage(client):
    for pk in (900_002, 900_001):  # stored in the other order
        _mo("Gleich e. V.", pk=pk, slug=f"gleich-{pk}", has_rooms=True)
    found = _find(client, rooms="on", rooms_importance=MUST)
    assert [slug for slug, _score, _text in found] == ["gleich-900001", "gleich-900002"]


def test_a_better_score_beats_a_more_recent_confirmation(client):
    _mo("Neu e. V.", confirmed_at=datetime.date(2026, 9, 1))
    _mo("Alt e. V.", confirmed_at=datetime.date(2020, 1, 1), has_rooms=True)
    found = _find(client, rooms="on")
    assert [slug for slug, _score, _text in found] == ["alt", "neu"]


def test_only_published_and_open_mos_are_listed_unless_closed_ones_are_asked_for(client):
    _mo("Offen e. V.", has_rooms=True)
    _mo("Zu e. V.", has_rooms=True, open_for_cooperation=False)
    _mo("Entwurf e. V.", has_rooms=True, status=Organisation.Status.DRAFT)
    assert [s for s, _sc, _t in _find(client, rooms="on")] == ["offen"]
    response = client.get(URL, {"rooms": "on"})  # "only open ones" unticked
    assert [o.slug for o in response.context["results"]] == ["offen", "zu"]


def test_a_search_without_any_criterion_lists_nothing(client):
    _mo("Offen e. V.")
    response = client.get(URL, {"open_only": "on", "role_importance": MUST})
    assert response.status_code == 200
    assert response.context["searched"] is False
    assert "results" not in response.context


def test_the_explanations_are_in_english_on_the_english_page(client):
    _mo("Anders e. V.")
    _mo("Bestens e. V.", roles=["kooperationspartner"], city="Schwerin")
    client.cookies["django_language"] = "en"
    found = _find(
        client,
        role=term("role", "kooperationspartner").pk,
        place="Schwerin",
        topic="Anerkennung",
    )
    assert found == [
        (
            "bestens",
            2,
            "✓ Cooperation partner · ✓ Schwerin · ✗ topic “Anerkennung” not mentioned",
        ),
        (
            "anders",
            0,
            "✗ not as Cooperation partner · ✗ not in Schwerin"
            " · ✗ topic “Anerkennung” not mentioned",
        ),
    ]


# -- the module's own interface, as the views use it


def test_build_criteria_of_nothing_is_no_criterion():
    assert build_criteria({}) == []
    assert build_criteria({"languages": None, "place": None, "topic": None, "state": None}) == []
    assert build_criteria({"place": "   ", "topic": " \t "}) == []


def test_build_criteria_keys_importance_and_labels():
    data = {
        "role": term("role", "kooperationspartner"),
        "role_importance": MUST,
        "field": term("field", "bildung"),
        "target_group": term("target_group", "frauen"),
        "target_group_importance": "",
        "community": term("community", "ukraine"),
        "cooperated_with": term("institution_type", "jobcenter"),
        "cooperated_with_importance": MUST,
        "languages": [term("language", "ru"), term("language", "tr")],
        "languages_importance": MUST,
        "place": "Schwerin",
        "region_importance": NICE,
        "topic": "Anerkennung",
        "topic_importance": MUST,
        "paid_staff": True,
        "paid_staff_importance": MUST,
        "rooms": True,
        "rooms_importance": "irgendwas",
    }
    criteria = build_criteria(data)
    assert [(c.key, c.importance, c.met_label, c.missed_label) for c in criteria] == [
        ("role", MUST, "Kooperationspartner", "nicht als Kooperationspartner"),
        ("field", NICE, "Bildung", "nicht im Feld Bildung"),
        ("target_group", NICE, "Frauen", "nicht für Frauen"),
        ("community", NICE, "Ukraine", "nicht mit Ukraine"),
        ("cooperated_with", MUST, "Jobcenter", "noch keine Kooperation mit Jobcenter"),
        ("languages", MUST, "Russisch", "kein Russisch"),
        ("languages", MUST, "Türkisch", "kein Türkisch"),
        ("region", NICE, "Schwerin", "nicht in Schwerin"),
        ("topic", MUST, "Thema „Anerkennung“", "Thema „Anerkennung“ nicht erwähnt"),
        ("paid_staff", MUST, "hauptamtliche Strukturen", "keine hauptamtlichen Strukturen"),
        ("rooms", NICE, "eigene Räume", "keine eigenen Räume"),
    ]
    assert [c.test is None for c in criteria] == [False] * 8 + [True] + [False] * 2


def test_rank_lists_only_open_mos_by_default():
    _mo("Offen e. V.")
    _mo("Zu e. V.", open_for_cooperation=False)
    assert [o.slug for o in rank([])] == ["offen"]
    assert [o.slug for o in rank([], open_only=False)] == ["offen", "zu"]


def test_explain_reads_the_terms_of_the_mo_and_tolerates_missing_relations():
    organisation = _mo("Kontakt e. V.", city="Schwerin", languages=["ru"])
    russian, turkish = term("language", "ru"), term("language", "tr")
    data = {
        "role": term("role", "kooperationspartner"),
        "languages": [russian, turkish],
        "place": "Schwerin",
    }
    criteria = build_criteria(data)
    assert explain(organisation, {}, criteria).items == [
        (False, "nicht als Kooperationspartner"),
        (False, "kein Russisch"),
        (False, "kein Türkisch"),
        (True, "Schwerin"),
    ]
    terms = {"roles": [term("role", "kooperationspartner")], "advice_languages": [turkish]}
    assert explain(organisation, terms, criteria).items == [
        (True, "Kooperationspartner"),
        (False, "kein Russisch"),
        (True, "Türkisch"),
        (True, "Schwerin"),
    ]


def test_an_explanation_reads_as_ticks_and_crosses():
    assert str(Explanation()) == ""
    assert str(Explanation([(True, "A")])) == "✓ A"
    assert str(Explanation([(True, "A"), (False, "B"), (True, "C")])) == "✓ A · ✗ B · ✓ C"
    assert Explanation().items == [] and Explanation().items is not Explanation().items


def test_a_criterion_without_a_test_is_met_when_the_database_says_so():
    criterion = Criterion(
        key="x", condition=None, importance=NICE, met_label="ja", missed_label="nein"
    )
    assert criterion.test is None

    class Row:
        meets_0 = 1

    assert explain(Row(), {}, [criterion]).items == [(True, "ja")]
    assert explain(object(), {}, [criterion]).items == [(False, "nein")]
