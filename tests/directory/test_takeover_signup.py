"""Issue 19, gap 1: a person without an account opens the invitation link (or
types the letter's code), signs up, verifies the address and is back at the
takeover, which then works. The link's token stays out of every URL after the
link itself (it is kept in the server-side session), and ``next`` is checked."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from directory import outreach
from directory.models import Membership

pytestmark = pytest.mark.django_db

PASSWORD = "ein-langes-passwort-2026"
PENDING_SESSION_KEY = "directory.takeover"  # takeover_views.PENDING_SESSION_KEY
RESUME = reverse("directory:takeover_resume")


def _href(html, label):
    match = re.search(r'<a class="btn[^"]*" href="([^"]+)">' + re.escape(label) + "</a>", html)
    assert match, label
    return match.group(1).replace("&amp;", "&")


def _verification_link(sent_mail, address):
    message = [m for m in sent_mail() if m.to == [address]][-1]
    url = re.search(r"https?://\S+", message.body).group(0)
    return message, url.split("testserver", 1)[-1].replace("http://127.0.0.1:8000", "")


def _sign_up(browser, url, email="olga@example.org"):
    return browser.post(
        url,
        {
            "account_type": "organisation",
            "name": "Olga Petrowa",
            "email": email,
            "password": PASSWORD,
            "privacy": "on",
        },
    )


def _take_over(browser, teamless, email="olga@example.org"):
    page = browser.get(RESUME)
    assert page.status_code == 200
    assert "Profil übernehmen</button>" in page.content.decode()
    response = browser.post(RESUME)
    assert response.status_code == 302
    assert response.url == reverse("directory:edit", args=["club-dialog"])
    membership = Membership.objects.get(organisation=teamless)
    assert membership.user.email == email and membership.role == "owner"
    assert PENDING_SESSION_KEY not in browser.session


def test_sign_up_from_the_link_comes_back_to_the_takeover(teamless, sent_mail):
    issued = outreach.invitation_issue(organisation=teamless, channel="email", by=None)
    browser = Client()
    page = browser.get(reverse("directory:takeover_link", args=[issued.secret]))
    assert page.status_code == 200
    html = page.content.decode()
    signup_url = _href(html, "Konto anlegen")
    login_url = _href(html, "Anmelden")
    assert signup_url == reverse("signup") + "?next=" + RESUME
    assert login_url == reverse("login") + "?next=" + RESUME
    assert issued.secret not in signup_url + login_url  # the token stays in the session
    assert page["Referrer-Policy"] == "no-referrer"  # nor is it sent on as a Referer

    form = browser.get(signup_url)
    assert form.status_code == 200
    # "Sie haben schon ein Konto? Anmelden" keeps the way back, too.
    assert reverse("login") + "?next=" + RESUME in form.content.decode()
    done = _sign_up(browser, signup_url)
    assert done.status_code == 200 and "in diesem Browser" in done.content.decode()

    message, verify = _verification_link(sent_mail, "olga@example.org")
    assert issued.secret not in message.body and "uebernahme" not in message.body
    assert browser.get(verify).status_code == 200
    response = browser.post(verify, {"password": PASSWORD})
    assert response.status_code == 302 and response.url == RESUME
    _take_over(browser, teamless)
    assert outreach.invitation_by_token(issued.secret).state == "used"


def test_a_letter_code_typed_before_signing_in_is_kept_through_sign_up(teamless, sent_mail):
    issued = outreach.invitation_issue(organisation=teamless, channel="letter", by=None)
    browser = Client()
    code_page = reverse("directory:takeover_code")
    response = browser.post(code_page, {"code": issued.code.lower()})
    assert response.status_code == 302 and response.url == RESUME
    html = browser.get(RESUME).content.decode()
    assert "Club Dialog e. V." in html and not Membership.objects.exists()
    assert issued.code not in html and issued.secret not in html
    _sign_up(browser, _href(html, "Konto anlegen"))
    _, verify = _verification_link(sent_mail, "olga@example.org")
    assert browser.post(verify, {"password": PASSWORD}).url == RESUME
    _take_over(browser, teamless)


def test_the_first_login_comes_back_when_the_mail_was_opened_elsewhere(teamless, sent_mail):
    """The verification link opened on the phone: that browser lands in the
    account; signing in on the computer (where the invitation was opened) goes
    back to the takeover there, even from the plain login page."""
    issued = outreach.invitation_issue(organisation=teamless, channel="email", by=None)
    computer, phone = Client(), Client()
    html = computer.get(reverse("directory:takeover_link", args=[issued.secret])).content.decode()
    _sign_up(computer, _href(html, "Konto anlegen"))
    _, verify = _verification_link(sent_mail, "olga@example.org")
    assert phone.post(verify, {"password": PASSWORD}).url == reverse("account")
    login = computer.get(reverse("login"))
    assert f'name="next" value="{RESUME}"' in login.content.decode()
    response = computer.post(
        reverse("login"), {"username": "olga@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302 and response.url == RESUME
    _take_over(computer, teamless)
    # Used once: the next login goes where logins go.
    computer.logout()
    again = computer.post(reverse("login"), {"username": "olga@example.org", "password": PASSWORD})
    assert again.url != RESUME


def test_an_existing_account_signs_in_from_the_link_and_comes_back(teamless, member):
    issued = outreach.invitation_issue(organisation=teamless, channel="email", by=None)
    browser = Client()
    html = browser.get(reverse("directory:takeover_link", args=[issued.secret])).content.decode()
    login_url = _href(html, "Anmelden")
    response = browser.post(login_url, {"username": member.email, "password": "pw"})
    assert response.status_code == 302 and response.url == RESUME
    _take_over(browser, teamless, email=member.email)


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)"],
)
def test_a_foreign_next_is_never_kept(teamless, sent_mail, target):
    browser = Client()
    url = reverse("signup") + "?next=" + target
    assert browser.get(url).status_code == 200
    _sign_up(browser, url)
    assert "accounts.return_to" not in browser.session
    _, verify = _verification_link(sent_mail, "olga@example.org")
    assert browser.post(verify, {"password": PASSWORD}).url == reverse("account")


def test_nothing_to_continue_leads_to_the_code_page(client, member):
    assert client.get(RESUME).url == reverse("directory:takeover_code")
    client.force_login(member)
    assert client.post(RESUME).url == reverse("directory:takeover_code")


def test_a_used_invitation_in_the_session_says_so_and_is_forgotten(teamless, member):
    issued = outreach.invitation_issue(organisation=teamless, channel="email", by=None)
    browser = Client()
    browser.get(reverse("directory:takeover_link", args=[issued.secret]))
    outreach.invitation_redeem(invitation=issued.invitation, user=member)
    page = browser.get(RESUME)
    assert page.status_code == 410 and "schon benutzt" in page.content.decode()
    assert PENDING_SESSION_KEY not in browser.session


def test_the_page_that_continues_costs_few_queries(teamless, django_assert_num_queries):
    issued = outreach.invitation_issue(organisation=teamless, channel="letter", by=None)
    browser = Client()
    browser.post(reverse("directory:takeover_code"), {"code": issued.code})
    browser.get(RESUME)  # warm caches (vocabulary, page generation)
    with django_assert_num_queries(3):
        # the session; the invitation with its profile; the team check
        assert browser.get(RESUME).status_code == 200
