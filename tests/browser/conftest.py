"""Browser tests: Playwright for Python driving Debian's Chromium (never a
downloaded browser) against the live portal (pytest-django's live_server)."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.tools import CHROMIUM, ROOT, require_browser

ARTIFACTS = ROOT / "test-artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    require_browser()
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
        )
        yield instance
        instance.close()


@pytest.fixture
def world(live_server, settings):
    from tests.pages import build_world

    settings.SITE_URL = live_server.url
    return build_world()


@pytest.fixture
def open_page(browser, live_server):
    """open_page(user=None, language="de", viewport=DESKTOP, javascript=True) -> a page.

    Pages run under the portal's Content-Security-Policy; every violation the
    browser reports fails the test (at teardown). Only tests that inject a test
    tool (axe-core) pass bypass_csp=True.
    """
    contexts, violations = [], []

    def make(user=None, language="de", viewport=None, bypass_csp=False, javascript=True):
        context = browser.new_context(
            viewport=viewport or DESKTOP,
            locale=language,
            bypass_csp=bypass_csp,
            java_script_enabled=javascript,
        )
        cookies = [{"name": "django_language", "value": language, "url": live_server.url}]
        if user is not None:
            client = Client()
            client.force_login(user)
            cookies.append(
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            )
        context.add_cookies(cookies)
        context.set_default_timeout(15000)
        contexts.append(context)
        page = context.new_page()
        page.base = live_server.url
        page.csp_violations = []

        def on_console(message, page=page):
            if "Content Security Policy" in message.text:
                page.csp_violations.append(f"{page.url}: {message.text}")
                if not bypass_csp:
                    violations.append(f"{page.url}: {message.text}")

        page.on("console", on_console)
        return page

    yield make
    for context in contexts:
        context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


def screenshot(page, name: str) -> Path:
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path
