"""axe-core on every page type, in both languages, signed out and as each role:
no violation of the WCAG 2.0/2.1 A and AA rules (plus heading order and one h1).
Screenshots of the main pages in both languages at phone and desktop width."""

import json

import pytest

from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.pages import ROLES, page_types
from tests.tools import AXE_JS

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "rules": {"heading-order": {"enabled": True}, "page-has-heading-one": {"enabled": True}},
    "resultTypes": ["violations"],
}
SCREENSHOT_PAGES = {"home", "directory", "profile", "finder-results", "chapter", "term", "support"}


def _axe(page) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(f"async () => await axe.run(document, {json.dumps(AXE_OPTIONS)})")
    problems = []
    for violation in result["violations"]:
        for node in violation["nodes"][:3]:
            problems.append(
                f"{violation['id']}: {node['target']} {node.get('failureSummary', '')[:160]}"
            )
    return problems


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("role", ROLES)
def test_no_wcag_violation_on_any_page_type(world, open_page, role, language):
    page = open_page(world.users.get(role), language=language, bypass_csp=True)
    problems = []
    for name, page_role, url in page_types(world):
        if page_role != role:
            continue
        response = page.goto(page.base + url)
        assert response.status == 200, (url, response.status)
        for problem in _axe(page):
            problems.append(f"{role}/{name} [{language}] {problem}")
        if role == "anonymous" and name in SCREENSHOT_PAGES:
            screenshot(page, f"{name}-{language}-desktop")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("language", ["de", "en"])
def test_main_pages_on_a_phone_without_violations_or_sideways_scrolling(world, open_page, language):
    page = open_page(language=language, viewport=PHONE, bypass_csp=True)
    problems = []
    for name, role, url in page_types(world):
        if role != "anonymous" or name not in SCREENSHOT_PAGES:
            continue
        page.goto(page.base + url)
        problems += [f"{name} [{language}] {p}" for p in _axe(page)]
        if page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"):
            problems.append(f"{name} [{language}] scrolls sideways at 390 px")
        screenshot(page, f"{name}-{language}-phone")
    assert problems == [], "\n".join(problems)


def test_text_zoomed_to_200_percent_needs_no_sideways_scrolling(world, open_page):
    """WCAG 1.4.4 / 1.4.10: at 200 % zoom a 1280 px window is 640 CSS px wide."""
    page = open_page(viewport={"width": DESKTOP["width"] // 2, "height": DESKTOP["height"] // 2})
    wide = []
    for name, role, url in page_types(world):
        if role != "anonymous":
            continue
        page.goto(page.base + url)
        if page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"):
            wide.append(name)
    assert wide == []


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("language", ["de", "en"])
def test_the_conflict_page_has_no_violation_in_either_language(
    world, open_page, language, viewport
):
    """The 409 page of a stale profile section (templates/includes/conflict.html)."""
    from directory.models import Membership, Organisation
    from directory.services import organisation_save
    from tests.factories import make_organisation

    organisation = make_organisation(
        "Brücke e. V.", slug="bruecke", status=Organisation.Status.DRAFT, description="Alt"
    )
    editor = world.users["editor"]
    Membership.objects.create(user=editor, organisation=organisation, role=Membership.Role.EDITOR)
    page = open_page(editor, language=language, viewport=viewport, bypass_csp=True)
    page.goto(f"{page.base}/organisationen/bruecke/bearbeiten/identitaet/")
    stored = Organisation.objects.get(pk=organisation.pk)
    stored.description = "Von jemand anderem"  # a colleague saves meanwhile
    organisation_save(organisation=stored, by=None, fields=["description"])
    page.fill("#id_description", "Meine Eingabe")
    with page.expect_navigation() as answer:
        page.locator("main form button.btn-primary[type=submit]").click()
    assert answer.value.status == 409
    assert page.locator("#conflict .conflict-yours").inner_text() == "Meine Eingabe"
    problems = _axe(page)
    if page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"):
        problems.append("scrolls sideways")
    assert problems == [], "\n".join(problems)
    width = "phone" if viewport == PHONE else "desktop"
    page.locator("#conflict").scroll_into_view_if_needed()
    screenshot(page, f"conflict-{language}-{width}")
