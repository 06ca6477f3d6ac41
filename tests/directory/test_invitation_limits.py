"""Invitations cannot be used to flood addresses: limits per inviting user, per
organisation and per invited address, no duplicates, withdrawal, and a mail that
says what the portal vouches for (issue 14, finding 4)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from directory.models import Invitation, Membership, Organisation
from directory.team import owner_assign
from tests.factories import make_organisation, term

pytestmark = pytest.mark.django_db


def _invite(client, organisation, email, **extra):
    return client.post(
        reverse("directory:team", args=[organisation.slug]), {"email": email}, **extra
    )


def _link(message):
    return re.search(r"https?://\S+/einladung/\S+", message.body).group(0).split("8000", 1)[-1]


def test_a_fresh_account_cannot_send_fifty_invitations_from_a_draft(
    client, member, sent_mail, settings
):
    client.force_login(member)
    client.post(
        reverse("directory:new"),
        {
            "name": "Gewinnspiel www.evil.example",
            "legal_form": "ev",
            "description": "Gewinnen Sie!",
            "postal_code": "20095",
            "city": "Hamburg",
            "state": term("state", "hamburg").pk,
        },
    )
    draft = Organisation.objects.get(name__startswith="Gewinnspiel")
    assert not draft.is_published
    statuses = [_invite(client, draft, f"opfer{n}@example.org").status_code for n in range(50)]
    assert 500 not in statuses
    limit = settings.INVITATIONS_PENDING_UNPUBLISHED
    assert Invitation.objects.filter(organisation=draft).count() == limit
    assert len(sent_mail()) == limit
    refused = _invite(client, draft, "noch-einer@example.org")
    assert refused.status_code in (400, 429)
    if refused.status_code == 400:
        assert "offene Einladungen" in refused.content.decode()


def test_invitations_are_limited_per_inviting_user(client, editor_a, mo_a, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "invitation": "3/d"}
    client.force_login(editor_a)
    statuses = [_invite(client, mo_a, f"p{n}@example.org").status_code for n in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert Invitation.objects.count() == 3


def test_invitations_are_limited_per_organisation(client, editor_a, mo_a, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "invitation_organisation": "2/d"}
    second = make_organisation("Zweiter Verein e. V.", slug="zweiter")
    owner_assign(organisation=second, user=editor_a)
    client.force_login(editor_a)
    statuses = [_invite(client, mo_a, f"p{n}@example.org").status_code for n in range(3)]
    assert statuses == [302, 302, 429]
    assert _invite(client, second, "q@example.org").status_code == 302


def test_invitations_are_limited_per_invited_address(
    client, editor_a, mo_a, editor_b, mo_b, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "invitation_address": "1/d"}
    client.force_login(editor_a)
    assert _invite(client, mo_a, "ziel@example.org").status_code == 302
    client.force_login(editor_b)
    assert _invite(client, mo_b, "Ziel@Example.ORG").status_code == 429
    assert _invite(client, mo_b, "andere@example.org").status_code == 302


def test_a_second_invitation_to_a_pending_address_resends_at_most_once_per_period(
    client, editor_a, mo_a, sent_mail, settings
):
    client.force_login(editor_a)
    assert _invite(client, mo_a, "ziel@example.org").status_code == 302
    assert _invite(client, mo_a, "ZIEL@example.org").status_code == 302  # a double click
    assert Invitation.objects.count() == 1 and len(sent_mail()) == 1
    hours = settings.INVITATION_RESEND_HOURS + 1
    Invitation.objects.update(sent_at=timezone.now() - datetime.timedelta(hours=hours))
    _invite(client, mo_a, "ziel@example.org")
    assert Invitation.objects.count() == 1 and len(sent_mail()) == 2


def test_the_owner_withdraws_an_invitation_and_its_link_is_dead(
    client, editor_a, mo_a, member, sent_mail
):
    client.force_login(editor_a)
    _invite(client, mo_a, member.email)
    invitation = Invitation.objects.get()
    link = _link(sent_mail()[0])
    team = client.get(reverse("directory:team", args=[mo_a.slug])).content.decode()
    url = reverse("directory:invitation_withdraw", args=[mo_a.slug, invitation.pk])
    assert url in team
    assert client.get(url).status_code == 405
    assert client.post(url)["Location"] == reverse("directory:team", args=[mo_a.slug])
    assert not Invitation.objects.exists()
    client.force_login(member)
    response = client.get(link)
    assert response.status_code == 404
    assert "nicht mehr gültig" in response.content.decode()
    assert client.post(link).status_code == 404
    assert not Membership.objects.filter(user=member, organisation=mo_a).exists()


def test_nobody_else_withdraws_an_invitation(client, editor_a, mo_a, editor_b, mo_b, member):
    client.force_login(editor_a)
    _invite(client, mo_a, "ziel@example.org")
    invitation = Invitation.objects.get()
    url = reverse("directory:invitation_withdraw", args=[mo_a.slug, invitation.pk])
    client.logout()
    response = client.post(url)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    client.force_login(editor_b)  # another MO's owner
    assert client.post(url).status_code in (403, 404)
    foreign = reverse("directory:invitation_withdraw", args=[mo_b.slug, invitation.pk])
    assert client.post(foreign).status_code == 404
    Membership.objects.create(user=member, organisation=mo_a, role="editor")
    client.force_login(member)  # an editor who may not invite
    assert client.post(url).status_code == 403
    assert Invitation.objects.filter(pk=invitation.pk).exists()


def test_the_invitation_from_a_draft_says_what_the_portal_has_not_checked(
    client, member, sent_mail, settings
):
    draft = make_organisation(
        "Gewinnspiel: https://evil.example", slug="gewinnspiel", status="draft"
    )
    owner_assign(organisation=draft, user=member)
    member.email_verified_at = timezone.now()
    member.save()
    client.force_login(member)
    _invite(client, draft, "ziel@example.org")
    [message] = sent_mail()
    assert message.subject == "Einladung in ein Team im MO-Portal"
    assert message.reply_to == []
    assert member.name in message.body and member.email in message.body
    assert "nicht veröffentlicht" in message.body and "nicht geprüft" in message.body
    assert "https://evil.example" not in message.body  # the name, quoted, not a link
    links = re.findall(r"https?://\S+", message.body)
    assert links and all(link.startswith("http://testserver/") for link in links)


def test_the_invitation_from_a_published_profile_names_it(client, editor_a, mo_a, sent_mail):
    client.force_login(editor_a)
    _invite(client, mo_a, "ziel@example.org")
    [message] = sent_mail()
    assert "Verein A e. V." in message.subject
    assert "veröffentlicht und vom Portal geprüft" in message.body
    assert editor_a.email in message.body


def test_an_invitation_in_english_says_the_same(client, member, sent_mail):
    draft = make_organisation("Entwurf e. V.", slug="entwurf", status="draft")
    owner_assign(organisation=draft, user=member)
    client.force_login(member)
    client.cookies["django_language"] = "en"
    _invite(client, draft, "ziel@example.org")
    [message] = sent_mail()
    assert message.subject == "Invitation to a team on the MO-Portal"
    assert "not published and was not checked by the portal" in message.body


def test_claims_that_mail_the_coordinators_are_limited_per_user(
    client, member, coordinator, sent_mail, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "claim": "2/d"}
    client.force_login(member)
    statuses = []
    for number in range(3):
        ownerless = make_organisation(f"Ohne Team {number} e. V.", slug=f"ohne-team-{number}")
        url = reverse("directory:claim", args=[ownerless.slug])
        statuses.append(client.post(url, {"message": "Ich bin der Vorstand."}).status_code)
    assert statuses == [302, 302, 429]
    assert len(sent_mail()) == 2
