""" "Mein Bereich" per role: an institution sees its shortlist, saved searches and
requests (and no "Neues Profil anlegen"); an MO's team its organisations with a
completeness bar and whether they are in review, and unread requests; a
coordinator the tasks with their counts; a plain member what leads to a profile."""

import re

import pytest
from django.urls import reverse

from directory.models import Claim, Organisation
from finder.models import SavedSearch, ShortlistEntry
from tests.factories import make_organisation
from tests.warm import warm

pytestmark = pytest.mark.django_db
URL = "/konto/"


def _page(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("account"))
    assert response.status_code == 200
    return response.content.decode()


def test_an_institution_sees_its_shortlist_searches_and_requests(client, institution_user, mo_a):
    ShortlistEntry.objects.create(user=institution_user, organisation=mo_a)
    SavedSearch.objects.create(user=institution_user, name="Elternarbeit Schwerin", query="q=x")
    page = _page(client, institution_user)
    assert 'id="h-shortlist"' in page and "Verein A e. V." in page
    assert "Elternarbeit Schwerin" in page and 'href="/partnersuche/?q=x"' in page
    assert 'id="h-requests"' in page
    assert "Neues Profil anlegen" not in page and 'id="h-tasks"' not in page


def test_an_mo_editor_sees_completeness_review_state_and_unread(client, editor_a, mo_a):
    Organisation.objects.filter(pk=mo_a.pk).update(status="in_review")
    page = _page(client, editor_a)
    assert "Verein A e. V." in page and "Wird geprüft" in page
    percent = re.search(r'<progress class="completeness-bar" max="100" value="(\d+)"', page)
    assert percent and 0 < int(percent.group(1)) < 100  # a role and a place, no description
    assert 'id="h-requests"' in page and "Nichts Ungelesenes." in page
    assert 'id="h-shortlist"' not in page and 'id="h-tasks"' not in page


def test_a_coordinator_sees_the_tasks_with_their_counts(client, coordinator, editor_b, mo_b):
    for n in range(2):
        make_organisation(f"Prüfling {n} e. V.", status="in_review")
    Claim.objects.create(organisation=mo_b, user=editor_b, message="Ich bin im Vorstand.")
    page = _page(client, coordinator)
    tasks = page[page.index('id="h-tasks"') : page.index("</section>", page.index('id="h-tasks"'))]
    review = re.search(r"Profile, die auf Prüfung warten</a>\s*<span[^>]*>(\d+)<", tasks)
    claims = re.search(r"Anfragen zur Übernahme eines Profils</a>\s*<span[^>]*>(\d+)<", tasks)
    assert review and review.group(1) == "2"
    assert claims and claims.group(1) == "1"
    assert "Neues Profil anlegen" not in page and 'id="h-shortlist"' not in page


def test_a_member_without_an_organisation_is_led_to_take_over_first(client, member):
    page = _page(client, member)
    take_over = page.index("Bestehendes Profil suchen und übernehmen")
    new = page.index("Neues Profil anlegen")
    assert take_over < new
    assert re.search(r'class="btn btn-primary" href="/organisationen/"', page)
    assert 'id="h-tasks"' not in page and 'id="h-shortlist"' not in page


def test_the_teams_completeness_costs_the_same_queries_for_more_organisations(
    client, member, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from directory.team import owner_assign

    client.force_login(member)
    owner_assign(organisation=make_organisation("Eins e. V.", slug="eins"), user=member)
    warm()
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("account"))
    for n in range(4):
        owner_assign(
            organisation=make_organisation(f"Mehr {n} e. V.", slug=f"mehr-{n}"), user=member
        )
    warm()
    with CaptureQueriesContext(connection) as five:
        page = client.get(reverse("account")).content.decode()
    assert page.count("<progress") == 5
    assert len(five) == len(one)
