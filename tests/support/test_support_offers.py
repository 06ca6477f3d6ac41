"""Support offers: catalogue, filters, publishing, interest notifications."""

import pytest
from django.urls import reverse

from directory.vocabulary import get_vocabulary
from support.models import Interest, SupportOffer

pytestmark = pytest.mark.django_db


def _data(**extra):
    vocab = get_vocabulary()
    return {
        "title": "Vereinsrecht kompakt",
        "format": vocab.get("support_format", "schulung").pk,
        "description": "Satzung, Vorstand, Gemeinnützigkeit",
        "needs": [vocab.get("need", "vereinsrecht").pk],
        "states": [vocab.get("state", "hamburg").pk],
        "languages": [vocab.get("language", "ru").pk],
        "dates": "12. und 19. März",
        "costs": "kostenfrei",
        "contact_email": "kurs@example.org",
        **extra,
    }


def test_mo_editors_publish_offers_as_their_mo(client, editor_a, mo_a):
    client.force_login(editor_a)
    response = client.post(
        reverse("support:offer_new"), {**_data(), "provider_organisation": mo_a.pk}
    )
    offer = SupportOffer.objects.get()
    assert response["Location"] == offer.get_absolute_url()
    assert offer.provider_organisation == mo_a and offer.created_by == editor_a
    assert [t.slug for t in offer.needs.all()] == ["vereinsrecht"]


def test_coordinators_publish_for_an_institution(client, coordinator):
    client.force_login(coordinator)
    client.post(reverse("support:offer_new"), {**_data(), "provider_name": "IQ Netzwerk Hamburg"})
    assert SupportOffer.objects.get().provider == "IQ Netzwerk Hamburg"


def test_publishing_needs_dates_or_on_request_and_keeps_the_input(client, editor_a, mo_a):
    client.force_login(editor_a)
    response = client.post(
        reverse("support:offer_new"), {**_data(dates=""), "provider_organisation": mo_a.pk}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bitte Termine angeben" in html and "Satzung, Vorstand, Gemeinnützigkeit" in html
    assert not SupportOffer.objects.exists()


def test_others_cannot_publish_or_edit(client, member, institution_user, editor_a, editor_b, mo_a):
    for user in (member, institution_user):
        client.force_login(user)
        assert client.get(reverse("support:offer_new")).status_code == 403
    client.force_login(editor_a)
    client.post(reverse("support:offer_new"), {**_data(), "provider_organisation": mo_a.pk})
    offer = SupportOffer.objects.get()
    client.force_login(editor_b)
    assert (
        client.post(reverse("support:offer_edit", args=[offer.pk]), _data(title="X")).status_code
        == 403
    )
    assert SupportOffer.objects.get().title == "Vereinsrecht kompakt"


def test_the_catalogue_filters(client, coordinator):
    vocab = get_vocabulary()
    client.force_login(coordinator)
    client.post(reverse("support:offer_new"), {**_data(), "provider_name": "A"})
    client.post(
        reverse("support:offer_new"),
        {
            **_data(
                title="Bundesweites Coaching",
                states=[],
                languages=[],
                format=vocab.get("support_format", "coaching").pk,
            ),
            "provider_name": "B",
        },
    )
    client.logout()
    url = reverse("support:catalogue")
    names = lambda params: [o.title for o in client.get(url, params).context["page"].object_list]  # noqa: E731
    assert names({}) == ["Bundesweites Coaching", "Vereinsrecht kompakt"]
    assert names({"format": vocab.get("support_format", "coaching").pk}) == [
        "Bundesweites Coaching"
    ]
    assert names({"state": vocab.get("state", "bayern").pk}) == ["Bundesweites Coaching"]
    assert names({"language": vocab.get("language", "ru").pk}) == ["Vereinsrecht kompakt"]
    assert names({"need": vocab.get("need", "vereinsrecht").pk}) == [
        "Bundesweites Coaching",
        "Vereinsrecht kompakt",
    ]
    assert client.get(url, {"format": "x"}).status_code == 200


def test_interest_notifies_an_mo_provider(client, editor_a, mo_a, editor_b, mo_b, sent_mail):
    client.force_login(editor_a)
    client.post(reverse("support:offer_new"), {**_data(), "provider_organisation": mo_a.pk})
    offer = SupportOffer.objects.get()
    client.force_login(editor_b)
    client.post(
        offer.get_absolute_url(),
        {"organisation": mo_b.pk, "message": "Wir haben drei neue Vorstände."},
    )
    interest = Interest.objects.get()
    assert interest.organisation == mo_b and interest.user == editor_b
    [message] = sent_mail()
    assert message.to == [editor_a.email]
    assert "Verein B e. V." in message.body and "drei neue Vorstände" in message.body
    client.post(offer.get_absolute_url(), {"organisation": mo_b.pk})  # once only
    assert Interest.objects.count() == 1 and len(sent_mail()) == 1


def test_interest_notifies_an_institution_provider_by_its_contact_address(
    client, coordinator, editor_b, mo_b, sent_mail
):
    client.force_login(coordinator)
    client.post(reverse("support:offer_new"), {**_data(), "provider_name": "IQ Netzwerk"})
    client.force_login(editor_b)
    client.post(SupportOffer.objects.get().get_absolute_url(), {"organisation": mo_b.pk})
    assert [m.to for m in sent_mail()] == [["kurs@example.org"]]


def test_only_mo_editors_register_interest(client, coordinator, institution_user):
    client.force_login(coordinator)
    client.post(reverse("support:offer_new"), {**_data(), "provider_name": "IQ"})
    offer = SupportOffer.objects.get()
    client.force_login(institution_user)
    assert client.post(offer.get_absolute_url(), {}).status_code == 403


def test_a_stale_offer_form_gets_the_conflict_page_and_keeps_both_inputs(
    client, member, editor_a, mo_a
):
    from directory.models import Membership

    Membership.objects.create(user=member, organisation=mo_a, role=Membership.Role.EDITOR)
    client.force_login(editor_a)
    client.post(reverse("support:offer_new"), {**_data(), "provider_organisation": mo_a.pk})
    offer = SupportOffer.objects.get()
    url = reverse("support:offer_edit", args=[offer.pk])
    assert 'name="version"' in client.get(url).content.decode()
    loaded = {**_data(), "provider_organisation": mo_a.pk, "version": offer.version}
    from django.test import Client

    other = Client()
    other.force_login(member)  # a colleague of the same MO
    assert other.post(url, {**loaded, "costs": "10 Euro"}).status_code == 302

    response = client.post(url, {**loaded, "costs": "kostenfrei für Mitglieder"})

    assert response.status_code == 409
    html = response.content.decode()
    assert "10 Euro" in html and html.count("kostenfrei für Mitglieder") >= 2
    assert SupportOffer.objects.get().costs == "10 Euro"
    current = response.context["form"]["version"].value()
    retry = {**loaded, "costs": "kostenfrei für Mitglieder", "version": current}
    assert client.post(url, retry).status_code == 302
    assert SupportOffer.objects.get().costs == "kostenfrei für Mitglieder"
