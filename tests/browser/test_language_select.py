"""The searchable language select (static/js/multiselect.js): two languages
picked by typing, with the keyboard alone, on a phone and a desktop; the same
with JavaScript off (the plain select box); axe stays at 0 with the list open."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from directory.vocabulary import get_vocabulary
from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.browser.keyboard import Actor
from tests.browser.test_accessibility import _axe

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def _languages_in(url: str) -> set[int]:
    return {int(v) for v in parse_qs(urlparse(url).query).get("languages", [])}


def _ids(*codes: str) -> set[int]:
    vocab = get_vocabulary()
    return {vocab.get("language", code).pk for code in codes}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_two_languages_picked_by_typing_with_the_keyboard_alone(world, open_page, viewport):
    page = open_page(viewport=viewport)
    actor = Actor(page, "keyboard")
    actor.goto(reverse("finder"))
    if viewport == PHONE:
        actor.open_filters("Kriterien")  # on a phone the criteria are in a panel
    search = page.get_by_role("combobox", name="Sprachen", exact=True)
    assert search.get_attribute("placeholder") == "Sprache suchen"
    assert page.locator("#id_languages").is_hidden()  # the select box is replaced

    actor.fill(search, "ukr")
    assert search.get_attribute("aria-expanded") == "true"
    assert page.get_by_role("option", name="Ukrainisch").is_visible()
    assert page.get_by_role("status").filter(has_text="1 Treffer").count() == 1
    page.keyboard.press("Enter")  # chooses, does not submit
    assert page.get_by_role("status").filter(has_text="Ukrainisch ausgewählt").count() == 1

    page.keyboard.type("tu")  # "tu" finds Türkisch (German collation) and Turkmenisch
    assert page.get_by_role("option", name="Türkisch").is_visible()
    assert page.get_by_role("option", name="Portugiesisch").is_hidden()  # word starts only
    page.keyboard.press("ArrowDown")
    active = search.get_attribute("aria-activedescendant")
    assert page.locator(f"#{active}").inner_text() == "Turkmenisch"
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    chips = page.locator(".multiselect-chip span")
    assert chips.all_inner_texts() == ["Türkisch", "Ukrainisch"]  # in the list's order

    # Backspace removes the last chip, the × button another; choose again.
    page.keyboard.press("Backspace")
    assert chips.all_inner_texts() == ["Türkisch"]
    assert page.get_by_role("status").filter(has_text="Ukrainisch entfernt").count() == 1
    actor.click(page.get_by_role("button", name="Türkisch entfernen"))
    assert chips.count() == 0
    assert page.evaluate("document.activeElement.id") == "id_languages_search"
    for text in ("ukr", "türk"):
        page.keyboard.type(text)
        page.keyboard.press("Enter")
    assert chips.count() == 2
    page.keyboard.type("a")
    screenshot(page, f"language-select-{viewport['width']}")
    page.keyboard.press("Escape")
    assert search.get_attribute("aria-expanded") == "false"
    if viewport == PHONE:  # Escape closed the list, not the panel around it
        assert page.locator("#filters").get_attribute("class").split().count("hiding") == 0
        assert page.locator("#filters").is_visible()

    # The finder's results follow live (no page load); the button asks at once.
    actor.apply_live(page.get_by_role("button", name="Passende Organisationen finden"))
    assert _languages_in(page.url) == _ids("uk", "tr")
    # The result page shows the choice again as chips.
    assert chips.all_inner_texts() == ["Türkisch", "Ukrainisch"]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_without_javascript_the_plain_select_box_does_the_same(world, open_page, viewport):
    page = open_page(viewport=viewport, javascript=False)
    actor = Actor(page, "keyboard")
    actor.goto(reverse("finder"))
    assert page.get_by_role("combobox", name="Sprachen").count() == 0
    select = page.get_by_label("Sprachen", exact=True)
    assert select.evaluate("el => el.tagName") == "SELECT"
    groups = select.locator("optgroup")
    assert groups.evaluate_all("gs => gs.map(g => g.label)") == [
        "Häufig",
        "Weitere Sprachen (A–Z)",
    ]
    actor.select(select, label=["Ukrainisch", "Türkisch"])
    actor.submit_and_wait(page.get_by_role("button", name="Passende Organisationen finden"))
    assert _languages_in(page.url) == _ids("uk", "tr")


def test_no_axe_violation_with_the_list_open_and_choices_made(world, open_page):
    page = open_page(world.users["editor"], bypass_csp=True)
    problems = []
    for url in (
        reverse("finder"),
        reverse("directory:edit_section", args=[world.mo.slug, "identitaet"]),
        reverse("directory:edit_section", args=[world.mo.slug, "angebote"]),
    ):
        page.goto(page.base + url)
        search = page.locator("input[role=combobox]").first
        search.fill("a")
        page.keyboard.press("Enter")
        search.fill("s")
        page.keyboard.press("ArrowDown")
        assert page.get_by_role("listbox").first.is_visible()
        problems += [f"{url} {p}" for p in _axe(page)]
    assert problems == []
