"""The finder follows the guide: capacities on every card, the guide's note on
volunteer-only MOs (chapter 7), wishes met per card, honest counts in the headline,
the submit and the shortlist keep the place, and a request from the shortlist
starts with the role the finder searched for."""

import re
from urllib.parse import quote

import pytest
from django.urls import reverse

from finder.models import ShortlistEntry
from guidance.models import Item
from tests.factories import make_organisation, term
from tests.html_text import visible_text
from tests.warm import warm

pytestmark = pytest.mark.django_db
URL = reverse("finder")


@pytest.fixture
def scene():
    """Kontakt runs on volunteers in Schwerin, Club Dialog has paid staff in Berlin,
    Umut is in Schwerin without the role or Russian, Fern has none of the wishes."""
    return {
        "kontakt": make_organisation(
            "Kontakt e. V.",
            slug="kontakt",
            city="Schwerin",
            postal_code="19053",
            roles=["kooperationspartner"],
            languages=["ru"],
            paid_staff=0,
            volunteers=25,
            budget_band="under_10k",
            confirmed_at="2026-10-01",
        ),
        "dialog": make_organisation(
            "Club Dialog e. V.",
            slug="dialog",
            city="Berlin",
            postal_code="10405",
            roles=["kooperationspartner"],
            languages=["ru"],
            paid_staff=12,
            volunteers=40,
            email="info@dialog.example",  # reachable: the request form is shown
            has_rooms=True,
            budget_band="50k_250k",
            confirmed_at="2026-09-01",
        ),
        "umut": make_organisation(
            "Umut e. V.",
            slug="umut",
            city="Schwerin",
            postal_code="19055",
            paid_staff=3,
            confirmed_at="2026-08-01",
        ),
        "fern": make_organisation("Fern e. V.", slug="fern", paid_staff=1),
    }


def _params(**importance):
    """Kooperationspartner, Russian, Schwerin; each nice unless told otherwise."""
    return {
        "role": term("role", "kooperationspartner").pk,
        "role_importance": importance.get("role", "nice"),
        "languages": [term("language", "ru").pk],
        "languages_importance": importance.get("languages", "nice"),
        "place": "Schwerin",
        "region_importance": importance.get("region", "nice"),
        "open_only": "on",
    }


def _card(html, slug):
    match = re.search(rf'<li class="card mb-3" id="mo-{slug}">(.*?)</div></li>', html, re.S)
    assert match, f"no card for {slug}"
    return match.group(1)


def test_every_card_shows_the_capacities(client, scene):
    html = client.get(URL, _params()).content.decode()
    assert visible_text(_card(html, "dialog")).count(
        "Kapazitäten: 12 Hauptamtliche · 40 Ehrenamtliche · eigene Räume"
        " · Budget: 50.000 bis 250.000 €"
    )
    assert "0 Hauptamtliche · 25 Ehrenamtliche · keine eigenen Räume · Budget: Unter 10.000 €" in (
        visible_text(_card(html, "kontakt"))
    )


def test_a_volunteer_only_mo_carries_the_guides_note_on_paid_structures(client, scene):
    html = client.get(URL, _params()).content.decode()
    kontakt, dialog = _card(html, "kontakt"), _card(html, "dialog")
    assert "Rein ehrenamtlich." in kontakt and "Aufwandsentschädigungen" in kontakt
    chapter_7 = Item.objects.filter(kind=Item.Kind.PREREQUISITE, chapter__number=7)
    chapter_7 = chapter_7.order_by("position").first()
    assert "hauptamtliche Strukturen" in chapter_7.title
    assert f'href="{chapter_7.get_absolute_url()}">Leitfaden, Kapitel 7</a>' in kontakt
    assert "Rein ehrenamtlich." not in dialog


def test_the_note_and_the_capacities_read_in_english(client, scene):
    client.cookies["django_language"] = "en"
    response = client.get(URL, _params(), HTTP_ACCEPT_LANGUAGE="en")
    kontakt = visible_text(_card(response.content.decode(), "kontakt"))
    assert "Volunteers only." in kontakt and "expense allowances" in kontakt
    assert "0 paid staff · 25 volunteers" in kontakt
    assert "3 of 3 wishes met" in kontakt


def test_each_card_says_how_many_wishes_it_meets(client, scene):
    html = client.get(URL, _params()).content.decode()
    met = {
        slug: re.search(r"(\d+ von \d+) Wünschen erfüllt", visible_text(_card(html, slug)))[1]
        for slug in ("kontakt", "dialog", "umut", "fern")
    }
    assert met == {
        "kontakt": "3 von 3",
        "dialog": "2 von 3",
        "umut": "1 von 3",
        "fern": "0 von 3",
    }


def test_an_all_nice_search_counts_who_meets_all_wishes_and_who_some(client, scene):
    response = client.get(URL, _params())
    assert response.context["counts"] == {"total": 4, "all": 1, "some": 3}
    text = visible_text(response.content.decode())
    assert "1 Organisation erfüllt alle Wünsche" in text
    assert "Kein Kriterium muss erfüllt sein: 3 erfüllen mindestens einen Wunsch." in text
    assert "4 passende" not in text and "alle Muss-Kriterien" not in text


def test_the_headline_counts_the_mos_meeting_every_must(client, scene):
    response = client.get(URL, _params(role="must"))
    assert [o.slug for o in response.context["results"]] == ["kontakt", "dialog"]
    text = visible_text(response.content.decode())
    assert "2 Organisationen erfüllen alle Muss-Kriterien" in text
    assert "Davon erfüllt 1 auch alle weiteren Wünsche." in text
    response = client.get(URL, _params(role="must", languages="must", region="must"))
    text = visible_text(response.content.decode())
    assert "1 Organisation erfüllt alle Muss-Kriterien" in text
    assert "Davon" not in text  # no further wishes to count


def test_the_submit_jumps_to_the_results(client, scene):
    html = client.get(URL, _params()).content.decode()
    assert f'<form method="get" action="{URL}#ergebnisse"' in html
    assert re.search(r'<h2 class="h4" id="ergebnisse" tabindex="-1">', html)


def test_shortlisting_from_a_card_returns_to_the_card_with_the_role(
    client, scene, institution_user
):
    client.force_login(institution_user)
    response = client.get(URL, _params())
    here = response.wsgi_request.get_full_path()
    card = _card(response.content.decode(), "dialog")
    role = term("role", "kooperationspartner")
    assert f'name="next" value="{here}#mo-dialog"'.replace("&", "&amp;") in card
    assert f'name="role" value="{role.pk}"' in card

    response = client.post(
        reverse("shortlist_toggle", args=["dialog"]),
        {"next": f"{here}#mo-dialog", "role": role.pk},
    )
    assert response.status_code == 302 and response["Location"] == f"{here}#mo-dialog"
    entry = ShortlistEntry.objects.get()
    assert (entry.organisation, entry.role) == (scene["dialog"], role)
    card = visible_text(_card(client.get(here).content.decode(), "dialog"))
    assert "✓ Auf Ihrer Merkliste Von der Merkliste nehmen" in card

    response = client.post(
        reverse("shortlist_toggle", args=["dialog"]), {"next": f"{here}#mo-dialog"}
    )
    assert response["Location"] == f"{here}#mo-dialog" and not ShortlistEntry.objects.exists()


@pytest.mark.parametrize(
    "role",
    ["", "x", "999999", ("language", "ru")],
    ids=["none", "not-a-number", "no-such-term", "not-a-role"],
)
def test_a_shortlist_entry_without_a_usable_role_has_none(client, scene, institution_user, role):
    client.force_login(institution_user)
    role = term(*role).pk if isinstance(role, tuple) else role
    response = client.post(
        reverse("shortlist_toggle", args=["dialog"]), {"role": role, "next": "//evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("shortlist")
    assert ShortlistEntry.objects.get().role is None


def test_visitors_are_told_why_there_is_no_shortlist_button(client, scene, member):
    response = client.get(URL, _params())
    html = response.content.decode()
    here = response.wsgi_request.get_full_path()
    assert "Auf die Merkliste" not in html
    assert "Merkliste und gespeicherte Suchen gibt es für Mitarbeitende von Institutionen" in html
    assert f'href="{reverse("login")}?next={quote(here, safe="/")}"' in html
    client.force_login(member)
    text = visible_text(client.get(URL, _params()).content.decode())
    assert "Die Merkliste und gespeicherte Suchen gibt es für verifizierte Institutionen." in text
    assert "Auf die Merkliste" not in text


def test_a_request_from_the_shortlist_starts_with_the_finders_role(client, scene, institution_user):
    role = term("role", "kooperationspartner")
    ShortlistEntry.objects.create(user=institution_user, organisation=scene["dialog"], role=role)
    ShortlistEntry.objects.create(user=institution_user, organisation=scene["umut"])
    client.force_login(institution_user)
    html = client.get(reverse("shortlist")).content.decode()
    request_url = reverse("cooperation:new", args=["dialog"]) + f"?role={role.pk}"
    assert f'href="{request_url}"' in html
    assert "gemerkt als Kooperationspartner" in html
    assert f'href="{reverse("cooperation:new", args=["umut"])}"' in html  # no role: none given

    response = client.get(request_url)
    assert response.status_code == 200
    assert response.context["form"]["purpose"].value() == role.pk
    assert re.search(rf'<option value="{role.pk}" selected>', response.content.decode())


@pytest.mark.parametrize(
    "role", ["x", "²", "999999", "99999999999999999999", ("language", "ru")], ids=str
)
def test_a_request_form_ignores_a_role_that_is_none(client, scene, institution_user, role):
    client.force_login(institution_user)
    role = term(*role).pk if isinstance(role, tuple) else role
    response = client.get(reverse("cooperation:new", args=["dialog"]), {"role": role})
    assert response.status_code == 200
    assert response.context["form"]["purpose"].value() is None


def test_a_closed_mo_on_the_shortlist_has_no_request_link(client, scene, institution_user):
    closed = make_organisation("Zu e. V.", slug="zu", open_for_cooperation=False)
    ShortlistEntry.objects.create(user=institution_user, organisation=closed)
    client.force_login(institution_user)
    html = client.get(reverse("shortlist")).content.decode()
    assert reverse("cooperation:new", args=["zu"]) not in html
    assert "Nimmt zurzeit keine neuen Kooperationen an." in html


@pytest.mark.parametrize("count", [1, 6])
def test_the_shortlist_query_count_is_pinned(
    client, scene, institution_user, django_assert_num_queries, count
):
    role = term("role", "kooperationspartner")
    for i in range(count):
        mo = make_organisation(f"Gemerkt {i} e. V.", slug=f"gemerkt-{i}")
        ShortlistEntry.objects.create(user=institution_user, organisation=mo, role=role)
    client.force_login(institution_user)
    warm()  # the vocabulary and the footer's operator slot, as in production
    with django_assert_num_queries(SHORTLIST_QUERIES):
        assert client.get(reverse("shortlist")).status_code == 200


SHORTLIST_QUERIES = 5  # the same for one entry and for six (roles joined, not fetched)


@pytest.mark.parametrize(
    "importance, counts",
    [
        ({}, {"total": 4, "all": 1, "some": 3}),  # nice only: Fern meets none
        ({"role": "must"}, {"total": 2, "all": 1, "some": 2}),  # listed MOs meet the must
        (
            {"role": "must", "languages": "must", "region": "must"},
            {"total": 1, "all": 1, "some": 1},
        ),
    ],
    ids=["nice-only", "must-and-nice", "must-only"],
)
def test_count_matches_counts_the_listed_the_complete_and_the_partial(scene, importance, counts):
    from finder.forms import FinderForm
    from finder.ranking import MUST, NICE, build_criteria, count_matches, rank

    form = FinderForm(_params(**importance))
    assert form.is_valid()
    criteria = build_criteria(form.cleaned_data)
    assert count_matches(criteria) == counts
    # The same as the ranking's scores say.
    nice = sum(1 for c in criteria if c.importance == NICE)
    has_must = any(c.importance == MUST for c in criteria)
    scores = [o.score for o in rank(criteria)]
    assert counts == {
        "total": len(scores),
        "all": sum(1 for s in scores if s == nice),
        "some": sum(1 for s in scores if s >= 1 or has_must),
    }


def test_count_matches_counts_closed_mos_only_when_asked(scene):
    from finder.ranking import build_criteria, count_matches

    make_organisation("Zu e. V.", roles=["kooperationspartner"], open_for_cooperation=False)
    criteria = build_criteria(
        {"role": term("role", "kooperationspartner"), "role_importance": "must"}
    )
    assert count_matches(criteria)["total"] == 2
    assert count_matches(criteria, open_only=False)["total"] == 3
