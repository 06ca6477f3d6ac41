"""Stored XSS in a real browser: with an attack in every text field of every
object (tests/xss.py), every page type, as every role, under the portal's
Content-Security-Policy: no script runs, no dialog opens, and the browser
reports no blocked inline script (which would mean markup got through)."""

import pytest

from tests.pages import ROLES, page_types
from tests.xss import MARKER, poison

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("role", ROLES)
def test_stored_attacks_do_not_execute_on_any_page(world, open_page, role):
    assert poison() > 100
    page = open_page(world.users.get(role))
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    executed, visited = [], 0
    for name, page_role, url in page_types(world):
        if page_role != role:
            continue
        response = page.goto(page.base + url)
        assert response.status < 500, (url, response.status)
        visited += 1
        if page.evaluate(f"typeof window.{MARKER} !== 'undefined'"):
            executed.append(name)
    assert visited >= 5
    assert executed == [] and dialogs == []
    assert page.csp_violations == []  # nothing even tried to run
