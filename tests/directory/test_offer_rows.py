"""The offers section says what it does: a saved offer is removed with "Dieses
Angebot entfernen", the empty rows for new offers are called "Neues Angebot" and
have nothing to remove (no formset's bare "Löschen")."""

import re

import pytest
from django.urls import reverse

from tests.factories import make_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(editor_a):
    from directory.team import owner_assign

    organisation = make_organisation(
        "Brücke e. V.",
        slug="bruecke",
        status="draft",
        offers=[{"title": "Erstberatung", "kind": "counselling"}, {"title": "Sprachcafé"}],
    )
    owner_assign(organisation=organisation, user=editor_a)
    return organisation


def _url(organisation):
    return reverse("directory:edit_section", args=[organisation.slug, "angebote"])


def _posted(client, organisation) -> dict:
    """What the page's forms post as loaded: the version and every offer row."""
    context = client.get(_url(organisation)).context
    formset = context["formset"]
    data = {"version": context["form"]["version"].value() or ""}
    data.update({f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()})
    for index, form in enumerate(formset.forms[: formset.initial_form_count()]):
        for name in ("title", "kind", "summary"):
            data[f"{formset.prefix}-{index}-{name}"] = form.initial.get(name) or ""
    return data


def test_saved_offers_can_be_removed_and_new_rows_have_nothing_to_remove(client, editor_a, draft):
    client.force_login(editor_a)
    html = client.get(_url(draft)).content.decode()
    assert len(re.findall(r"Dieses Angebot entfernen\s*</label>", html)) == 2
    assert len(re.findall(r"<legend[^>]*>Neues Angebot</legend>", html)) == 2
    assert ">Löschen<" not in html and "„Löschen“" not in html
    data = _posted(client, draft)
    data["offers-1-DELETE"] = "on"
    assert client.post(_url(draft), data).status_code == 302
    assert list(draft.offers.values_list("title", flat=True)) == ["Erstberatung"]


def test_the_words_are_english_in_english(client, editor_a, draft):
    client.force_login(editor_a)
    client.cookies["django_language"] = "en"
    html = client.get(_url(draft)).content.decode()
    assert "Remove this offer" in html and "New offer" in html
