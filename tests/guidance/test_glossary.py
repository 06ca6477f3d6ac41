"""The guide's words explained: a glossary page in both languages, linked from the
labels that use the words (the profile's "Wirkungsbereich" and relation titles,
the needs assessment, the guide's overview); every link finds its entry."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from directory.glossary import BY_KEY, ENTRIES
from directory.relations import MANY_RELATIONS
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
    keys = {relation.glossary for relation in MANY_RELATIONS if relation.glossary}
    for directory in settings.TEMPLATES[0]["DIRS"]:
        for path in Path(directory).rglob("*.html"):
            keys |= set(re.findall(r'glossary="?([a-z-]+)"', path.read_text()))
            keys |= set(re.findall(r'\{% glossary "([a-z-]+)"', path.read_text()))
    assert keys and keys <= set(BY_KEY)


def test_the_guide_and_the_needs_assessment_lead_to_it(client, mo_a, editor_a):
    assert f'href="{URL}"' in client.get(reverse("guidance:overview")).content.decode()
    client.force_login(editor_a)
    html = client.get(reverse("support:assessments", args=[mo_a.slug])).content.decode()
    assert f'href="{URL}#bedarfsermittlung"' in html


def _help_link(key):
    return rf'<a class="glossary-help" href="{URL}#{key}" title="[^"]+">.*?Was heißt'


def test_the_filters_and_the_partner_finder_explain_their_words(client):
    make_organisation(
        "Brücke e. V.", fields=["bildung"], roles=["kooperationspartner"], paid_staff=2
    )
    directory = client.get(reverse("directory:organisation_list")).content.decode()
    for key in ("handlungsfelder", "rollen", "wirkungsbereich", "hauptamtliche-strukturen"):
        assert re.search(_help_link(key), directory, re.S), key
    legend = re.search(r"<legend>Rolle (.*?)</legend>", directory, re.S)
    assert legend and "Was heißt „Rollen“?" in legend.group(1)
    finder = client.get(reverse("finder")).content.decode()
    for key in ("rollen", "handlungsfelder", "hauptamtliche-strukturen"):
        assert re.search(_help_link(key), finder, re.S), key
    client.cookies["django_language"] = "en"
    english = client.get(reverse("finder")).content.decode()
    assert "What does “Roles” mean?" in english


def test_the_profile_form_explains_roles_and_fields_of_action(client, mo_a, editor_a):
    client.force_login(editor_a)
    url = reverse("directory:edit_section", args=[mo_a.slug, "identitaet"])
    html = client.get(url).content.decode()
    assert re.search(_help_link("handlungsfelder"), html, re.S)
