"""Searching the directory by distance in a real browser, with the mouse and with
the keyboard alone, on a phone and a desktop."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.browser.keyboard import Actor, panel_closed, panel_shown

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("mode", ["mouse", "keyboard"])
def test_a_visitor_finds_the_mos_around_a_postcode_and_is_told_of_an_unknown_place(
    world, open_page, viewport, mode
):
    page = open_page(viewport=viewport)
    act = Actor(page, mode)
    act.goto("/organisationen/")
    if viewport == PHONE:  # the filters are in a panel
        act.open_filters()
    act.select(page.get_by_label("Umkreis", exact=True), label="50 km")
    act.fill(page.get_by_label("um Ort oder PLZ"), "19053")
    act.apply_live(page.get_by_role("button", name="Filter anwenden"))  # closes the panel
    assert "near=19053" in page.url and "radius=50" in page.url
    first = page.locator("li.org-card").first
    assert first.locator("h2").inner_text() == "Kontakt e. V."
    assert first.locator(".distance").inner_text() == "unter 1 km entfernt"
    assert page.locator("#id_sort option:checked").inner_text() == "Entfernung"
    assert page.get_by_role("link", name="Umkreis: 50 km um 19053 Schwerin").count() == 1
    screenshot(page, f"distance-{'phone' if viewport == PHONE else 'desktop'}-{mode}")

    if viewport == PHONE:
        act.open_filters("Filter (1)")
    act.fill(page.get_by_label("um Ort oder PLZ"), "Atlantis")
    act.apply_live(page.get_by_role("button", name="Filter anwenden"))
    field = page.get_by_label("um Ort oder PLZ")
    assert field.get_attribute("aria-invalid") == "true"
    expect(page.locator("#near-error")).to_contain_text("„Atlantis“ kennen wir nicht")
    if viewport == PHONE:
        # The panel closed: the results say it too, with a way back to the field.
        problem = page.locator("#results .near-problem")
        expect(problem).to_be_visible()
        expect(problem).to_contain_text("„Atlantis“ kennen wir nicht")
        panel_closed(page)  # Bootstrap ignores a toggle while the panel slides out
        act.click(problem.get_by_role("button", name="Ort ändern"))
        panel_shown(page)
        expect(page.get_by_label("um Ort oder PLZ")).to_have_value("Atlantis")
    else:
        expect(page.locator("#results .near-problem")).to_be_hidden()
