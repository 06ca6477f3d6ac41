"""Invitations, team changes, ownership hand-over and claiming a profile."""

import re

import pytest
from django.urls import reverse

from directory.models import Claim, Membership

pytestmark = pytest.mark.django_db


def _link(message):
    return re.search(r"https?://\S+/einladung/\S+", message.body).group(0).split("8000", 1)[-1]


def test_an_owner_invites_a_co_editor_who_accepts(client, editor_a, mo_a, member, sent_mail):
    client.force_login(editor_a)
    response = client.post(
        reverse("directory:team", args=[mo_a.slug]), {"email": "Mitglied@Example.org"}
    )
    assert response.status_code == 302
    [message] = sent_mail()
    assert message.to == ["mitglied@example.org"] and "Verein A e. V." in message.subject
    link = _link(message)

    client.force_login(member)
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response["Location"] == reverse("directory:edit", args=[mo_a.slug])
    assert Membership.objects.get(user=member, organisation=mo_a).role == "editor"
    assert client.post(link).status_code == 400  # used once


def test_an_invitation_only_works_for_the_address_it_was_sent_to(
    client, editor_a, mo_a, editor_b, sent_mail
):
    client.force_login(editor_a)
    client.post(reverse("directory:team", args=[mo_a.slug]), {"email": "someone@example.org"})
    link = _link(sent_mail()[0])
    client.force_login(editor_b)
    response = client.post(link)
    assert response.status_code == 400
    assert "someone@example.org" in response.content.decode()
    assert not Membership.objects.filter(user=editor_b, organisation=mo_a).exists()


def test_a_tampered_invitation_link_is_404(client, member):
    client.force_login(member)
    assert client.get(reverse("directory:invitation_accept", args=["abc:def"])).status_code == 404


def test_the_owner_sees_the_team_removes_members_and_hands_over(
    client, editor_a, mo_a, member, sent_mail
):
    membership = Membership.objects.create(user=member, organisation=mo_a, role="editor")
    client.force_login(editor_a)
    html = client.get(reverse("directory:team", args=[mo_a.slug])).content.decode()
    assert "Mitglied" in html and "Editor A" in html

    client.post(reverse("directory:team_transfer", args=[mo_a.slug, membership.pk]))
    assert Membership.objects.get(pk=membership.pk).role == "owner"
    assert Membership.objects.get(user=editor_a, organisation=mo_a).role == "editor"
    assert "verantwortlich" in sent_mail()[0].subject
    # The former owner is an editor now and may no longer manage the team.
    own = Membership.objects.get(user=editor_a, organisation=mo_a)
    assert (
        client.post(reverse("directory:team_remove", args=[mo_a.slug, own.pk])).status_code == 403
    )

    client.force_login(member)
    client.post(reverse("directory:team_remove", args=[mo_a.slug, own.pk]))
    assert not Membership.objects.filter(pk=own.pk).exists()


def test_the_owner_cannot_be_removed(client, editor_a, mo_a):
    client.force_login(editor_a)
    own = Membership.objects.get(user=editor_a, organisation=mo_a)
    client.post(reverse("directory:team_remove", args=[mo_a.slug, own.pk]))
    assert Membership.objects.filter(pk=own.pk).exists()


def test_editors_cannot_invite(client, editor_a, mo_a, member):
    Membership.objects.create(user=member, organisation=mo_a, role="editor")
    client.force_login(member)
    assert client.get(reverse("directory:team", args=[mo_a.slug])).status_code == 200
    response = client.post(reverse("directory:team", args=[mo_a.slug]), {"email": "x@example.org"})
    assert response.status_code == 403


def test_claiming_a_profile_without_owner(client, mo_b, member, coordinator, sent_mail):
    client.force_login(member)
    html = client.get(mo_b.get_absolute_url()).content.decode()
    assert reverse("directory:claim", args=[mo_b.slug]) in html
    client.post(
        reverse("directory:claim", args=[mo_b.slug]), {"message": "Ich bin die Vorsitzende."}
    )
    claim = Claim.objects.get()
    assert claim.status == "pending"
    assert [m.to for m in sent_mail()] == [[coordinator.email]]

    client.force_login(coordinator)
    queue = client.get(reverse("directory:review_queue")).content.decode()
    assert "Ich bin die Vorsitzende." in queue
    client.post(reverse("directory:claim_decide", args=[claim.pk]), {"decision": "confirm"})
    claim.refresh_from_db()
    assert claim.status == "confirmed" and claim.decided_by == coordinator
    assert Membership.objects.get(user=member, organisation=mo_b).role == "owner"
    assert "betreuen jetzt" in sent_mail()[-1].subject


def test_a_profile_with_an_owner_cannot_be_claimed(client, editor_a, mo_a, member):
    client.force_login(member)
    assert (
        reverse("directory:claim", args=[mo_a.slug])
        not in client.get(mo_a.get_absolute_url()).content.decode()
    )
    client.post(reverse("directory:claim", args=[mo_a.slug]), {"message": "x"})
    assert not Claim.objects.exists()


def test_rejected_claims_change_nothing(client, mo_b, member, coordinator, sent_mail):
    client.force_login(member)
    client.post(reverse("directory:claim", args=[mo_b.slug]), {"message": ""})
    client.force_login(coordinator)
    client.post(
        reverse("directory:claim_decide", args=[Claim.objects.get().pk]), {"decision": "reject"}
    )
    assert not Membership.objects.filter(organisation=mo_b).exists()
    assert Claim.objects.get().status == "rejected"


def test_the_demo_accounts_own_the_demo_profile_through_the_team_services():
    from io import StringIO

    from django.core.management import call_command

    from tests.factories import make_organisation

    kontakt = make_organisation("Kontakt e. V.", slug="kontakt-schwerin")
    call_command("create_demo_accounts", "--force", stdout=StringIO())
    call_command("create_demo_accounts", "--force", stdout=StringIO())  # idempotent
    [owner] = kontakt.memberships.select_related("user")
    assert owner.role == Membership.Role.OWNER and owner.user.email == "verein@example.org"
