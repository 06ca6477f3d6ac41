"""Cached pages never show an unpublished or outdated profile once a change is saved."""

import pytest
from django.urls import reverse

from directory import services
from directory.vocabulary import get_vocabulary, invalidate_vocabulary
from guidance import services as guide_services
from guidance.models import Item
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _guide_and_vocabulary():
    from django.core.management import call_command

    call_command("load_vocabulary", verbosity=0)
    invalidate_vocabulary()
    call_command("load_guide", verbosity=0)


def test_anonymous_pages_come_from_the_shared_cache(client, django_assert_num_queries):
    organisation = make_organisation("Brücke e. V.", roles=["kooperationspartner"])
    client.get(organisation.get_absolute_url())
    with django_assert_num_queries(0):
        response = client.get(organisation.get_absolute_url())
    assert "Brücke e. V." in response.content.decode()


def test_a_saved_change_shows_at_once(client, editor_a, mo_a):
    url = mo_a.get_absolute_url()
    assert "Neue Beschreibung" not in client.get(url).content.decode()
    client.get(reverse("directory:organisation_list"))
    mo_a.description = "Neue Beschreibung"
    services.organisation_save(organisation=mo_a, by=editor_a)
    assert "Neue Beschreibung" in client.get(url).content.decode()


def test_an_archived_profile_disappears_at_once(client, editor_a, mo_a):
    list_url = reverse("directory:organisation_list")
    assert "Verein A e. V." in client.get(list_url).content.decode()
    assert client.get(mo_a.get_absolute_url()).status_code == 200
    services.organisation_archive(organisation=mo_a, by=editor_a)
    assert client.get(mo_a.get_absolute_url()).status_code == 404
    assert "Verein A e. V." not in client.get(list_url).content.decode()
    facet_page = client.get(list_url, {"role": "kooperationspartner"}).content.decode()
    assert "Verein A e. V." not in facet_page


def test_a_newly_approved_profile_appears_at_once(client, coordinator, editor_a):
    draft = make_organisation("Frisch e. V.", slug="frisch", status="in_review")
    list_url = reverse("directory:organisation_list")
    assert "Frisch e. V." not in client.get(list_url).content.decode()
    services.organisation_approve(organisation=draft, by=coordinator)
    assert "Frisch e. V." in client.get(list_url).content.decode()
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_a_published_guide_change_shows_at_once(client, coordinator):
    item = Item.objects.get(slug="zusammenarbeit-4")
    url = item.chapter.get_absolute_url()
    assert "Rollen gemeinsam klären" not in client.get(url).content.decode()
    guide_services.item_save_draft(item=item, data={"body": "Rollen gemeinsam klären"})
    assert "Rollen gemeinsam klären" not in client.get(url).content.decode()  # a draft
    guide_services.chapter_publish(chapter=item.chapter, by=coordinator)
    assert "Rollen gemeinsam klären" in client.get(url).content.decode()


def test_a_changed_term_label_shows_at_once(client):
    organisation = make_organisation("Brücke e. V.", roles=["kooperationspartner"])
    assert "Kooperationspartner" in client.get(organisation.get_absolute_url()).content.decode()
    term = get_vocabulary().get("role", "kooperationspartner")
    term.label_de = "Partnerorganisation"
    term.save()
    invalidate_vocabulary()
    assert "Partnerorganisation" in client.get(organisation.get_absolute_url()).content.decode()


def test_counts_on_guide_pages_follow_new_profiles(client, coordinator):
    url = Item.objects.get(slug="rolle-informationsvermittler").chapter.get_absolute_url()
    client.get(url)
    organisation = make_organisation(
        "Info e. V.", roles=["informationsvermittler"], status="in_review"
    )
    services.organisation_approve(organisation=organisation, by=coordinator)
    assert "Info e. V." in client.get(url).content.decode()


def test_signed_in_people_never_get_the_anonymous_page(client, member, mo_a):
    client.get(mo_a.get_absolute_url())
    client.force_login(member)
    html = client.get(mo_a.get_absolute_url()).content.decode()
    assert "Mein Bereich" in html and "Abmelden" in html


def test_a_page_with_a_personal_message_is_not_cached(client, member):
    client.force_login(member)
    response = client.post(reverse("delete_account"), {"password": "pw"}, follow=True)
    assert "Ihr Konto und Ihre persönlichen Daten sind gelöscht." in response.content.decode()
    other = client.__class__()
    assert "sind gelöscht" not in other.get(reverse("home")).content.decode()


def test_a_profile_whose_owner_deletes_the_account_offers_the_claim_at_once(client, editor_a, mo_a):
    from accounts.services import delete_account

    assert "Profil übernehmen" not in client.get(mo_a.get_absolute_url()).content.decode()
    delete_account(editor_a)
    assert "Profil übernehmen" in client.get(mo_a.get_absolute_url()).content.decode()
