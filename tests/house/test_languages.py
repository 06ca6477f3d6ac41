"""Every page type renders in German and in English, with dates and numbers
formatted for the active language."""

import datetime
from pathlib import Path

import polib
import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from directory.models import Organisation
from tests.html_text import text_outside_language
from tests.pages import build_world, page_types

pytestmark = pytest.mark.django_db
CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _german_ui_strings() -> list[str]:
    """Catalogue strings whose English differs, long enough to be unambiguous."""
    strings = []
    for entry in polib.pofile(str(CATALOGUE)):
        if entry.obsolete or entry.msgid_plural or "%(" in entry.msgid:
            continue
        if len(entry.msgid) >= 14 and entry.msgstr and entry.msgstr != entry.msgid:
            strings.append(entry.msgid)
    return strings


def test_every_page_type_renders_in_both_languages_without_german_ui_left_in_english(client):
    world = build_world()
    german = _german_ui_strings()
    problems = []
    for name, role, url in page_types(world):
        client.logout()
        if role != "anonymous":
            client.force_login(world.users[role])
        for language in ("de", "en"):
            client.cookies["django_language"] = language
            response = client.get(url)
            assert response.status_code == 200, (name, language)
            html = response.content.decode()
            assert f'<html lang="{language}"' in html, (name, language)
            if language == "en":
                # German content (not yet translated) must be marked lang="de";
                # no German interface text may remain outside such elements.
                text = text_outside_language(html, "de")
                leftovers = [s for s in german if s in text]
                if leftovers:
                    problems.append(f"{role}/{name}: {leftovers[:3]}")
    assert problems == [], "\n".join(problems)


GERMAN_MONTHS = "Januar Februar März April Mai Juni Juli August September Oktober November Dezember"
ENGLISH_MONTHS = (
    "January February March April May June July August September October November December"
)


def test_dates_follow_the_active_language(client, mo_a):
    """German "2. Oktober 2026"; English day first, "2 October 2026" (not Django's
    American "Oct. 2, 2026"). A date of last week: a profile confirmed over a year
    ago would say that instead."""
    day = timezone.localdate() - datetime.timedelta(days=7)
    Organisation.objects.filter(pk=mo_a.pk).update(confirmed_at=day)
    german = f"{day.day}. {GERMAN_MONTHS.split()[day.month - 1]} {day.year}"
    english = f"{day.day} {ENGLISH_MONTHS.split()[day.month - 1]} {day.year}"
    client.cookies["django_language"] = "de"
    page = client.get(mo_a.get_absolute_url()).content.decode()
    assert f"Als aktuell bestätigt am {german}" in page
    client.cookies["django_language"] = "en"
    page = client.get(mo_a.get_absolute_url()).content.decode()
    assert f"Confirmed as current on {english}" in page
    with translation.override("en"):
        assert Template('{{ day|date:"SHORT_DATE_FORMAT" }}').render(
            Context({"day": day})
        ) == day.strftime("%d/%m/%Y")


def test_numbers_follow_the_active_language():
    template = Template("{% load humanize %}{{ n|intcomma }} {{ x }}")
    with translation.override("de"):
        assert template.render(Context({"n": 16000, "x": 2.5})) == "16.000 2,5"
    with translation.override("en"):
        assert template.render(Context({"n": 16000, "x": 2.5})) == "16,000 2.5"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/organisationen/?q=Kontakt", "/organisationen/?q=Kontakt"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("1e309", "/"),  # found by hypothesis: once a 500 (taken for a view name)
        ("javascript:alert(1)", "/"),
        ("", "/"),
    ],
)
def test_the_language_link_returns_only_to_a_page_of_the_portal(client, target, expected):
    response = client.get(reverse("switch_language", args=["en"]), {"next": target})
    assert response.status_code == 302 and response["Location"] == expected
    assert response.cookies["django_language"].value == "en"
