"""A profile not confirmed for 12 months warns its visitors that it may be out of
date: on the profile (for every visitor, signed in or not) and in the results."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from directory.models import Organisation
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db
WARNING = "Diese Angaben sind möglicherweise nicht mehr aktuell."


def _days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def _profile(client, organisation) -> str:
    response = client.get(organisation.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_a_profile_confirmed_more_than_a_year_ago_warns(client):
    old = make_organisation("Alt e. V.", confirmed_at=_days_ago(400))
    page = _profile(client, old)
    assert WARNING in page
    assert _days_ago(400).strftime("%Y") in page and "vor mehr als 12 Monaten" in page
    assert "Als aktuell bestätigt am" not in page


def test_a_profile_confirmed_this_year_does_not_warn(client):
    page = _profile(client, make_organisation("Neu e. V.", confirmed_at=_days_ago(364)))
    assert WARNING not in page and "Als aktuell bestätigt am" in page


def test_an_import_after_the_last_confirmation_counts_as_current(client):
    imported = make_organisation(
        "Importiert e. V.",
        confirmed_at=_days_ago(800),
        source_name="Netzwerk-Liste",
        source_imported_at=timezone.now() - datetime.timedelta(days=10),
    )
    assert WARNING not in _profile(client, imported)


def test_the_warning_appears_when_the_year_passes_for_signed_in_visitors_too(
    client, institution_user
):
    """The profile's heading is kept per version (directory.views.profile_parts); time
    passing makes no new version, and the kept heading must not hide the warning."""
    organisation = make_organisation("Brücke e. V.", confirmed_at=_days_ago(300))
    client.force_login(institution_user)
    assert WARNING not in _profile(client, organisation)  # the heading is now kept
    Organisation.objects.filter(pk=organisation.pk).update(confirmed_at=_days_ago(366))
    organisation.refresh_from_db()
    assert WARNING in _profile(client, organisation)


def test_the_results_mark_overdue_profiles_without_a_query_per_row(client, institution_user):
    make_organisation("Aktuell e. V.", confirmed_at=_days_ago(10))
    make_organisation("Veraltet e. V.", confirmed_at=_days_ago(500))
    url = reverse("directory:organisation_list")
    html = client.get(url).content.decode()
    assert html.count("Seit über 12 Monaten nicht bestätigt") == 1
    assert html.index("Aktuell e. V.") < html.index("Aktuell bestätigt am")
    for index in range(5):
        make_organisation(f"Veraltet {index} e. V.", confirmed_at=_days_ago(500))
    client.force_login(institution_user)  # no page kept: every request computed

    def queries(word):
        client.get(url, {"q": word})  # the vocabulary and counts kept
        with CaptureQueriesContext(connection) as captured:
            html = client.get(url, {"q": word}).content.decode()
        return len(captured.captured_queries), html

    one, _html = queries("Aktuell")
    six, html = queries("Veraltet")
    assert html.count("Seit über 12 Monaten nicht bestätigt") == 6
    assert six == one


def test_the_warning_is_in_english_too(client):
    client.cookies["django_language"] = "en"
    page = _profile(client, make_organisation("Alt e. V.", confirmed_at=_days_ago(400)))
    assert "This information may be out of date." in page
