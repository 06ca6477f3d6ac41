"""Redirect targets from the request (``next``) are followed only to pages of the
portal (core/http.py: safe_next), in every view that takes one: the shortlist
button, the language link and the login."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from core.http import is_safe_next, safe_next

pytestmark = pytest.mark.django_db

EXTERNAL = [
    "https://evil.example/",
    "//evil.example",
    "javascript:alert(1)",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    " //evil.example",
    "http://testserver/konto/",  # this host, but not a path: refused too
    "https://testserver.evil.example/",
    "organisationen/",  # relative: would depend on the current page
    "",
]
INTERNAL = "/organisationen/?q=Kontakt&seite=2"


@pytest.mark.parametrize("target", EXTERNAL)
def test_the_helper_refuses_what_leaves_the_portal(target):
    request = RequestFactory().get("/", {"next": target})
    assert not is_safe_next(request, target)
    assert safe_next(request, "/standard/") == "/standard/"


def test_the_helper_follows_a_page_of_the_portal_over_http_and_https():
    for secure in (False, True):
        request = RequestFactory().get("/", {"next": INTERNAL}, secure=secure)
        assert safe_next(request, "/standard/") == INTERNAL


def test_the_helper_reads_the_form_field_before_the_query_and_takes_no_default_without_either():
    request = RequestFactory().post("/?next=/aus-der-adresse/", {"next": "/aus-dem-formular/"})
    assert safe_next(request, "/standard/") == "/aus-dem-formular/"
    assert safe_next(RequestFactory().post("/?next=/q/"), "/standard/") == "/q/"
    assert safe_next(RequestFactory().get("/"), "/standard/") == "/standard/"


# -- every view that redirects to a target from the request


@pytest.mark.parametrize("target", EXTERNAL)
def test_the_shortlist_button_refuses_an_external_next(client, institution_user, mo_a, target):
    client.force_login(institution_user)
    response = client.post(reverse("shortlist_toggle", args=[mo_a.slug]), {"next": target})
    assert response.status_code == 302 and response["Location"] == reverse("shortlist")


def test_the_shortlist_button_returns_to_the_page_it_was_pressed_on(client, institution_user, mo_a):
    client.force_login(institution_user)
    response = client.post(reverse("shortlist_toggle", args=[mo_a.slug]), {"next": INTERNAL})
    assert response.status_code == 302 and response["Location"] == INTERNAL


@pytest.mark.parametrize("target", EXTERNAL)
def test_the_language_link_refuses_an_external_next(client, target):
    response = client.get(reverse("switch_language", args=["en"]), {"next": target})
    assert response.status_code == 302 and response["Location"] == "/"


def test_the_language_link_returns_to_the_page(client):
    response = client.get(reverse("switch_language", args=["en"]), {"next": INTERNAL})
    assert response.status_code == 302 and response["Location"] == INTERNAL


def _login(client, member, next_url: str):
    data = {"username": member.email, "password": "pw", "next": next_url}
    return client.post(reverse("login"), data)


@pytest.mark.parametrize("target", EXTERNAL)
def test_the_login_refuses_an_external_next(client, member, target):
    page = client.get(reverse("login"), {"next": target}).content.decode()
    assert 'name="next" value=""' in page  # not carried into the form
    response = _login(client, member, target)
    assert response.status_code == 302 and response["Location"] == reverse("account")


def test_the_login_returns_to_the_page_the_visitor_came_from(client, member):
    page = client.get(reverse("login"), {"next": INTERNAL}).content.decode()
    assert 'name="next" value="/organisationen/?q=Kontakt&amp;seite=2"' in page
    response = _login(client, member, INTERNAL)
    assert response.status_code == 302 and response["Location"] == INTERNAL
