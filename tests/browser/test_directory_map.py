"""The directory's map in a real browser: opened with the mouse and with the keyboard
alone, on a phone and a desktop; a marker's popup leads to the profile; clusters open;
the points follow live updates of the results; without JavaScript there is no map and
the list is everything. axe stays at 0 with the map and a popup open."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.browser.keyboard import Actor, focus_visible, wait_live
from tests.browser.test_accessibility import _axe

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
DIRECTORY = reverse("directory:organisation_list")
KONTAKT = '.leaflet-marker-icon[title="Kontakt e. V."]'
CLUSTER = ".leaflet-marker-icon.marker-cluster"


def _open_map(page, act):
    act.click(page.get_by_role("button", name="Karte anzeigen"))
    region = page.get_by_role("region", name="Karte der Ergebnisse")
    region.wait_for()
    page.locator(".leaflet-marker-icon").first.wait_for()
    assert page.get_by_role("button", name="Karte ausblenden").get_attribute("aria-expanded") == (
        "true"
    )
    return region


def _no_sideways_scrolling(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("mode", ["mouse", "keyboard"])
def test_a_visitor_opens_the_map_and_a_marker_and_follows_it_to_the_profile(
    world, open_page, viewport, mode
):
    page = open_page(viewport=viewport)
    act = Actor(page, mode)
    act.goto(DIRECTORY)
    _open_map(page, act)
    status = page.locator("[data-map-status]")
    assert status.inner_text() == (
        "4 Organisationen auf der Karte. 1 Organisation ohne Ortsangabe ist nicht auf der Karte."
    )
    _no_sideways_scrolling(page)
    # The state filter, applied live: the map stays open and follows the new results.
    if viewport == PHONE:  # the filters are in a panel
        act.open_filters()
    act.click(page.get_by_label("Mecklenburg-Vorpommern"))
    wait_live(page)
    if viewport == PHONE:
        act.click(page.locator("#show-results"))  # "1 Ergebnis anzeigen" closes the panel
        expect(page.locator("#filters")).to_be_hidden()
    expect(status).to_have_text("1 Organisation auf der Karte.")
    assert page.get_by_role("button", name="Karte ausblenden").get_attribute("aria-expanded") == (
        "true"
    )
    marker = page.locator(KONTAKT)
    screenshot(page, f"directory-map-{'phone' if viewport == PHONE else 'desktop'}-{mode}")
    act.click(marker)
    link = page.locator(".leaflet-popup").get_by_role("link", name="Kontakt e. V.")
    link.wait_for()
    assert "19053 Schwerin" in page.locator(".leaflet-popup").inner_text()
    if mode == "keyboard":
        # The popup's link has the focus; Escape closes it and returns to the marker.
        assert link.evaluate("(el) => el === document.activeElement") and focus_visible(page)
        page.keyboard.press("Escape")
        page.locator(".leaflet-popup").wait_for(state="detached")
        assert marker.evaluate("(el) => el === document.activeElement")
        page.keyboard.press("Enter")
        link.wait_for()
        with page.expect_navigation():
            page.keyboard.press("Enter")
    else:
        with page.expect_navigation():
            link.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Kontakt e. V."


def test_the_map_does_not_trap_the_focus_and_clusters_open_with_enter(world, open_page):
    page = open_page()
    act = Actor(page, "keyboard")
    act.goto(DIRECTORY)
    _open_map(page, act)
    cluster = page.locator(CLUSTER).first
    assert "Organisationen an dieser Stelle, vergrößern" in cluster.inner_text()
    zoom = page.evaluate("document.querySelector('.leaflet-proxy').style.transform")
    act.click(cluster)
    page.wait_for_function(
        "(before) => document.querySelector('.leaflet-proxy').style.transform !== before",
        arg=zoom,
    )
    # Focus stays on the map, and Tab leads on out of it to the list.
    page.wait_for_function(
        "() => document.querySelector('.leaflet-container').contains(document.activeElement)"
    )
    first_card = page.locator("li.org-card h2 a").first
    for _ in range(40):
        if first_card.evaluate("(el) => el === document.activeElement"):
            break
        page.keyboard.press("Tab")
    else:
        raise AssertionError("Tab does not lead out of the map")


def test_the_points_follow_live_updates_and_the_back_button(world, open_page):
    page = open_page()
    page.goto(page.base + DIRECTORY)
    _open_map(page, Actor(page, "mouse"))
    page.evaluate(
        """() => {
        history.pushState(null, "", "?place=Schwerin");
        const detail = {search: "?place=Schwerin"};
        document.dispatchEvent(new CustomEvent("directory:updated", {detail}));
    }"""
    )
    status = page.locator("[data-map-status]")
    page.wait_for_function(
        "() => document.querySelector('[data-map-status]').textContent"
        ".startsWith('1 Organisation auf')"
    )
    assert page.locator(".leaflet-marker-icon").count() == 1
    page.go_back()
    page.wait_for_function(
        "() => document.querySelector('[data-map-status]').textContent"
        ".startsWith('4 Organisationen')"
    )
    assert "ohne Ortsangabe" in status.inner_text()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_without_javascript_there_is_no_map_and_the_list_is_everything(world, open_page, viewport):
    page = open_page(viewport=viewport, javascript=False)
    act = Actor(page, "keyboard")
    act.goto(DIRECTORY)
    assert page.get_by_role("button", name="Karte anzeigen").count() == 0
    assert not page.locator("#directory-map").is_visible()
    assert page.locator("li.org-card").count() == 5
    act.fill(page.get_by_label("Ort oder PLZ-Anfang"), "Schwerin")
    act.submit_and_wait(page.get_by_role("button", name="Filter anwenden"))
    assert page.locator("li.org-card h2").all_inner_texts() == ["Kontakt e. V."]
    _no_sideways_scrolling(page)


@pytest.mark.parametrize("language", ["de", "en"])
def test_no_axe_violation_with_the_map_and_a_popup_open(world, open_page, language):
    page = open_page(language=language, bypass_csp=True)
    page.goto(page.base + DIRECTORY + "?state=mecklenburg-vorpommern")
    page.locator("[data-map-toggle]").click()
    page.locator(KONTAKT).click()
    page.locator(".leaflet-popup-content a").wait_for()
    # axe measures colours as painted: wait until the popup has faded in completely.
    expect(page.locator(".leaflet-popup")).to_have_css("opacity", "1")
    assert _axe(page) == []


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_the_map_fades_and_glides_only_for_people_who_did_not_ask_for_less_motion(
    world, open_page, motion
):
    page = open_page()
    page.emulate_media(reduced_motion=motion)
    page.goto(page.base + DIRECTORY)
    page.locator("[data-map-toggle]").click()
    page.locator(".leaflet-marker-icon").first.wait_for()
    animated = page.locator(".leaflet-container.leaflet-fade-anim")
    expect(animated).to_have_count(0 if motion == "reduce" else 1)


def test_with_a_tile_server_the_map_draws_its_tiles_instead_of_the_state_borders(
    world, open_page, settings
):
    # A "tile server" on the portal's own host (CSP 'self'): every tile is one image.
    settings.MAP_TILE_URL = "/static/vendor/leaflet-1.9.4/images/layers.png?{z}/{x}/{y}"
    settings.MAP_TILE_ATTRIBUTION = "Kacheln: Beispiel"
    page = open_page()
    page.goto(page.base + DIRECTORY)
    _open_map(page, Actor(page, "mouse"))
    page.wait_for_function(
        "() => [...document.querySelectorAll('img.leaflet-tile')].some("
        "(img) => img.complete && img.naturalWidth > 0)"
    )
    assert page.locator("path.leaflet-interactive, .leaflet-overlay-pane path").count() == 0
    assert "Kacheln: Beispiel" in page.locator(".leaflet-control-attribution").inner_text()
