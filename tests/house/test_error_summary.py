"""A form that comes back with errors says so at the top (GOV.UK / KERN): the page
title begins with "Fehler:", a summary lists every error and links to its field."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _signup(client, **data):
    return client.post(
        reverse("signup"),
        {"account_type": "organisation", "name": "", "email": "olga.example.org", **data},
    )


def test_the_title_and_the_summary_name_every_error_and_link_to_its_field(client):
    response = _signup(client)
    html = response.content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert title.startswith("Fehler: ")
    summary = html[
        html.index('id="error-summary"') : html.index("</div>", html.index('id="error-summary"'))
    ]
    for field in ("name", "email", "password"):
        assert f'href="#id_{field}"' in summary, field
        assert f'id="id_{field}"' in html  # the link's target exists
    assert "Bitte geben Sie eine gültige E-Mail-Adresse ein" in summary
    assert html.index('id="error-summary"') < html.index("<h1")
    assert "js/errorsummary.js" in html


def test_a_page_without_errors_has_neither(client):
    html = client.get(reverse("signup")).content.decode()
    assert "<title>Fehler" not in html and "error-summary" not in html


def test_in_english_too(client):
    client.cookies["django_language"] = "en"
    html = _signup(client).content.decode()
    assert "<title>Error: " in html and "Please correct the following:" in html
