"""The guide's words explained: a glossary page in both languages, linked from the
labels that use the words (the profile's "Wirkungsbereich" and relation titles,
the needs assessment, the guide's overview); every link finds its entry."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from directory.glossary import BY_KEY, ENTRIES
from directory.templatetags.relations import GLOSSARY_KEYS
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db
URL = "/leitfaden/glossar/"


def test_the_glossary_explains_each_word_in_both_languages(client):
    assert reverse("guidance:glossary") == URL
    html = client.get(URL).content.decode()
    for entry in ENTRIES:
        assert f'<dt id="{entry.key}">' in html
    assert "Wo eine Organisation aktiv ist" in html
    client.cookies["django_language"] = "en"
    english = client.get(URL).content.decode()
    assert "Where an organisation is active" in english and "Wirkungsbereich" not in english


def test_a_profile_links_its_guide_words_to_the_glossary(client):
    organisation = make_organisation(
        "Brücke e. V.", fields=["bildung"], roles=["kooperationspartner"]
    )
    html = client.get(organisation.get_absolute_url()).content.decode()
    for key in ("wirkungsbereich", "handlungsfelder", "rollen"):
        assert re.search(rf'<a class="glossary-link" href="{URL}#{key}" title="[^"]+">', html), key


def test_every_glossary_link_in_the_templates_has_an_entry():
    keys = set(GLOSSARY_KEYS.values())
    for directory in settings.TEMPLATES[0]["DIRS"]:
        for path in Path(directory).rglob("*.html"):
            keys |= set(re.findall(r'\{% glossary "([a-z-]+)"', path.read_text()))
    assert keys and keys <= set(BY_KEY)


def test_the_guide_and_the_needs_assessment_lead_to_it(client, mo_a, editor_a):
    assert f'href="{URL}"' in client.get(reverse("guidance:overview")).content.decode()
    client.force_login(editor_a)
    html = client.get(reverse("support:assessments", args=[mo_a.slug])).content.decode()
    assert f'href="{URL}#bedarfsermittlung"' in html
