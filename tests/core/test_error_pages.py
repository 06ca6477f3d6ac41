"""Error pages that help: a 403 tells a signed-in person that the account lacks the
right (and only asks a visitor who is not signed in to sign in); the 404 has a
search box; every error page has the portal's footer."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse

from core import errors

pytestmark = pytest.mark.django_db
FOOTER = 'class="site-footer'


def test_a_signed_in_member_is_not_asked_to_sign_in(client, member):
    client.force_login(member)
    response = client.get(reverse("directory:review_queue"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "Ihr Konto hat keine Berechtigung für diese Seite." in html
    assert "melden Sie sich an" not in html and "Anmelden</a>" not in html.split("<main")[1]
    assert FOOTER in html


def test_a_visitor_who_is_not_signed_in_is_led_to_the_login_and_back():
    request = RequestFactory().get("/organisationen/pruefung/?seite=2")
    request.user = AnonymousUser()
    html = errors.permission_denied(request).content.decode()
    assert "Bitte melden Sie sich an." in html
    assert 'href="/konto/anmelden/?next=%2Forganisationen%2Fpruefung%2F%3Fseite%3D2"' in html


def test_the_404_has_a_search_box_and_the_footer(client):
    response = client.get("/gibt-es-nicht/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'action="/organisationen/"' in html and 'name="q"' in html
    assert 'role="search"' in html and FOOTER in html
    assert "Impressum" in html


def test_the_403_page_needs_no_database_when_the_user_cannot_be_read():
    class Unreadable:
        @property
        def is_authenticated(self):
            from django.db import OperationalError

            raise OperationalError("the database does not answer")

    request = RequestFactory().get("/x/")
    request.user = Unreadable()
    response = errors.permission_denied(request)
    assert response.status_code == 403 and FOOTER in response.content.decode()
