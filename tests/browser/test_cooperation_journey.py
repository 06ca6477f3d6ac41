"""After "yes", in a real browser: an institution asks, the MO accepts, both
work in the cooperation space (checklist, goals and roles, time plan), close it
with their reviews, write and confirm a reference, and the reference shows on
the MO's profile and in the partner finder. With the mouse and with the
keyboard alone; the space on a phone is looked at in a screenshot."""

import pytest

from cooperation.models import Cooperation
from directory.models import Reference
from directory.vocabulary import get_vocabulary
from tests.browser.conftest import PHONE, screenshot
from tests.browser.keyboard import Actor

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
TEXT = "Gemeinsame Erstberatung für 40 neu zugewanderte Familien in Schwerin."


@pytest.mark.parametrize("mode", ["mouse", "keyboard"])
def test_request_accept_plan_close_and_a_reference_on_the_profile_and_in_the_finder(
    world, open_page, mode
):
    from playwright.sync_api import expect

    # The institution asks Kontakt e. V.
    institution = open_page(world.users["institution"])
    partner = Actor(institution, mode)
    partner.goto("/anfragen/neu/kontakt/")
    partner.fill(institution.locator("#id_subject"), "Sprechstunde im Jobcenter")
    partner.fill(institution.locator("#id_message"), "Wir möchten eine Sprechstunde anbieten.")
    partner.submit_and_wait(institution.get_by_role("button", name="Anfrage senden"))

    # The MO accepts and goes to the space.
    team = open_page(world.users["editor"])
    mo = Actor(team, mode)
    mo.goto("/anfragen/")
    mo.submit_and_wait(team.get_by_role("link", name="Sprechstunde im Jobcenter"))
    mo.submit_and_wait(team.get_by_role("button", name="Annehmen"))
    mo.submit_and_wait(team.get_by_role("link", name="Zum Bereich der Zusammenarbeit"))
    expect(team.locator("h1")).to_contain_text("Zusammenarbeit")
    # The MO ticks the guide's point on roles and writes its role.
    point = team.locator("#checklist li", has_text="Rollenklärung am Anfang vornehmen")
    mo.submit_and_wait(point.get_by_role("button", name="Abhaken"))
    expect(
        team.locator("#checklist li", has_text="Rollenklärung am Anfang vornehmen")
    ).to_contain_text("Erledigt")
    mo.fill(team.locator("#id_mo_role"), "Sprachmittlung und Zugang zur Community")
    mo.submit_and_wait(team.get_by_role("button", name="Ziele und Rollen speichern"))
    expect(team.locator(".alert-success")).to_contain_text("gespeichert")

    # The institution opens the same space from its request, adds its role and a milestone.
    cooperation = Cooperation.objects.get(request__subject="Sprechstunde im Jobcenter")
    partner.goto(cooperation.request.get_absolute_url())
    partner.submit_and_wait(institution.get_by_role("link", name="Zum Bereich der Zusammenarbeit"))
    expect(institution.locator("#id_mo_role")).to_have_value(
        "Sprachmittlung und Zugang zur Community"
    )
    partner.fill(institution.locator("#id_partner_role"), "Räume und Terminvergabe")
    partner.fill(institution.locator("#id_goals"), "Jede Woche eine Sprechstunde auf Russisch")
    partner.submit_and_wait(institution.get_by_role("button", name="Ziele und Rollen speichern"))
    partner.fill(institution.locator("#id_title"), "Erste Sprechstunde")
    institution.locator("#id_due_on").fill("2027-03-01")
    partner.select(institution.locator("#id_responsible"), label="Beide")
    partner.submit_and_wait(institution.get_by_role("button", name="Meilenstein eintragen"))
    expect(institution.locator("#plan-time")).to_contain_text("Erste Sprechstunde")
    cooperation.refresh_from_db()
    assert cooperation.partner_role == "Räume und Terminvergabe"
    assert cooperation.mo_role == "Sprachmittlung und Zugang zur Community"

    # The institution closes with its review; the MO adds its own.
    partner.fill(institution.locator("#id_went_well"), "Viele Familien erreicht")
    partner.submit_and_wait(institution.get_by_role("button", name="Zusammenarbeit abschließen"))
    expect(institution.locator("#space-status")).to_have_text("Abgeschlossen")
    mo.goto(cooperation.get_absolute_url())
    mo.fill(team.locator("#id_went_well"), "Gute Räume, klare Absprachen")
    mo.submit_and_wait(team.get_by_role("button", name="Rückblick speichern"))

    # The MO writes the reference; the institution confirms it.
    mo.fill(team.locator("#id_summary"), TEXT)
    mo.submit_and_wait(team.get_by_role("button", name="Referenz speichern und bestätigen"))
    expect(team.locator("#reference-state")).to_contain_text("andere Seite muss noch")
    partner.goto(cooperation.get_absolute_url())
    expect(institution.locator("#reference-text")).to_have_text(TEXT)
    partner.submit_and_wait(institution.get_by_role("button", name="Referenz bestätigen"))
    expect(institution.locator("#reference-state")).to_contain_text("Von beiden Seiten bestätigt")
    assert Reference.objects.get().is_confirmed

    # Anybody sees it on the profile and in the partner finder.
    visitor = open_page()
    Actor(visitor, mode).goto("/organisationen/kontakt/")
    expect(visitor.locator("#references")).to_contain_text(TEXT)
    expect(visitor.locator("#references")).to_contain_text("Jobcenter Schwerin")
    jobcenter = get_vocabulary().get("institution_type", "jobcenter")
    Actor(visitor, mode).goto(
        f"/partnersuche/?cooperated_with={jobcenter.pk}&cooperated_with_importance=must"
    )
    card = visitor.locator("#mo-kontakt")
    expect(card.locator(".confirmed-references")).to_contain_text("Jobcenter Schwerin")
    expect(card.locator(".explanation")).to_contain_text("Jobcenter")

    phone = open_page(world.users["editor"], viewport=PHONE)
    Actor(phone, "mouse").goto(cooperation.get_absolute_url())
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(phone, f"cooperation-space-phone-{mode}")


def test_the_space_works_without_javascript_on_a_phone(world, open_page):
    from playwright.sync_api import expect

    page = open_page(world.users["editor"], viewport=PHONE, javascript=False)
    act = Actor(page, "mouse")
    act.goto(world.space_url)
    point = page.locator("#checklist li", has_text="Zeitplan aufstellen")
    act.submit_and_wait(point.get_by_role("button", name="Abhaken"))
    expect(page.locator("#checklist li", has_text="Zeitplan aufstellen")).to_contain_text(
        "Erledigt"
    )
    act.fill(page.locator("#id_title"), "Elternabend")
    act.submit_and_wait(page.get_by_role("button", name="Meilenstein eintragen"))
    # The date is missing: the error stands next to the field, the title is kept.
    expect(page.locator("#id_title")).to_have_value("Elternabend")
    expect(page.locator("#id_due_on")).to_have_attribute("aria-invalid", "true")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
