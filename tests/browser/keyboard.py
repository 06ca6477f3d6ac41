"""Acting on a page with the mouse, or with the keyboard alone."""

MAX_TABS = 400


class Actor:
    """``mode`` is "mouse" or "keyboard". In keyboard mode every control is
    reached with Tab (proving it is reachable and that focus is not trapped),
    its focus must be visible, and it is operated with Enter, Space or typing."""

    def __init__(self, page, mode: str):
        self.page = page
        self.mode = mode

    def goto(self, path: str):
        self.page.goto(self.page.base + path)

    def _tab_to(self, locator):
        """Tab to the control; a radio button is reached like a person does: Tab
        to its group, then the arrow keys within the group. The control is looked
        up afresh at each step: a live update may replace it by an equal one (the
        arrow keys check each radio button they pass, and each check updates)."""
        radio_group = locator.evaluate("(el) => el.type === 'radio' ? el.name : null")
        focused = "(el) => document.activeElement === el"
        self.page.evaluate("() => document.activeElement && document.activeElement.blur()")
        for _ in range(MAX_TABS):
            if locator.evaluate(focused):
                assert focus_visible(self.page), f"focus not visible on {locator}"
                return
            if radio_group and self.page.evaluate(
                "(name) => document.activeElement.type === 'radio'"
                " && document.activeElement.name === name",
                radio_group,
            ):
                for _ in range(50):
                    if locator.evaluate(focused):
                        return
                    self.page.keyboard.press("ArrowDown")
            self.page.keyboard.press("Tab")
        raise AssertionError(f"{locator} cannot be reached with the Tab key")

    def click(self, locator):
        locator = locator.first
        if self.mode == "mouse":
            locator.click()
            return
        self._tab_to(locator)
        kind = locator.evaluate("(el) => el.type || el.tagName")
        self.page.keyboard.press("Space" if kind in ("checkbox", "radio") else "Enter")

    def fill(self, locator, text: str):
        locator = locator.first
        if self.mode == "mouse":
            locator.fill(text)
            return
        self._tab_to(locator)
        self.page.keyboard.press("Control+A")
        self.page.keyboard.press("Delete")
        self.page.keyboard.type(text)

    def select(self, locator, *, label=None, value=None):
        """Choose an option (a native <select> is keyboard operable once focused)."""
        locator = locator.first
        if self.mode == "keyboard":
            self._tab_to(locator)
        if label is not None:
            locator.select_option(label=label)
        else:
            locator.select_option(value)

    def open_filters(self, name: str = "Filter"):
        """Phone: open the filter panel by its button ("Filter", "Filter (2)"), once
        the panel has finished closing (Bootstrap ignores a click while it slides)."""
        panel_closed(self.page)
        self.click(self.page.get_by_role("button", name=name, exact=True))
        panel_shown(self.page)

    def submit_and_wait(self, locator):
        with self.page.expect_navigation():
            self.click(locator)

    def apply_live(self, locator):
        """Press a submit button of a live filter form (static/js/livefilter.js): the
        results are updated in place (no page load) and the focus moves to them."""
        self.click(locator)
        wait_live(self.page)


def panel_closed(page):
    """Until the phone filter panel has slid out (not showing, not hiding)."""
    import re

    from playwright.sync_api import expect

    expect(page.locator("#filters")).not_to_have_class(re.compile(r"\b(show|showing|hiding)\b"))


def panel_shown(page):
    """Until the phone filter panel has slid in (Bootstrap then puts the focus on it:
    a Tab pressed before that would start from the button that opened it)."""
    import re

    from playwright.sync_api import expect

    expect(page.locator("#filters")).to_have_class(re.compile(r"\bshow\b"))
    expect(page.locator("#filters")).not_to_have_class(re.compile("showing"))


def wait_live(page):
    """Until the live filter form has no update in flight."""
    from playwright.sync_api import expect

    expect(page.locator("form[data-live]")).not_to_have_attribute("data-busy", "")


def focus_visible(page) -> bool:
    return page.evaluate(
        """() => {
        const el = document.activeElement;
        if (!el || el === document.body) return false;
        const style = getComputedStyle(el);
        return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
            || (style.boxShadow && style.boxShadow !== 'none');
    }"""
    )
