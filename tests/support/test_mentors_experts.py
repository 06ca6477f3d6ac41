"""Mentors and tandem requests; the expert pool with consent and withdrawal."""

import pytest
from django.urls import reverse

from cooperation.models import CooperationRequest
from directory.models import Membership
from directory.vocabulary import get_vocabulary
from support.models import Expert, Mentor
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db


def _mentor(slug, topics, languages=("de",), state="hamburg", nationwide=False, capacity=1):
    vocab = get_vocabulary()
    organisation = make_organisation(f"Mentor {slug} e. V.", slug=slug, state=state)
    mentor = Mentor.objects.create(
        organisation=organisation, nationwide=nationwide, capacity=capacity, description="Erfahrung"
    )
    mentor.topics.set([vocab.get("need", t) for t in topics])
    mentor.languages.set([vocab.get("language", c) for c in languages])
    return mentor


def test_an_mo_offers_itself_as_mentor(client, editor_a, mo_a):
    vocab = get_vocabulary()
    client.force_login(editor_a)
    response = client.post(
        reverse("support:mentor_edit", args=[mo_a.slug]),
        {
            "description": "Wir kennen das Jobcenter.",
            "topics": [vocab.get("need", "kooperationsvereinbarungen").pk],
            "capacity": "2",
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert Mentor.objects.get().organisation == mo_a


def test_mentors_match_needs_languages_and_region(client, editor_a, mo_a):
    vocab = get_vocabulary()
    mo_a.languages.set([vocab.get("language", "ru")])
    best = _mentor("best", ["vereinsrecht", "foerderantraege"], languages=["ru"])
    second = _mentor("second", ["vereinsrecht", "foerderantraege"], languages=["tr"])
    third = _mentor("third", ["vereinsrecht"], state="bayern", nationwide=True)
    _mentor("far", ["vereinsrecht"], state="bayern")  # other state, not nationwide
    _mentor("other-topic", ["raeumlichkeiten"])
    client.force_login(editor_a)
    response = client.get(
        reverse("support:mentors"),
        {
            "organisation": mo_a.pk,
            "needs": [
                vocab.get("need", "vereinsrecht").pk,
                vocab.get("need", "foerderantraege").pk,
            ],
        },
    )
    assert [m.organisation.slug for m in response.context["mentors"]] == ["best", "second", "third"]
    assert best.pk and second.pk and third.pk


def test_a_tandem_request_uses_the_request_mechanism(
    client, editor_a, mo_a, sent_mail, django_user_model
):
    mentor = _mentor("mentor", ["vereinsrecht"])
    mentor_editor = django_user_model.objects.create_user(email="mentor@example.org", password="pw")
    Membership.objects.create(user=mentor_editor, organisation=mentor.organisation, role="owner")
    client.force_login(editor_a)
    response = client.post(
        reverse("support:tandem", args=[mentor.pk]),
        {
            "sender_organisation": mo_a.pk,
            "subject": "Tandem Vereinsrecht",
            "message": "Wir sind neu.",
        },
    )
    request = CooperationRequest.objects.get()
    assert response["Location"] == request.get_absolute_url()
    assert request.kind == "tandem" and request.sender_organisation == mo_a
    assert [m.to for m in sent_mail()] == [["mentor@example.org"]]
    client.force_login(mentor_editor)
    assert client.get(request.get_absolute_url()).status_code == 200


def test_a_full_mentor_is_not_suggested(editor_a, mo_a, institution_user):
    from support.services import matching_mentors

    mentor = _mentor("full", ["vereinsrecht"], capacity=1)
    CooperationRequest.objects.create(
        kind="tandem",
        sender=editor_a,
        sender_organisation=mo_a,
        organisation=mentor.organisation,
        subject="x",
        message="x",
        status="accepted",
    )
    need = get_vocabulary().get("need", "vereinsrecht").pk
    assert matching_mentors(organisation=mo_a, need_ids=[need], language_ids=[]) == []


def _register(client, **extra):
    vocab = get_vocabulary()
    data = {
        "expertise": "Anerkennungsberatung, 10 Jahre",
        "availability": "zwei Tage im Monat",
        "topics": [vocab.get("need", "arbeitsmarktwissen").pk],
        "languages": [vocab.get("language", "ar").pk],
        "state": vocab.get("state", "hamburg").pk,
        "consent": "on",
        **extra,
    }
    return client.post(reverse("support:expert_register"), data)


def test_experts_list_themselves_only_with_consent(client, editor_a, mo_a):
    client.force_login(editor_a)
    response = _register(client, consent="")
    assert response.status_code == 400 and not Expert.objects.exists()
    _register(client, organisation=mo_a.pk)
    expert = Expert.objects.get()
    assert expert.consent_at is not None and expert.organisation == mo_a


def test_institutions_and_coordinators_find_and_contact_experts_others_do_not(
    client, editor_a, mo_a, institution_user, coordinator, member, editor_b, sent_mail
):
    client.force_login(editor_a)
    _register(client)
    expert = Expert.objects.get()
    for user in (institution_user, coordinator):
        client.force_login(user)
        assert "Anerkennungsberatung" in client.get(reverse("support:experts")).content.decode()
    client.force_login(institution_user)
    client.post(
        reverse("support:expert_contact", args=[expert.pk]), {"message": "Vortrag im Netzwerk?"}
    )
    [message] = sent_mail()
    assert message.to == [editor_a.email] and message.reply_to == [institution_user.email]
    for user in (member, editor_b):
        client.force_login(user)
        assert client.get(reverse("support:experts")).status_code == 403
        assert (
            client.post(
                reverse("support:expert_contact", args=[expert.pk]), {"message": "x"}
            ).status_code
            == 403
        )
    client.logout()
    assert client.get(reverse("support:experts")).status_code == 302


def test_the_listing_can_be_withdrawn_at_any_time(client, editor_a, institution_user):
    client.force_login(editor_a)
    _register(client)
    client.post(reverse("support:expert_withdraw"))
    assert not Expert.objects.exists()
    client.force_login(institution_user)
    assert "Anerkennungsberatung" not in client.get(reverse("support:experts")).content.decode()
