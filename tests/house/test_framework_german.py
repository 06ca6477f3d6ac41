"""The framework's German messages speak as the portal does: "Sie", never "du".

Every message of every installed package's German catalogue is looked up as the
portal looks it up (Django's merged catalogue: the portal's locale/de first, then
the installed apps, then Django's own), and must not address the reader as "du".
Django REST framework's catalogue does ("Gib eine gültige E-Mail Adresse an."),
and as an installed app it outranks Django's own catalogue in every HTML form.
"""

import re
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

# Imperatives and pronouns of the informal address (whole words).
DU = re.compile(
    r"\b(du|dich|dir|dein|deine|deinen|deinem|deiner|deines|gib|gebe|stelle sicher|"
    r"wähle|gehe|klicke|versuche|bist|hast|kannst|musst)\b",
    re.IGNORECASE,
)
CLUMSY = ("zu ähnlich zu", "ist zu üblich", "Bitte %(username)s und Passwort eingeben")


def _german_catalogues() -> list[Path]:
    roots = [Path(app.path) for app in apps.get_app_configs()]
    roots.append(Path(translation.trans_real.__file__).resolve().parents[2] / "conf")
    return [
        path
        for root in roots
        for path in (root / "locale" / "de" / "LC_MESSAGES").glob("*.po")
        if path.name == "django.po"
    ] + [
        mo.with_suffix(".po")
        for root in roots
        for mo in (root / "locale" / "de" / "LC_MESSAGES").glob("django.mo")
        if not mo.with_suffix(".po").exists()
    ]


def _messages(path: Path):
    catalogue = (
        polib.pofile(str(path)) if path.exists() else polib.mofile(str(path.with_suffix(".mo")))
    )
    for entry in catalogue:
        if entry.msgid and not entry.obsolete:
            yield entry


def test_the_framework_catalogues_are_found():
    names = {path.parts[-5] for path in _german_catalogues()}
    assert {"rest_framework", "auth", "conf"} <= names


def test_no_framework_message_says_du_in_german():
    informal = []
    with translation.override("de"):
        for path in _german_catalogues():
            for entry in _messages(path):
                if entry.msgid_plural:
                    shown = [
                        translation.ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 2)
                    ]
                elif entry.msgctxt:
                    shown = [translation.pgettext(entry.msgctxt, entry.msgid)]
                else:
                    shown = [translation.gettext(entry.msgid)]
                for text in shown:
                    if DU.search(text) or any(words in text for words in CLUMSY):
                        informal.append(f"{path.parts[-5]}: {entry.msgid!r} -> {text!r}")
    assert informal == [], "translate these in locale/de/LC_MESSAGES/django.po"


def test_the_catalogue_of_overrides_is_compiled():
    catalogue = Path(settings.LOCALE_PATHS[0]) / "de" / "LC_MESSAGES"
    compiled = {e.msgid: e.msgstr for e in polib.mofile(str(catalogue / "django.mo"))}
    source = {e.msgid: e.msgstr for e in polib.pofile(str(catalogue / "django.po"))}
    assert compiled == source, "run: make messages"


def test_a_form_says_sie_next_to_the_field(client):
    response = client.post(
        reverse("signup"),
        {
            "account_type": "organisation",
            "name": "Olga Petrowa",
            "email": "olga.example.org",
            "password": "Olga@Example.org",
            "privacy": "on",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Bitte geben Sie eine gültige E-Mail-Adresse ein" in html
    assert "Gib " not in html


def test_a_wrong_password_is_answered_as_such(client, django_user_model):
    django_user_model.objects.create_user(
        email="olga@example.org", name="Olga", password="ein-langes-passwort-2026"
    )
    response = client.post(
        reverse("login"), {"username": "olga@example.org", "password": "falsch-geraten-2026"}
    )
    assert "Die E-Mail-Adresse oder das Passwort stimmt nicht." in response.content.decode()
    with translation.override("en"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = client.post(
            reverse("login"), {"username": "olga@example.org", "password": "falsch-geraten-2026"}
        )
    html = response.content.decode()
    assert "The e-mail address or the password is wrong." in html
