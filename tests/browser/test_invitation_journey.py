"""An MO takes over its imported-like profile (published, no team) from an
invitation: once from the link in a real mail (through Django's mail backend),
once from the code in a printed letter, once by a person without an account who
signs up on the way (the verification mail, then back to the takeover). Phone
and desktop, mouse and keyboard alone; axe finds nothing; the letter is
screenshotted (screen and print)."""

import re

import pytest
from django.core import mail

from directory.models import Membership
from mailer.services import deliver_due
from tests import personas
from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.browser.keyboard import Actor
from tests.browser.test_accessibility import _axe
from tests.factories import make_organisation

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

JOURNEYS = [("mouse", PHONE, "phone"), ("keyboard", DESKTOP, "desktop")]


def _sign_in(page, act, user):
    act.fill(page.locator("#id_username"), user.email)
    act.fill(page.locator("#id_password"), personas.PASSWORD)
    act.submit_and_wait(page.locator("main").get_by_role("button", name="Anmelden"))


@pytest.mark.parametrize(("mode", "viewport", "device"), JOURNEYS)
def test_an_mo_takes_over_its_profile_from_the_invitation_e_mail(
    world, open_page, mailoutbox, mode, viewport, device
):
    profile = make_organisation(
        "Kulturverein Anadolu e. V.",
        slug="kulturverein-anadolu",
        email="vorstand@anadolu.example",
        street="Lindenstraße 3",
        postal_code="20095",
    )
    coordinator = open_page(world.users["coordinator"], viewport=viewport, bypass_csp=True)
    staff = Actor(coordinator, mode)
    staff.goto(f"/organisationen/{profile.slug}/pruefen/")
    staff.submit_and_wait(
        coordinator.get_by_role("button", name="Einladung per E-Mail an vorstand@anadolu.example")
    )
    assert "Die Einladung ist unterwegs" in coordinator.locator("main").inner_text()
    assert "Gesendet" in coordinator.locator("#takeover-title + *").inner_text()

    # The mail as the MO gets it (sent by the worker's mail round through the mail backend).
    deliver_due()
    [sent] = [m for m in mail.outbox if m.to == ["vorstand@anadolu.example"]]
    assert "Kulturverein Anadolu" in sent.subject
    link = re.search(r"https?://\S+/organisationen/uebernahme/\S+/", sent.body).group(0)

    representative = personas.create("member")
    page = open_page(viewport=viewport, bypass_csp=True)
    act = Actor(page, mode)
    page.goto(link)
    assert page.locator("h1").inner_text() == "Profil von Kulturverein Anadolu e. V. übernehmen"
    assert _axe(page) == []
    screenshot(page, f"takeover-link-{device}-{mode}")
    act.submit_and_wait(page.locator("main").get_by_role("link", name="Anmelden"))
    assert link not in page.url  # the token is not handed on in the address
    _sign_in(page, act, representative)
    # Back on the invitation after signing in (the page that continues: the
    # token is kept in the session, not in the address).
    assert page.url.endswith("/organisationen/uebernahme/")
    assert "Kulturverein Anadolu" in page.locator("h1").inner_text()
    act.submit_and_wait(page.get_by_role("button", name="Profil übernehmen"))
    assert page.url.endswith("/organisationen/kulturverein-anadolu/bearbeiten/")
    assert "Sie sind jetzt verantwortlich" in page.locator("main").inner_text()
    owner = Membership.objects.get(organisation=profile)
    assert (owner.user, owner.role) == (representative, "owner")

    # The link is used up: said plainly.
    page.goto(link)
    assert "schon benutzt" in page.locator("main").inner_text()
    assert _axe(page) == []


@pytest.mark.parametrize(("mode", "viewport", "device"), JOURNEYS)
def test_an_mo_takes_over_its_profile_with_the_code_from_a_letter(
    world, open_page, mode, viewport, device
):
    profile = make_organisation(
        "Elternverein Ubuntu",
        slug="elternverein-ubuntu",
        street="Am Markt 7",
        postal_code="19053",
        city="Schwerin",
        state="mecklenburg-vorpommern",
    )
    coordinator = open_page(world.users["coordinator"], viewport=viewport, bypass_csp=True)
    staff = Actor(coordinator, mode)
    staff.goto(f"/organisationen/{profile.slug}/pruefen/")
    assert coordinator.get_by_role("button", name="Einladung per E-Mail", exact=False).count() == 0
    staff.submit_and_wait(coordinator.get_by_role("button", name="Brief mit Code drucken"))
    letter = coordinator.locator(".takeover-letter")
    assert "Am Markt 7" in letter.inner_text() and "19053 Schwerin" in letter.inner_text()
    code = coordinator.locator(".letter-code").first.inner_text()
    # German first, then the same letter from the English catalogue.
    assert "English version below." in letter.inner_text()
    assert coordinator.locator(".letter-english .letter-code").inner_text() == code
    assert "Enter this code:" in coordinator.locator(".letter-english").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", code)
    assert _axe(coordinator) == []
    screenshot(coordinator, f"takeover-letter-{device}-{mode}")
    coordinator.emulate_media(media="print")
    assert not coordinator.locator(".site-header").is_visible()  # only the letter prints
    assert not coordinator.locator(".no-print").is_visible()
    screenshot(coordinator, f"takeover-letter-print-{device}-{mode}")

    representative = personas.create("member")
    page = open_page(representative, viewport=viewport, bypass_csp=True)
    act = Actor(page, mode)
    act.goto("/organisationen/einladung/")
    assert page.locator("h1").inner_text() == "Einladungscode eingeben"
    act.fill(page.get_by_label("Einladungscode"), "ABCD-EFGH-JKMN-PQRS")
    act.submit_and_wait(page.get_by_role("button", name="Profil übernehmen"))
    assert "Diesen Code kennen wir nicht" in page.locator("main").inner_text()
    assert _axe(page) == []
    act.fill(page.get_by_label("Einladungscode"), code.lower().replace("-", " "))
    act.submit_and_wait(page.get_by_role("button", name="Profil übernehmen"))
    assert page.url.endswith("/organisationen/elternverein-ubuntu/bearbeiten/")
    owner = Membership.objects.get(organisation=profile)
    assert (owner.user, owner.role) == (representative, "owner")


@pytest.mark.parametrize(("mode", "viewport", "device"), JOURNEYS)
def test_a_person_without_an_account_signs_up_on_the_way_and_takes_over(
    world, open_page, mailoutbox, mode, viewport, device
):
    from directory import outreach

    profile = make_organisation(
        "Frauenverein Amal e. V.",
        slug="frauenverein-amal",
        email="vorstand@amal.example",
        street="Gartenweg 5",
        postal_code="20095",
    )
    outreach.invitation_issue(organisation=profile, channel="email", by=None)
    deliver_due()  # the worker's round
    [invitation] = [m for m in mail.outbox if m.to == ["vorstand@amal.example"]]
    assert "English version below." in invitation.body
    link = re.search(r"https?://\S+/organisationen/uebernahme/\S+/", invitation.body).group(0)

    page = open_page(viewport=viewport, bypass_csp=True)
    act = Actor(page, mode)
    page.goto(link)
    act.submit_and_wait(page.locator("main").get_by_role("link", name="Konto anlegen"))
    assert page.locator("h1").inner_text() == "Registrieren"
    assert link not in page.url
    act.click(page.get_by_label("Migrantenorganisation", exact=False))
    act.fill(page.get_by_label("Ihr Name"), "Amal Haddad")
    act.fill(page.get_by_label("E-Mail-Adresse"), "amal@example.org")
    act.fill(page.get_by_label("Passwort"), "ein-langes-passwort-2026")
    act.click(page.get_by_label("Datenschutzhinweise", exact=False))
    act.submit_and_wait(page.locator("main").get_by_role("button", name="Konto anlegen"))
    assert "in diesem Browser" in page.locator("main").inner_text()

    deliver_due()
    [verification] = [m for m in mail.outbox if m.to == ["amal@example.org"]]
    verify = re.search(r"https?://\S+", verification.body).group(0)
    assert "uebernahme" not in verification.body  # neither token nor way back in the mail
    page.goto(verify)
    act.fill(page.get_by_label("Passwort"), "ein-langes-passwort-2026")
    act.submit_and_wait(page.locator("main").get_by_role("button", name="Adresse bestätigen"))
    assert page.url.endswith("/organisationen/uebernahme/")  # back at the takeover
    assert "Frauenverein Amal" in page.locator("h1").inner_text()
    assert _axe(page) == []
    act.submit_and_wait(page.get_by_role("button", name="Profil übernehmen"))
    assert page.url.endswith("/organisationen/frauenverein-amal/bearbeiten/")
    owner = Membership.objects.get(organisation=profile)
    assert (owner.user.email, owner.role) == ("amal@example.org", "owner")
