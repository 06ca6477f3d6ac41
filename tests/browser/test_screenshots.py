"""The screens the README shows: home, directory, profile, partner finder,
self-service, review and a guide chapter, on a phone and a desktop, in German
and English. Each must answer 200 and fit the window's width (nothing scrolls
sideways); the images land in test-artifacts/screenshots/docs/ and
`make screenshots` copies them to docs/screenshots/."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.pages import page_types

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

# (file name, role, page type name in tests.pages.page_types)
SCREENS = [
    ("home", "anonymous", "home"),
    ("directory", "anonymous", "directory"),
    ("profile", "anonymous", "profile"),
    ("finder", "anonymous", "finder-results"),
    ("self-service", "editor", "edit"),
    ("review", "coordinator", "review"),
    ("chapter", "anonymous", "chapter"),
]


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_readme_screens_fit_phone_and_desktop(world, open_page, language):
    urls = {(role, name): url for name, role, url in page_types(world)}
    problems = []
    for device, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        pages = {}
        for file_name, role, name in SCREENS:
            page = pages.get(role)
            if page is None:
                page = pages[role] = open_page(
                    world.users.get(role), language=language, viewport=viewport
                )
            response = page.goto(page.base + urls[(role, name)])
            if response.status != 200:
                problems.append(f"{file_name} {device}: {response.status}")
            if page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"):
                problems.append(f"{file_name} {device}: scrolls sideways")
            screenshot(page, f"docs/{file_name}-{language}-{device}")
    assert problems == [], problems
