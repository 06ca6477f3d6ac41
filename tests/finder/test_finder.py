"""The partner finder: ranking scenarios, explanations, shortlist, saved searches."""

import csv
import io

import pytest
from django.db import connection
from django.urls import reverse

from directory.vocabulary import get_vocabulary
from finder.models import SavedSearch, ShortlistEntry
from tests.factories import make_organisation
from tests.warm import warm

pytestmark = pytest.mark.django_db
URL = reverse("finder")


def term(kind, slug):
    return get_vocabulary().get(kind, slug).pk


@pytest.fixture
def scene():
    """Four MOs; the institution looks for a partner for first counselling in
    Russian in Schwerin, with paid structures."""
    return {
        "kontakt": make_organisation(
            "Kontakt e. V.",
            slug="kontakt",
            city="Schwerin",
            postal_code="19053",
            state="mecklenburg-vorpommern",
            roles=["kooperationspartner"],
            languages=["de", "ru"],
            paid_staff=0,
            confirmed_at="2026-10-01",
        ),
        "dialog": make_organisation(
            "Club Dialog e. V.",
            slug="dialog",
            city="Berlin",
            postal_code="10405",
            state="berlin",
            roles=["kooperationspartner", "projekttraeger"],
            languages=["de", "ru"],
            paid_staff=12,
            confirmed_at="2026-09-01",
        ),
        "umut": make_organisation(
            "Umut e. V.",
            slug="umut",
            city="Schwerin",
            postal_code="19055",
            state="mecklenburg-vorpommern",
            roles=["informationsvermittler"],
            languages=["de", "tr"],
            paid_staff=3,
            confirmed_at="2026-08-01",
        ),
        "closed": make_organisation(
            "Geschlossen e. V.",
            slug="geschlossen",
            city="Schwerin",
            roles=["kooperationspartner"],
            languages=["ru"],
            paid_staff=5,
            open_for_cooperation=False,
            confirmed_at="2026-07-01",
        ),
    }


def _search(client, **params):
    query = {"open_only": "on", **params}
    response = client.get(URL, query)
    assert response.status_code == 200
    return response


def _ranked(response):
    return [(o.slug, str(o.explanation)) for o in response.context["results"]]


def test_a_described_need_ranks_the_expected_mos_first_with_explanations(client, scene):
    response = _search(
        client,
        role=term("role", "kooperationspartner"),
        role_importance="nice",
        languages=[term("language", "ru")],
        languages_importance="nice",
        place="Schwerin",
        region_importance="nice",
        paid_staff="on",
        paid_staff_importance="nice",
    )
    assert _ranked(response) == [
        (
            "kontakt",
            "✓ Kooperationspartner · ✓ Russisch · ✓ Schwerin · ✗ keine hauptamtlichen Strukturen",
        ),
        (
            "dialog",
            "✓ Kooperationspartner · ✓ Russisch · ✗ nicht in Schwerin · ✓ hauptamtliche Strukturen",
        ),
        (
            "umut",
            "✗ nicht als Kooperationspartner · ✗ kein Russisch · ✓ Schwerin"
            " · ✓ hauptamtliche Strukturen",
        ),
    ]


def test_must_criteria_exclude_and_nice_criteria_only_rank(client, scene):
    response = _search(
        client,
        role=term("role", "kooperationspartner"),
        role_importance="must",
        place="Schwerin",
        region_importance="nice",
    )
    assert [slug for slug, _ in _ranked(response)] == ["kontakt", "dialog"]
    response = _search(
        client,
        role=term("role", "kooperationspartner"),
        role_importance="must",
        place="19",
        region_importance="must",
    )
    assert [slug for slug, _ in _ranked(response)] == ["kontakt"]


def test_only_open_mos_unless_asked_otherwise(client, scene):
    params = {"role": term("role", "kooperationspartner"), "role_importance": "must"}
    assert [s for s, _ in _ranked(_search(client, **params))] == ["kontakt", "dialog"]
    response = client.get(URL, params)  # open_only unticked
    assert response.status_code == 200
    assert [o.slug for o in response.context["results"]] == ["kontakt", "dialog", "geschlossen"]


def test_ties_are_broken_by_the_confirmed_date_then_the_name(client, scene):
    response = _search(client, languages=[term("language", "de")], languages_importance="nice")
    assert [s for s, _ in _ranked(response)] == ["kontakt", "dialog", "umut"]


def test_each_language_counts_on_its_own(client, scene):
    response = _search(
        client,
        languages=[term("language", "ru"), term("language", "de")],
        languages_importance="nice",
    )
    scores = {o.slug: o.score for o in response.context["results"]}
    assert scores == {"kontakt": 2, "dialog": 2, "umut": 1}


def test_topic_matches_the_profile_text(client, scene):
    make_organisation(
        "Anerkennung jetzt e. V.",
        slug="anerkennung",
        description="Beratung zur Anerkennung ausländischer Abschlüsse",
    )
    response = _search(client, topic="Anerkennung", topic_importance="must")
    assert [s for s, _ in _ranked(response)] == ["anerkennung"]


def test_the_page_explains_how_it_ranks_and_shows_the_guide_advice(client, scene):
    response = _search(client, role=term("role", "informationsvermittler"))
    html = response.content.decode()
    assert "So ordnen wir die Ergebnisse" in html
    assert "In der MO sollten hauptamtliche Strukturen vorliegen" in html  # ch. 7
    assert "Rollenklärung am Anfang vornehmen" in html  # ch. 8 checklist
    assert "/leitfaden/professionalisierung/#item-rolle-informationsvermittler" in html
    assert reverse("finder_checklist") in html


def test_printable_checklist(client):
    html = client.get(reverse("finder_checklist")).content.decode()
    assert html.count("☐") == 3 + 15
    assert "Zeitplan aufstellen" in html


# Finder with results: count, page rows, their terms, their identity checks (the
# badge), their references confirmed by both sides, the guide's advice.
FINDER_QUERIES = 6


@pytest.mark.parametrize("extra", [0, 30])
def test_finder_query_count_is_pinned(client, scene, django_assert_num_queries, extra):
    for i in range(extra):
        make_organisation(f"Weitere {i} e. V.", roles=["kooperationspartner"], languages=["ru"])
    get_vocabulary()
    # SQLite: one more for the place, matched without regard to case beyond ASCII
    # among the distinct cities (directory.search.place_condition).
    warm()  # the vocabulary and the footer's operator slot, as in production
    with django_assert_num_queries(FINDER_QUERIES + (connection.vendor == "sqlite")):
        _search(
            client,
            role=term("role", "kooperationspartner"),
            languages=[term("language", "ru")],
            place="Schwerin",
        )


@pytest.mark.parametrize(
    "params, status",
    [
        ({"page": "99", "role": ("role", "kooperationspartner")}, 404),  # past the last page
        ({"page": "x", "role": ("role", "kooperationspartner")}, 404),
        ({"page": "0", "role": ("role", "kooperationspartner")}, 404),
        ({"page": "9" * 30, "role": ("role", "kooperationspartner")}, 404),  # no SQL overflow
        ({"languages": ["x"]}, 400),
        ({"role": "999999"}, 400),  # no such term
        ({"role": ("language", "ru")}, 400),  # a term, but not a role
        ({"topic": "x" * 201}, 400),
    ],
)
def test_bad_input_gives_a_clean_answer(client, scene, params, status):
    params = {k: term(*v) if isinstance(v, tuple) else v for k, v in params.items()}
    response = client.get(URL, params)
    assert response.status_code == status
    if status == 400:  # the form again, with its errors, and no results
        assert response.context["searched"] is False
        assert response.context["form"].errors


# -- shortlist and saved searches (institution users)


def test_institution_users_keep_a_shortlist_with_notes_and_export_it(
    client, scene, institution_user
):
    client.force_login(institution_user)
    for slug in ("kontakt", "dialog"):
        response = client.post(reverse("shortlist_toggle", args=[slug]))
        assert response.status_code == 302 and response["Location"] == reverse("shortlist")
    entry = ShortlistEntry.objects.get(organisation=scene["kontakt"])
    response = client.post(
        reverse("shortlist_note", args=[entry.pk]), {f"e{entry.pk}-note": '=HYPERLINK("evil")'}
    )
    assert response.status_code == 302 and response["Location"] == reverse("shortlist")
    html = client.get(reverse("shortlist")).content.decode()
    assert "Kontakt e. V." in html and "Club Dialog e. V." in html

    response = client.get(reverse("shortlist_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Name"
    assert sorted(row[0] for row in rows[1:]) == ["Club Dialog e. V.", "Kontakt e. V."]
    kontakt = next(r for r in rows if r[0] == "Kontakt e. V.")
    assert kontakt[-1] == '\'=HYPERLINK("evil")'  # no formula in a spreadsheet

    client.post(reverse("shortlist_toggle", args=["dialog"]))
    assert list(ShortlistEntry.objects.values_list("organisation__slug", flat=True)) == ["kontakt"]


def test_shortlist_csv_respects_contact_visibility(client, scene, institution_user):
    from directory.services import organisation_save

    kontakt = scene["kontakt"]
    kontakt.email, kontakt.email_visibility = "info@kontakt.example", "hidden"
    kontakt.phone, kontakt.phone_visibility = "+49 385 1", "institutions"
    organisation_save(organisation=kontakt, by=None)
    client.force_login(institution_user)
    client.post(reverse("shortlist_toggle", args=["kontakt"]))
    content = client.get(reverse("shortlist_csv")).content.decode("utf-8-sig")
    assert "info@kontakt.example" not in content and "+49 385 1" in content


def test_saved_searches(client, institution_user):
    client.force_login(institution_user)
    query = f"role={term('role', 'kooperationspartner')}&role_importance=must"
    response = client.post(
        reverse("finder_search_save"), {"name": "Erstberatung Russisch", "query": query}
    )
    assert response.status_code == 302 and response["Location"] == f"{URL}?{query}"
    saved = SavedSearch.objects.get()
    assert saved.user == institution_user and saved.query == query
    assert "Erstberatung Russisch" in client.get(URL).content.decode()
    response = client.post(reverse("finder_search_delete", args=[saved.pk]))
    assert response.status_code == 302 and response["Location"] == URL
    assert not SavedSearch.objects.exists()


def test_shortlist_and_saved_searches_are_for_institution_users(client, member, editor_a, scene):
    for user in (None, member, editor_a):
        client.logout()
        if user:
            client.force_login(user)
        for method, url in [
            ("get", reverse("shortlist")),
            ("get", reverse("shortlist_csv")),
            ("post", reverse("shortlist_toggle", args=["kontakt"])),
            ("post", reverse("finder_search_save")),
        ]:
            response = getattr(client, method)(url)
            expected = 302 if user is None else 403
            assert response.status_code == expected, (user, url)
    assert not ShortlistEntry.objects.exists()


def test_nobody_sees_another_users_shortlist_entry(
    client, institution_user, django_user_model, scene
):
    other = django_user_model.objects.create_user(
        email="o@example.org", password="pw", account_type="institution"
    )
    entry = ShortlistEntry.objects.create(user=other, organisation=scene["kontakt"], note="geheim")
    client.force_login(institution_user)
    assert client.post(reverse("shortlist_note", args=[entry.pk]), {}).status_code == 404
    assert "geheim" not in client.get(reverse("shortlist")).content.decode()
