"""The Schwerin task of issue 18, counted in a real browser (Playwright + Debian's Chromium).

"A Jobcenter employee in Schwerin looks for a Russian-speaking MO for mentoring":
from the home page open the directory, choose the language Russisch, the search
word "Begleitung" (mentoring: the word the demo data's offers use; "Mentoring"
itself finds nothing there), within 25 km of Schwerin, and open the first result.

Counted: clicks, key presses (each typed character is one) and page loads (documents
the browser loads; htmx requests and pushed addresses are none). Steps are the
shortest a person who knows the page takes; scrolling is not counted.

    .venv/bin/python bench/schwerin_task.py --base http://127.0.0.1:8000 --variant live
    .venv/bin/python bench/schwerin_task.py --base http://127.0.0.1:8001 --variant before

``before`` is the directory before issue 18 (commit 84cbf15): one form, applied by
the "Filter anwenden" button at the end of the filter column; it has no radius
search, so the place filter "Schwerin" stands in for "within 25 km".
Needs a running portal with demo data (seed_demo --count 2000 --published-only).
"""

import argparse
import re
import time
from dataclasses import dataclass, field

from playwright.sync_api import Page, expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
WORD = "Begleitung"
# The page's scroll position plus that of the phone filter panel (it scrolls by itself).
SCROLLED = (
    "window.scrollY + ((document.querySelector('#filters .offcanvas-body') || {}).scrollTop || 0)"
)


@dataclass
class Counter:
    page: Page
    clicks: int = 0
    keys: int = 0
    loads: list[str] = field(default_factory=list)
    scrolled: int = 0  # px the page was scrolled to reach the controls (by Playwright)
    _at: int = 0

    def click(self, locator) -> None:
        locator.scroll_into_view_if_needed()
        self._track()
        locator.click()
        self.clicks += 1
        self._track()

    def _track(self) -> None:
        now = int(self.page.evaluate(SCROLLED))
        self.scrolled += abs(now - self._at)
        self._at = now

    def reset_scroll(self) -> None:
        self._at = int(self.page.evaluate(SCROLLED))

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.keys += len(text)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.keys += 1


def wait_live(page: Page) -> None:
    expect(page.locator("form[data-live]")).not_to_have_attribute("data-busy", "", timeout=15000)


def live_steps(page: Page, act: Counter, phone: bool) -> None:
    act.click(page.locator("#id_q"))
    act.type(WORD)
    act.press("Enter")
    wait_live(page)
    if phone:
        act.click(page.locator("#filter-toggle"))
        expect(page.locator("#filters")).not_to_have_class(re.compile("showing"))
    act.click(page.locator("#id_near"))
    act.type("Schwerin")  # the radius is 25 km unless chosen; asked after a pause
    act.click(page.get_by_label("Sprache in der Liste suchen", exact=True))
    act.type("russ")
    act.click(page.locator("#f-language-ru"))
    wait_live(page)
    if phone:
        act.click(page.locator("#show-results"))  # "1 Ergebnis anzeigen"
        expect(page.locator("#filters")).to_be_hidden()


def before_steps(page: Page, act: Counter, phone: bool) -> None:
    act.click(page.locator("#id_q"))
    act.type(WORD)
    act.click(page.locator("#id_place"))
    act.type("Schwerin")
    russian = page.locator("#f-language-ru")
    if not russian.is_visible():  # behind "Weitere anzeigen"
        facet = page.locator("fieldset", has=russian)
        act.click(facet.locator("summary"))
    act.click(russian)
    with page.expect_navigation():
        act.click(page.get_by_role("button", name="Filter anwenden"))


def run(base: str, variant: str, phone: bool) -> dict:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(viewport=PHONE if phone else DESKTOP, locale="de")
        context.set_default_timeout(20000)
        page = context.new_page()
        act = Counter(page)
        page.on(
            "request",
            lambda r: (
                act.loads.append(r.url)
                if r.resource_type == "document" and r.frame == page.main_frame
                else None
            ),
        )
        started = time.monotonic()
        page.goto(base + "/")
        if phone:
            act.click(page.locator(".navbar-toggler"))
        with page.expect_navigation():
            act.click(page.get_by_role("link", name="Organisationen finden"))
        act.reset_scroll()
        (live_steps if variant == "live" else before_steps)(page, act, phone)
        total = page.locator("#results-heading, p.lead").first.inner_text()
        first = page.locator("li.org-card h2 a").first
        name = first.inner_text()
        with page.expect_navigation():
            act.click(first)
        expect(page.locator("h1")).to_have_text(re.compile(re.escape(name[:20])))
        seconds = time.monotonic() - started
        browser.close()
    return {
        "variant": variant,
        "viewport": "phone 390x844" if phone else "desktop 1280x900",
        "clicks": act.clicks,
        "keys": act.keys,
        "page_loads": len(act.loads),  # the home page included
        "scrolled": act.scrolled,
        "result": " ".join(total.split()),
        "opened": name,
        "seconds": round(seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--variant", choices=["live", "before"], required=True)
    args = parser.parse_args()
    for phone in (False, True):
        row = run(args.base.rstrip("/"), args.variant, phone)
        print(
            "| {variant} | {viewport} | {clicks} | {keys} | {page_loads} | {scrolled} px |"
            " {result} | {opened} | {seconds} s |".format(**row)
        )


if __name__ == "__main__":
    main()
