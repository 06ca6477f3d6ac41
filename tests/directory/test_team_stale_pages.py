"""The team page from an older tab or a double click: every action is decided
on the team as it is stored now (under the profile's row lock), and a click that
no longer fits gets a clear message on the team page, never an error page."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from directory import team
from directory.models import Invitation, Membership

pytestmark = pytest.mark.django_db


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_removing_a_member_twice_removes_once_and_explains_the_second_click(
    client, editor_a, mo_a, member
):
    colleague = Membership.objects.create(user=member, organisation=mo_a)
    client.force_login(editor_a)
    url = reverse("directory:team_remove", args=[mo_a.slug, colleague.pk])
    assert client.post(url).status_code == 302
    response = client.post(url)
    assert response.status_code == 302 and response.url == reverse(
        "directory:team", args=[mo_a.slug]
    )
    assert _messages(response)[-1] == "Diese Person gehört nicht mehr zum Team."
    assert not Membership.objects.filter(user=member).exists()


def test_handing_over_to_a_member_removed_in_another_tab_is_refused_clearly(
    client, editor_a, mo_a, member
):
    colleague = Membership.objects.create(user=member, organisation=mo_a)
    client.force_login(editor_a)
    client.post(reverse("directory:team_remove", args=[mo_a.slug, colleague.pk]))
    response = client.post(reverse("directory:team_transfer", args=[mo_a.slug, colleague.pk]))
    assert response.status_code == 302
    assert "nur an ein Teammitglied" in _messages(response)[-1]
    assert mo_a.memberships.get(role=Membership.Role.OWNER).user == editor_a


def test_withdrawing_an_invitation_twice_or_after_it_was_accepted(client, editor_a, mo_a, member):
    client.force_login(editor_a)
    invitation = team.invitation_send(
        organisation=mo_a, email="neu@example.org", by=editor_a, language="de"
    )
    url = reverse("directory:invitation_withdraw", args=[mo_a.slug, invitation.pk])
    assert client.post(url).status_code == 302
    response = client.post(url)
    assert response.status_code == 302
    assert _messages(response)[-1] == "Diese Einladung ist schon zurückgezogen."

    accepted = team.invitation_send(
        organisation=mo_a, email=member.email, by=editor_a, language="de"
    )
    team.invitation_accept(invitation=accepted, user=member)
    url = reverse("directory:invitation_withdraw", args=[mo_a.slug, accepted.pk])
    response = client.post(url)
    assert "schon angenommen" in _messages(response)[-1]
    assert Invitation.objects.filter(pk=accepted.pk).exists()
    assert Membership.objects.filter(user=member, organisation=mo_a).exists()
