"""Taking a profile over from an invitation: the link, the code page, the
coordinator's invitation (e-mail or printed letter) on the review page."""

import re

import pytest
from django.urls import reverse

from core.models import SubmittedForm
from directory import outreach
from directory.models import Membership, TakeoverInvitation
from directory.team import owner_assign
from mailer.models import OutgoingMail
from tests import personas

pytestmark = pytest.mark.django_db

KEY = "k" * 20


def _link(issued):
    return reverse("directory:takeover_link", args=[issued.secret])


def test_the_link_explains_and_takes_over_after_signing_in(client, teamless, member):
    issued = outreach.invitation_issue(organisation=teamless, channel="email", by=None)
    page = client.get(_link(issued))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Club Dialog e. V." in html and reverse("login") in html and reverse("signup") in html
    # Signed out meanwhile: on to the page that continues, without the token
    # in any URL; its button asks to sign in and comes back there.
    response = client.post(_link(issued))
    assert response.status_code == 302 and response.url == reverse("directory:takeover_resume")
    response = client.post(response.url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert issued.secret not in response.url
    client.force_login(member)
    response = client.post(_link(issued), {"submit_key": KEY})
    assert response.status_code == 302
    assert response.url == reverse("directory:edit", args=["club-dialog"])
    assert Membership.objects.get(organisation=teamless).user == member
    assert Membership.objects.get(organisation=teamless).role == "owner"
    # Used once: the link now says so, clearly (not a 500, not a second owner).
    again = client.get(_link(issued))
    assert again.status_code == 410
    assert "schon benutzt" in again.content.decode()


def test_a_double_click_on_take_over_makes_one_owner(client, teamless, member):
    issued = outreach.invitation_issue(organisation=teamless, channel="email", by=None)
    client.force_login(member)
    first = client.post(_link(issued), {"submit_key": KEY})
    second = client.post(_link(issued), {"submit_key": KEY})
    assert first.status_code == second.status_code == 302
    assert Membership.objects.filter(organisation=teamless).count() == 1


def test_an_unknown_or_replaced_link(client, teamless, member):
    assert client.get(reverse("directory:takeover_link", args=["erfunden"])).status_code == 404
    first = outreach.invitation_issue(organisation=teamless, channel="email", by=None)
    outreach.invitation_issue(organisation=teamless, channel="email", by=None)
    response = client.get(_link(first))
    assert response.status_code == 410 and "neuere Einladung" in response.content.decode()


def test_the_link_of_a_profile_that_got_a_team_meanwhile(client, teamless, member):
    issued = outreach.invitation_issue(organisation=teamless, channel="email", by=None)
    owner_assign(organisation=teamless, user=personas.create("editor_b"))
    client.force_login(member)
    response = client.post(_link(issued))
    assert response.status_code == 409
    assert "inzwischen ein Team" in response.content.decode()
    assert not Membership.objects.filter(user=member).exists()


def test_the_code_page_takes_over_with_a_letter_code(client, teamless, member):
    issued = outreach.invitation_issue(organisation=teamless, channel="letter", by=None)
    url = reverse("directory:takeover_code")
    assert client.get(url).status_code == 200  # signed out too (then sign up or in)
    client.force_login(member)
    assert client.get(url).status_code == 200
    wrong = client.post(url, {"code": "ABCD-EFGH-JKMN-PQRS"})
    assert wrong.status_code == 400 and "Diesen Code kennen wir nicht" in wrong.content.decode()
    short = client.post(url, {"code": "ABC"})
    assert short.status_code == 400 and "16 Buchstaben" in short.content.decode()
    response = client.post(url, {"code": issued.code.lower().replace("-", " ")})
    assert response.status_code == 302
    assert response.url == reverse("directory:edit", args=["club-dialog"])
    assert teamless.memberships.get().user == member
    used = client.post(url, {"code": issued.code})
    assert used.status_code == 400 and "schon benutzt" in used.content.decode()


def test_codes_are_rate_limited_against_guessing(client, teamless, member, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "takeover_code": "3/h"}
    issued = outreach.invitation_issue(organisation=teamless, channel="letter", by=None)
    client.force_login(member)
    url = reverse("directory:takeover_code")
    for _ in range(3):
        assert client.post(url, {"code": "ABCD-EFGH-JKMN-PQRS"}).status_code == 400
    assert client.post(url, {"code": issued.code}).status_code == 429  # even the right one
    assert not teamless.memberships.exists()


def test_a_coordinator_sends_an_e_mail_invitation_once_per_click(client, teamless, coordinator):
    client.force_login(coordinator)
    review = client.get(reverse("directory:review", args=["club-dialog"])).content.decode()
    assert "Einladung per E-Mail an vorstand@club-dialog.example" in review
    assert "Brief mit Code drucken" in review
    OutgoingMail.objects.all().delete()
    url = reverse("directory:takeover_invite", args=["club-dialog"])
    for _ in range(2):  # a double click: the same submit key
        response = client.post(url, {"channel": "email", "submit_key": KEY})
        assert response.status_code == 302
    assert TakeoverInvitation.objects.count() == 1
    mail = OutgoingMail.objects.get()
    assert mail.to == "vorstand@club-dialog.example" and mail.template == "takeover-invitation"
    review = client.get(reverse("directory:review", args=["club-dialog"])).content.decode()
    assert "Gesendet" in review  # the state is visible to coordinators


def test_a_coordinator_prints_a_letter_with_a_code(client, teamless, coordinator, member):
    client.force_login(coordinator)
    review = client.get(reverse("directory:review", args=["club-dialog"])).content.decode()
    letter_form = review[review.index('value="letter"') - 400 : review.index('value="letter"')]
    assert "submit_key" not in letter_form.split("<form")[-1]  # its page is never stored
    url = reverse("directory:takeover_invite", args=["club-dialog"])
    client.post(url, {"channel": "letter"})  # a double click: the second code wins
    response = client.post(url, {"channel": "letter"})
    assert response.status_code == 200
    assert "no-store" in response.headers.get("Cache-Control", "") or "max-age=0" in (
        response.headers.get("Cache-Control", "")
    )
    html = response.content.decode()
    assert "Karl-Marx-Straße 12" in html and "12043 Berlin" in html
    assert reverse("directory:takeover_code") in html
    code = re.search(r'class="letter-code">([A-Z0-9-]+)<', html).group(1)
    invitation = outreach.invitation_by_code(code)
    assert invitation.channel == "letter" and invitation.created_by == coordinator
    assert outreach.invitation_open_for(invitation) == ""
    assert [i.state for i in TakeoverInvitation.objects.all()] == ["sent", "revoked"]
    assert (
        not SubmittedForm.objects.filter(response_body__isnull=False)
        .exclude(response_body=b"")
        .exists()
    )


def test_only_coordinators_invite_and_never_a_profile_with_a_team(
    client, teamless, mo_a, editor_a, coordinator
):
    url = reverse("directory:takeover_invite", args=["club-dialog"])
    client.force_login(editor_a)
    assert client.post(url, {"channel": "email"}).status_code == 403
    client.force_login(coordinator)
    response = client.post(
        reverse("directory:takeover_invite", args=[mo_a.slug]), {"channel": "email"}, follow=True
    )
    assert "braucht keine Einladung" in response.content.decode()
    assert not TakeoverInvitation.objects.exists()
    bad = client.post(url, {"channel": "fax"}, follow=True)
    assert "E-Mail oder Brief" in bad.content.decode()
