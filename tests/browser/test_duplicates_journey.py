"""A representative types the name of a profile that exists: the page asks
"Gibt es Ihre Organisation schon?", leads to the claim, or creates the profile
all the same with what was typed (mouse and keyboard alone)."""

import pytest

from directory.models import Organisation
from tests import personas
from tests.browser.conftest import screenshot
from tests.browser.keyboard import Actor
from tests.browser.test_accessibility import _axe

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("mode", ["mouse", "keyboard"])
def test_an_existing_name_is_pointed_out_and_leads_to_the_claim_or_on(world, open_page, mode):
    page = open_page(personas.create("member"), bypass_csp=True)
    act = Actor(page, mode)
    act.goto("/organisationen/neu/")
    act.fill(page.locator("#id_name"), "Club Dialog eV")
    act.fill(page.locator("#id_postal_code"), "10405")
    act.fill(page.locator("#id_city"), "Berlin")
    act.select(page.locator("#id_state"), label="Berlin")
    act.submit_and_wait(page.get_by_role("button", name="Profil anlegen"))
    assert page.get_by_role("heading", name="Gibt es Ihre Organisation schon?").count() == 1
    assert page.locator("#id_name").input_value() == "Club Dialog eV"  # nothing is lost
    assert _axe(page) == []
    screenshot(page, f"duplicates-question-{mode}")

    claim = page.get_by_role(
        "link", name="Das ist meine Organisation: Club Dialog e. V. übernehmen"
    )
    claim_url = claim.get_attribute("href")
    assert claim_url == "/organisationen/club-dialog/uebernehmen/"
    act.submit_and_wait(
        page.get_by_role(
            "button", name="Nein, meine Organisation ist nicht dabei – neues Profil anlegen"
        )
    )
    created = Organisation.objects.get(name="Club Dialog eV")
    assert page.url.endswith(f"/organisationen/{created.slug}/bearbeiten/")
    assert (created.city, created.postal_code, created.status) == ("Berlin", "10405", "draft")

    # The other way: the claim of the profile shown.
    act.goto(claim_url)
    assert page.locator("h1").inner_text() == "Profil übernehmen"
    assert "Club Dialog e. V." in page.locator("main").inner_text()
    assert page.get_by_label("Nachricht an die Koordination").count() == 1
