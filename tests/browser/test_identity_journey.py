"""Verified identity (issue 19), as people do it: an MO's editor enters its
register entry and charitable status, a coordinator approves the change and
checks the identity, and the badge "Identität geprüft" shows on the profile and
in the partner finder (mouse and keyboard alone; axe: no violation)."""

import pytest
from playwright.sync_api import expect

from directory.models import IdentityVerification
from directory.team import owner_assign
from tests import personas
from tests.browser.conftest import screenshot
from tests.browser.keyboard import Actor
from tests.browser.test_accessibility import _axe
from tests.factories import make_organisation

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("mode", ["mouse", "keyboard"])
def test_an_mo_enters_its_register_data_and_a_coordinator_checks_it(world, open_page, mode):
    mo = make_organisation("Afrika Forum e. V.", slug="afrika-forum", city="Schwerin",
                           postal_code="19053", state="mecklenburg-vorpommern",
                           description="Beratung für Menschen aus Afrika.")  # fmt: skip
    editor = personas.create("editor_a")
    owner_assign(organisation=mo, user=editor)

    # The team enters its register data; a wrong number is named next to its field.
    page = open_page(editor, bypass_csp=True)
    act = Actor(page, mode)
    act.goto(f"/organisationen/{mo.slug}/bearbeiten/")
    act.submit_and_wait(page.get_by_role("link", name="Rechtsform, Register und Gemeinnützigkeit"))
    act.fill(page.get_by_label("Registergericht"), "Amtsgericht Schwerin")
    act.fill(page.get_by_label("Registernummer"), "12345")
    act.select(page.locator("#id_charitable_status"),
               label="Ja, vom Finanzamt als gemeinnützig anerkannt")  # fmt: skip
    act.fill(page.get_by_label("Datum des letzten Freistellungsbescheids"), "15.03.2025")
    act.submit_and_wait(page.get_by_role("button", name="Speichern"))
    error = page.locator("#id_register_number").locator("xpath=..").locator(".invalid-feedback")
    expect(error).to_contain_text("zuerst die Buchstaben, dann die Zahl")
    assert page.get_by_label("Registergericht").input_value() == "Amtsgericht Schwerin"
    assert _axe(page) == []
    screenshot(page, f"identity-entered-error-{mode}")
    act.fill(page.get_by_label("Registernummer"), "VR 12345")
    act.submit_and_wait(page.get_by_role("button", name="Speichern"))
    expect(page.locator(".alert-success")).to_contain_text("Gespeichert")

    # The coordinator approves the change, then checks the register extract.
    coordinator = open_page(world.users["coordinator"], bypass_csp=True)
    boss = Actor(coordinator, mode)
    boss.goto(f"/organisationen/{mo.slug}/pruefen/")
    assert "VR 12345" in coordinator.locator("main").inner_text()
    boss.submit_and_wait(coordinator.get_by_role("button", name="Freigeben und veröffentlichen"))
    boss.goto(f"/organisationen/{mo.slug}/pruefen/")
    boss.submit_and_wait(coordinator.get_by_role("link", name="Identität prüfen"))
    assert "Diese Angaben sind noch nicht geprüft." in coordinator.locator("main").inner_text()
    assert _axe(coordinator) == []
    boss.click(coordinator.get_by_label("Registerauszug (Papier oder PDF)"))
    boss.click(coordinator.get_by_label("Freistellungsbescheid des Finanzamts gesehen",
                                        exact=False))  # fmt: skip
    boss.fill(coordinator.get_by_label("Anmerkung (nur für die Koordination)"), "Auszug per Mail")
    boss.submit_and_wait(coordinator.get_by_role("button", name="Prüfung speichern"))
    expect(coordinator.locator("#identity-status")).to_contain_text("Identität geprüft")
    check = IdentityVerification.objects.get(organisation=mo)
    assert (check.register_checked, check.exemption_checked) == ("excerpt", True)
    assert _axe(coordinator) == []
    screenshot(coordinator, f"identity-checked-{mode}")

    # The public sees the badge, in words: what was checked, and when.
    visitor = open_page(bypass_csp=True)
    Actor(visitor, mode).goto(mo.get_absolute_url())
    badge = visitor.locator("#identity-badge")
    expect(badge).to_contain_text("Identität geprüft")
    expect(badge).to_contain_text("Eintrag im Register und Gemeinnützigkeit am")
    assert _axe(visitor) == []
    screenshot(visitor, f"identity-profile-{mode}")

    # The partner finder: "Identität geprüft" as a must lists this MO with its badge.
    finder = Actor(visitor, mode)
    finder.goto("/partnersuche/")
    finder.click(visitor.locator("#id_verified"))
    must = visitor.locator("input[name=verified_importance][value=must]")
    finder.click(must)
    finder.apply_live(visitor.get_by_role("button", name="Passende Organisationen finden"))
    assert "verified=on" in visitor.url and "verified_importance=must" in visitor.url
    card = visitor.locator(f"#mo-{mo.slug}")
    expect(card.locator(".identity-badge")).to_contain_text("Identität geprüft")
    assert visitor.locator(f"#mo-{world.other.slug}").count() == 0  # not checked: not listed
    assert _axe(visitor) == []
    screenshot(visitor, f"identity-finder-{mode}")
