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
        to its group, then the arrow keys within the group."""
        handle = locator.element_handle()
        radio_group = handle.evaluate("(el) => el.type === 'radio' ? el.name : null")
        self.page.evaluate("() => document.activeElement && document.activeElement.blur()")
        for _ in range(MAX_TABS):
            if self.page.evaluate("(el) => document.activeElement === el", handle):
                assert focus_visible(self.page), f"focus not visible on {locator}"
                return
            if radio_group and self.page.evaluate(
                "(name) => document.activeElement.type === 'radio'"
                " && document.activeElement.name === name",
                radio_group,
            ):
                for _ in range(50):
                    if self.page.evaluate("(el) => document.activeElement === el", handle):
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

    def submit_and_wait(self, locator):
        with self.page.expect_navigation():
            self.click(locator)


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
