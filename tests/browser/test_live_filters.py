"""Live filters (issue 18) in a real browser, on a phone and a desktop, with the
mouse and with the keyboard alone, and the same tasks without JavaScript: filter
without a page load, pick two languages by typing in the directory's language facet,
remove a chip, go Back; the partner finder's chips; the phone panels of both."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.browser.keyboard import Actor, panel_shown, wait_live
from tests.browser.test_accessibility import _axe

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
MODES = pytest.mark.parametrize("mode", ["mouse", "keyboard"])


def count_page_loads(page) -> list[str]:
    """Documents the page loads (htmx requests and pushed addresses are not)."""
    loads: list[str] = []
    page.on("request", lambda r: loads.append(r.url) if r.resource_type == "document" else None)
    return loads


def pick_language_by_typing(page, act, typed: str, label: str):
    """Type into the language facet's search field, then tick the one option left."""
    search = page.get_by_label("Sprache in der Liste suchen", exact=True)
    act.fill(search, typed)
    option = page.locator("#facets fieldset", has=search).get_by_label(
        re.compile("^" + label), exact=False
    )
    expect(option).to_have_count(1)
    fieldset = page.locator("#facets fieldset", has=search)
    expect(fieldset.locator(".form-check:visible")).to_have_count(1)  # the others hidden
    act.click(option)  # keyboard: reached with Tab, ticked with Space
    wait_live(page)


@VIEWPORTS
@MODES
def test_directory_filters_live_by_typing_two_languages_and_removing_a_chip(
    world, open_page, viewport, mode
):
    page = open_page(viewport=viewport)
    loads = count_page_loads(page)
    act = Actor(page, mode)
    act.goto("/organisationen/")
    expect(page.locator("#results-heading")).to_have_text("5 Organisationen gefunden")
    if viewport == PHONE:
        # Results first; the filters wait in a panel behind the "Filter" button.
        assert not page.locator("#filters").is_visible()
        act.open_filters()
        expect(page.get_by_role("dialog", name="Filter")).to_be_visible()

    pick_language_by_typing(page, act, "russ", "Russisch")
    assert page.url.endswith("/organisationen/?language=ru")
    expect(page.locator("#results-heading")).to_have_text("5 Organisationen gefunden")
    expect(page.locator("#live-status")).to_have_text("5 Organisationen gefunden")
    # The search text survives the update, and the focus stays in the facet.
    expect(page.get_by_label("Sprache in der Liste suchen", exact=True)).to_have_value("russ")
    expect(page.locator("#f-language-ru")).to_be_focused()

    # "Identität geprüft": a checkbox with its count, live on and off again.
    verified = page.get_by_label("Identität geprüft (1)", exact=True)
    act.click(verified)
    wait_live(page)
    assert page.url.endswith("/organisationen/?language=ru&verified=ja")
    expect(page.locator("#results-heading")).to_have_text("1 Organisation gefunden")
    expect(page.locator("#results")).to_contain_text("Kontakt e. V.")
    expect(page.get_by_role("link", name=re.compile("^Identität geprüft: ja"))).to_be_attached()
    expect(page.locator("#f-verified-ja")).to_be_checked()
    act.click(page.locator("#f-verified-ja"))
    wait_live(page)
    assert page.url.endswith("/organisationen/?language=ru")
    expect(page.locator("#results-heading")).to_have_text("5 Organisationen gefunden")
    expect(page.get_by_role("link", name=re.compile("^Identität geprüft"))).to_have_count(0)

    pick_language_by_typing(page, act, "deu", "Deutsch")
    assert "language=ru" in page.url and "language=de" in page.url
    expect(page.locator("#results-heading")).to_have_text("2 Organisationen gefunden")
    if viewport == PHONE:
        expect(page.get_by_role("button", name="Filter (2)")).to_be_attached()
        act.click(page.get_by_role("button", name="2 Ergebnisse anzeigen"))
        expect(page.locator("#filters")).to_be_hidden()
        expect(page.locator("#results-heading")).to_be_focused()

    chip = page.get_by_role("link", name=re.compile("^Sprache: Russisch"))
    act.click(chip)
    wait_live(page)
    assert page.url.endswith("/organisationen/?language=de")
    expect(page.locator("#results-heading")).to_have_text("2 Organisationen gefunden")
    expect(page.locator("#results-heading")).to_be_focused()
    assert not page.locator("#f-language-ru").is_checked()
    screenshot(page, f"live-filters-{'phone' if viewport == PHONE else 'desktop'}-{mode}")

    assert loads == [page.base + "/organisationen/"], loads  # one page load for it all
    page.go_back()  # Back: the address before, and its results
    expect(page).to_have_url(re.compile(r"\?(?=.*language=ru)(?=.*language=de)"))
    expect(page.locator("#results-heading")).to_have_text("2 Organisationen gefunden")
    expect(page.locator("#f-language-ru")).to_be_checked()


@VIEWPORTS
def test_the_same_tasks_without_javascript(world, open_page, viewport):
    page = open_page(viewport=viewport, javascript=False)
    act = Actor(page, "mouse")
    act.goto("/organisationen/")
    # The filters stand in the page; "Filter anwenden" applies them.
    expect(page.locator("#filters")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Filter( \(\d+\))?$"))).to_have_count(0)
    expect(page.get_by_label("Sprache in der Liste suchen", exact=True)).to_be_hidden()
    page.locator("#f-language-ru").check()
    page.locator("#f-language-de").check()
    act.submit_and_wait(page.get_by_role("button", name="Filter anwenden"))
    assert "language=ru" in page.url and "language=de" in page.url
    expect(page.locator("#results-heading")).to_have_text("2 Organisationen gefunden")
    act.submit_and_wait(page.get_by_role("link", name=re.compile("^Sprache: Russisch")))
    assert "language=ru" not in page.url and "language=de" in page.url
    if viewport == PHONE:
        expect(page.get_by_role("link", name="Zu den Ergebnissen")).to_be_visible()
        screenshot(page, "live-filters-phone-nojs")


@VIEWPORTS
@MODES
def test_the_finder_updates_live_and_its_chips_remove_a_criterion(world, open_page, viewport, mode):
    page = open_page(viewport=viewport)
    loads = count_page_loads(page)
    act = Actor(page, mode)
    act.goto("/partnersuche/")
    if viewport == PHONE:
        # Results first; the criteria wait in a panel behind the "Kriterien" button.
        assert not page.locator("#filters").is_visible()
        expect(page.locator("#finder-results")).to_contain_text("Wählen Sie mindestens ein")
        act.open_filters("Kriterien")
        expect(page.get_by_role("dialog", name="Kriterien")).to_be_visible()
        expect(page.locator("#show-results")).to_have_text("Ergebnisse anzeigen")
    act.select(page.locator("#id_role"), label="Kooperationspartner")
    wait_live(page)
    expect(page.locator("#ergebnisse")).to_contain_text("erfüllen alle Muss-Kriterien")
    act.fill(page.get_by_role("combobox", name="Sprachen", exact=True), "Russ")
    if mode == "keyboard":
        page.keyboard.press("Enter")
    else:
        page.get_by_role("option", name="Russisch", exact=True).click()
    wait_live(page)
    if viewport == PHONE:  # the panel's button and its sticky footer follow the results
        heading = page.locator("#ergebnisse").inner_text()
        total = int(re.match(r"\d+", heading).group())
        active = page.locator("#finder-results a[data-remove-param]").count()
        assert active >= 2  # the role and the language, at least
        expect(page.get_by_role("button", name=f"Kriterien ({active})")).to_be_attached()
        expect(page.locator("#show-results")).to_have_text(f"{total} Ergebnisse anzeigen")
    act.fill(page.locator("#id_near"), "Schwerin")
    # The submit button applies at once; on a phone it also closes the panel.
    act.apply_live(page.get_by_role("button", name="Passende Organisationen finden"))
    if viewport == PHONE:
        expect(page.locator("#filters")).to_be_hidden()
        expect(page.get_by_role("button", name=f"Kriterien ({active + 1})")).to_be_visible()
    expect(page.locator("#ergebnisse")).to_be_focused()
    assert "near=Schwerin" in page.url and "languages=" in page.url
    chips = page.locator("#finder-results a[data-remove-param]")
    expect(chips.filter(has_text="Sprachen: Russisch")).to_have_count(1)
    expect(chips.filter(has_text="Umkreis: 25 km um Schwerin")).to_have_count(1)
    act.click(chips.filter(has_text="Sprachen: Russisch"))
    wait_live(page)
    assert "languages=" not in page.url.replace("languages_importance", "")
    expect(page.locator(".multiselect-chip")).to_have_count(0)  # the control follows
    expect(page.locator("#ergebnisse")).to_be_focused()
    if viewport == PHONE:
        expect(page.get_by_role("button", name=f"Kriterien ({active})")).to_be_visible()
        act.open_filters(f"Kriterien ({active})")
        act.click(page.locator("#show-results"))  # "N Ergebnisse anzeigen" closes the panel
        expect(page.locator("#filters")).to_be_hidden()
        expect(page.locator("#ergebnisse")).to_be_focused()
        screenshot(page, f"finder-phone-{mode}")
    assert loads == [page.base + "/partnersuche/"], loads


def test_the_finder_on_a_phone_without_javascript(world, open_page):
    page = open_page(viewport=PHONE, javascript=False)
    act = Actor(page, "mouse")
    act.goto("/partnersuche/")
    # The criteria stand in the page, with a link past them to the results.
    expect(page.locator("#filters")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Kriterien"))).to_have_count(0)
    expect(page.get_by_role("link", name="Zu den Ergebnissen")).to_be_visible()
    page.locator("#id_role").select_option(label="Kooperationspartner")
    act.submit_and_wait(page.get_by_role("button", name="Passende Organisationen finden"))
    assert "role=" in page.url
    expect(page.locator("#ergebnisse")).to_contain_text("erfüllen alle Muss-Kriterien")
    expect(page.locator("#show-results")).to_be_hidden()


@pytest.mark.parametrize("language", ["de", "en"])
def test_no_violation_after_live_updates_and_in_the_open_phone_panel(world, open_page, language):
    page = open_page(language=language, viewport=PHONE, bypass_csp=True)
    page.goto(page.base + "/organisationen/")
    page.locator("#filter-toggle").click()
    panel_shown(page)
    page.locator("#f-language-ru").check()
    wait_live(page)
    page.locator("#facet-search-language").fill("de")
    assert _axe(page) == []
    if language == "de":
        # test-artifacts/screenshots/; the README's copy in docs/screenshots/ is
        # taken from there by hand (a test run must not change tracked files).
        screenshot(page, "directory-filters-de-phone")
    page.locator("#show-results").click()
    expect(page.locator("#filters")).to_be_hidden()
    assert _axe(page) == []
