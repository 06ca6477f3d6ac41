"""Alerts of saved searches: subscribing, the weekly digest of the MOs that newly
match (nothing when nothing is new, once a week however often the worker runs), and
unsubscribing in one click from the mail without signing in."""

import datetime
import io
import re

import pytest
from django.core import signing
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from directory.services import organisation_save
from finder import services
from finder.models import AlertSeen, SavedSearch
from mailer.models import OutgoingMail
from tests import personas
from tests.factories import make_organisation, term

pytestmark = pytest.mark.django_db
WEEK = datetime.timedelta(days=7)


def _query(**extra):
    """Kooperationspartner (must), Russian (nice), open MOs only."""
    params = {
        "role": term("role", "kooperationspartner").pk,
        "role_importance": "must",
        "languages": term("language", "ru").pk,
        "languages_importance": "nice",
        "open_only": "on",
        **extra,
    }
    return "&".join(f"{key}={value}" for key, value in params.items())


@pytest.fixture
def known():
    return make_organisation("Bekannt e. V.", slug="bekannt", roles=["kooperationspartner"])


@pytest.fixture
def search(institution_user, known):
    search = SavedSearch.objects.create(user=institution_user, name="Russisch", query=_query())
    services.alert_subscribe(search=search, now=timezone.now() - WEEK)
    return search


def _digests():
    return list(OutgoingMail.objects.filter(template="alert-digest").order_by("pk"))


def _unsubscribe_url(mail):
    return re.search(r"https?://\S+(/partnersuche/suchen/\d+/abbestellen/\S+/)", mail.body_text)[1]


# -- subscribing


def test_saving_a_search_with_the_checkbox_subscribes_it(client, institution_user, known):
    client.force_login(institution_user)
    response = client.post(
        reverse("finder_search_save"), {"name": "Russisch", "query": _query(), "alert": "on"}
    )
    assert response.status_code == 302
    search = SavedSearch.objects.get()
    assert search.alert and search.alert_checked_at is not None
    assert list(AlertSeen.objects.values_list("organisation__slug", flat=True)) == ["bekannt"]
    html = client.get(reverse("finder")).content.decode()
    assert "wöchentliche E-Mail" in html and "E-Mail abbestellen" in html


def test_a_saved_search_is_subscribed_and_unsubscribed_with_its_button(
    client, institution_user, known
):
    search = SavedSearch.objects.create(user=institution_user, name="Russisch", query=_query())
    client.force_login(institution_user)
    url = reverse("finder_search_alert", args=[search.pk])
    response = client.post(url, {"next": reverse("finder") + "?x=1"})
    assert response.status_code == 302 and response["Location"] == reverse("finder") + "?x=1"
    search.refresh_from_db()
    assert search.alert and AlertSeen.objects.filter(search=search).count() == 1
    client.post(url)
    search.refresh_from_db()
    assert not search.alert and not AlertSeen.objects.exists()


def test_nobody_switches_the_alert_of_another_persons_search(client, search, member):
    colleague = personas.create("institution", email="kollegin@example.org")
    for user, status in ((member, 403), (colleague, 404)):
        client.force_login(user)
        assert client.post(reverse("finder_search_alert", args=[search.pk])).status_code == status
    search.refresh_from_db()
    assert search.alert


# -- the digest


def test_the_digest_lists_only_the_mos_that_newly_match(search, institution_user, sent_mail):
    make_organisation("Ohne Rolle e. V.", slug="ohne", languages=["ru"])  # misses the must
    new = make_organisation(
        "Neu e. V.",
        slug="neu",
        city="Schwerin",
        roles=["kooperationspartner"],
        languages=["ru"],
        paid_staff=0,
    )
    assert services.send_alert_digests() == 1
    (mail,) = _digests()
    assert mail.to == institution_user.email
    assert mail.subject == "Neu zu Ihrer Suche „Russisch“: 1 Organisation"
    assert "Neu e. V., Schwerin (2 von 2 Wünschen erfüllt)" in mail.body_text
    assert new.get_absolute_url() in mail.body_text
    assert "Bekannt e. V." not in mail.body_text and "Ohne Rolle" not in mail.body_text
    assert "/partnersuche/?" + search.query in mail.body_text
    unsubscribe = _unsubscribe_url(mail)
    assert mail.headers["List-Unsubscribe"].endswith(unsubscribe + ">")
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    (message,) = sent_mail()
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.message()["List-Unsubscribe"] == mail.headers["List-Unsubscribe"]
    assert set(AlertSeen.objects.values_list("organisation__slug", flat=True)) == {
        "bekannt",
        "neu",
    }


def test_an_mo_that_changes_to_match_is_new_too(search):
    later = make_organisation("Später e. V.", slug="spaeter")
    assert services.send_alert_digests() == 0
    search.alert_checked_at = timezone.now() - WEEK
    search.save()
    later.roles.add(term("role", "kooperationspartner"))
    organisation_save(organisation=later, by=None)
    assert services.send_alert_digests() == 1
    assert "Später e. V." in _digests()[0].body_text


def test_nothing_is_sent_when_nothing_is_new(search):
    assert services.send_alert_digests() == 0
    assert _digests() == []
    search.refresh_from_db()
    assert search.alert_checked_at > timezone.now() - datetime.timedelta(minutes=1)  # checked


def test_the_digest_waits_for_the_week(search):
    search.alert_checked_at = timezone.now() - WEEK + datetime.timedelta(hours=1)
    search.save()
    make_organisation("Neu e. V.", roles=["kooperationspartner"])
    assert services.send_alert_digests() == 0
    assert services.send_alert_digests(now=timezone.now() + datetime.timedelta(hours=1)) == 1


def test_a_new_mo_is_mailed_once_not_every_week(search):
    make_organisation("Neu e. V.", roles=["kooperationspartner"])
    now = timezone.now()
    assert services.send_alert_digests(now=now) == 1
    assert services.send_alert_digests(now=now + WEEK) == 0
    assert len(_digests()) == 1


def test_the_worker_running_twice_mails_once(search, sent_mail, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the worker also writes the open-data dump
    make_organisation("Neu e. V.", roles=["kooperationspartner"])
    call_command("run_worker", "--once", stdout=io.StringIO())
    call_command("run_worker", "--once", stdout=io.StringIO())
    assert len(_digests()) == 1
    assert len(sent_mail()) == 1


def test_two_workers_claiming_the_same_week_mail_once(search):
    make_organisation("Neu e. V.", roles=["kooperationspartner"])
    now = timezone.now()
    assert services._digest(search.pk, now) is True
    assert services._digest(search.pk, now) is False  # the week is claimed
    assert len(_digests()) == 1


def test_a_search_of_nice_to_haves_reports_mos_meeting_at_least_one(institution_user):
    query = _query(role_importance="nice")
    search = SavedSearch.objects.create(user=institution_user, name="Alles gut", query=query)
    services.alert_subscribe(search=search, now=timezone.now() - WEEK)
    make_organisation("Keinen e. V.", slug="keinen")
    make_organisation("Einen e. V.", slug="einen", languages=["ru"])
    services.send_alert_digests()
    (mail,) = _digests()
    assert "Einen e. V., Hamburg (1 von 2 Wünschen erfüllt)" in mail.body_text
    assert "Keinen" not in mail.body_text


def test_the_digest_is_in_the_persons_language(search, institution_user):
    institution_user.language = "en"
    institution_user.save()
    make_organisation("Neu e. V.", roles=["kooperationspartner"], languages=["ru"])
    services.send_alert_digests()
    (mail,) = _digests()
    assert mail.subject == "New for your search “Russisch”: 1 organisation"
    assert "(2 of 2 wishes met)" in mail.body_text
    assert "No more e-mails about this search (no sign-in needed):" in mail.body_text


def test_long_digests_list_twenty_and_link_the_rest(search):
    for i in range(services.DIGEST_LIMIT + 3):
        make_organisation(f"Neu {i:02} e. V.", roles=["kooperationspartner"])
    services.send_alert_digests()
    (mail,) = _digests()
    assert mail.body_text.count("/organisationen/") == services.DIGEST_LIMIT
    assert "Und 3 weitere." in mail.body_text
    assert "23 Organisationen" in mail.subject


def test_no_digest_for_an_unsubscribed_search_or_a_deactivated_account(search, institution_user):
    make_organisation("Neu e. V.", roles=["kooperationspartner"])
    institution_user.is_active = False
    institution_user.save()
    assert services.send_alert_digests() == 0
    institution_user.is_active = True
    institution_user.save()
    services.alert_unsubscribe(search=search)
    assert services.send_alert_digests() == 0
    assert _digests() == []


def test_a_search_the_form_no_longer_understands_sends_nothing(institution_user):
    search = SavedSearch.objects.create(user=institution_user, name="Alt", query="role=999999")
    services.alert_subscribe(search=search, now=timezone.now() - WEEK)
    make_organisation("Neu e. V.", roles=["kooperationspartner"])
    assert services.send_alert_digests() == 0


# -- unsubscribing from the mail


def _mailed_link(search):
    make_organisation("Neu e. V.", roles=["kooperationspartner"])
    services.send_alert_digests()
    return _unsubscribe_url(_digests()[0])


def test_the_link_asks_first_and_unsubscribes_on_post_without_a_login(search):
    url = _mailed_link(search)
    client = Client(enforce_csrf_checks=True)
    response = client.get(url)  # what a mail scanner does
    assert response.status_code == 200
    assert "Ja, abbestellen" in response.content.decode()
    search.refresh_from_db()
    assert search.alert
    response = client.post(url)  # one click, also by the mail client (RFC 8058): no CSRF token
    assert response.status_code == 200
    assert "Sie bekommen keine E-Mails mehr zu Ihrer Suche „Russisch“." in response.content.decode()
    search.refresh_from_db()
    assert not search.alert and not AlertSeen.objects.exists()
    assert client.post(url).status_code == 200  # twice: still fine
    assert "Ja, abbestellen" not in client.get(url).content.decode()


def test_a_tampered_token_or_another_persons_token_is_refused(search, django_user_model):
    url = _mailed_link(search)
    other_user = django_user_model.objects.create_user(email="b@example.org", password="pw")
    other = SavedSearch.objects.create(user=other_user, name="Fremd", query=_query(), alert=True)
    other_url = reverse("finder_alert_unsubscribe", args=[other.pk, "x"])
    their_token = services.unsubscribe_token(other)
    forged = signing.dumps({"s": search.pk, "u": other_user.pk}, salt="wrong-salt")
    for bad in (
        url[:-2] + ("A" if url[-2] != "A" else "B") + "/",  # one character changed
        reverse("finder_alert_unsubscribe", args=[search.pk, their_token]),  # their token
        other_url.replace("/x/", f"/{services.unsubscribe_token(search)}/"),  # mine, theirs
        reverse("finder_alert_unsubscribe", args=[search.pk, forged]),
        reverse("finder_alert_unsubscribe", args=[search.pk, "nonsense"]),
    ):
        for method in ("get", "post"):
            response = getattr(Client(), method)(bad)
            assert response.status_code == 404, (bad, method)
            assert "Dieser Link ist ungültig" in response.content.decode()
    search.refresh_from_db()
    other.refresh_from_db()
    assert search.alert and other.alert


def test_a_token_of_a_search_handed_to_another_owner_is_refused(search, django_user_model):
    url = _mailed_link(search)
    search.user = django_user_model.objects.create_user(email="neu@example.org", password="pw")
    search.save()
    assert Client().post(url).status_code == 404


def test_the_link_of_a_deleted_search_says_so(search):
    url = _mailed_link(search)
    search.delete()
    response = Client().get(url)
    assert response.status_code == 404
    assert "die Suche wurde gelöscht" in response.content.decode()


def test_the_unsubscribe_page_answers_other_methods_with_405(search):
    url = reverse("finder_alert_unsubscribe", args=[search.pk, services.unsubscribe_token(search)])
    assert Client().put(url).status_code == 405
