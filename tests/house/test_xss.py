"""Stored XSS: every text field of every object holds an attack, and no page
of the portal, as any persona, renders one as markup (tests/xss.py). The same
world in a real browser: tests/browser/test_xss_browser.py."""

import pytest
from django.test import Client

from tests.house.test_permissions import PERSONAS, TABLE, build
from tests.xss import MARKER, injections, poison

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def html_pages(objects):
    """(url, persona) for every HTML page of the permission table that the
    persona may see."""
    for key, (builder, get_level, _post) in TABLE.items():
        if builder is None:
            continue
        url = builder(objects)
        for persona in PERSONAS:
            if get_level[persona] == "ok":
                yield key, url, persona


def test_no_page_renders_a_stored_attack_as_markup():
    objects = build()
    assert poison() > 150  # every text field of every object
    users = objects.world.users
    clients = {"anonymous": Client()}
    for persona in PERSONAS[1:]:
        clients[persona] = Client()
        clients[persona].force_login(users[persona])
    found, checked, shown = [], 0, 0
    for key, url, persona in html_pages(objects):
        response = clients[persona].get(url, follow=True)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        checked += 1
        assert response.status_code < 500, (url, persona)
        html = response.content.decode()
        shown += MARKER in html  # the attack is on the page, as text
        for injection in injections(html):
            found.append(f"{url} ({key}) as {persona}: {injection}")
    assert checked > 150 and shown > 100
    assert not found, "\n".join(found)


def test_the_check_finds_injections():
    """The structural check itself: it must see what an injection would need."""
    assert injections('<p onclick="x()">a</p>')
    assert injections("<script>alert(1)</script>")
    assert injections('<a href=" JaVaScRiPt:alert(1)">x</a>')
    assert injections("<iframe src=/x></iframe>")
    assert not injections('<script src="/static/app.js"></script><a href="/x">x</a>')
    assert not injections("&lt;script&gt;alert(1)&lt;/script&gt;")
