"""Two coordinators editing one guide item or chapter from forms of different
ages: the older form is not applied but answered with the conflict page (409),
which keeps both texts and applies the own one on top with one more click."""

import pytest
from django.test import Client
from django.urls import reverse

from guidance import services
from guidance.forms import ItemForm
from guidance.models import Chapter, Item
from tests import personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def item():
    return Chapter.objects.get(number=8).items.get(slug="zusammenarbeit-4")


@pytest.fixture
def curators():
    first = personas.create("coordinator")
    second = personas.create("coordinator", email="zweite.koordination@example.org")
    clients = []
    for user in (first, second):
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def _item_data(item, **changes):
    """What the item form posts when loaded now and changed by ``changes``."""
    item = Item.objects.get(pk=item.pk)
    initial = {
        **ItemForm.initial_from(services.item_working_copy(item)),
        "version": item.version,
    }
    data = {name: initial.get(name, "") for name in ItemForm.base_fields}
    data.pop("translation_checked")
    return {**data, **changes}


def test_the_older_item_form_gets_the_conflict_page_with_both_texts(item, curators):
    first, second = curators
    url = reverse("guidance:curate_item", args=[item.pk])
    assert 'name="version"' in first.get(url).content.decode()
    older = _item_data(item, body="Fassung der ersten Koordinatorin")
    newer = _item_data(item, body="Fassung des zweiten Koordinators")

    assert second.post(url, newer).status_code == 302
    response = first.post(url, older)

    assert response.status_code == 409
    page = response.content.decode()
    assert "Fassung des zweiten Koordinators" in page  # the other person's change
    assert page.count("Fassung der ersten Koordinatorin") >= 2  # the table and the form
    assert services.item_working_copy(Item.objects.get(pk=item.pk))["body"] == (
        "Fassung des zweiten Koordinators"
    )  # nothing applied
    current = response.context["form"]["version"].value()
    assert int(current) == Item.objects.get(pk=item.pk).version

    # Re-apply on top: the form as shown goes through.
    assert first.post(url, {**older, "version": current}).status_code == 302
    assert services.item_working_copy(Item.objects.get(pk=item.pk))["body"] == (
        "Fassung der ersten Koordinatorin"
    )


def test_a_publication_after_the_form_was_loaded_is_a_conflict_too(item, curators):
    first, second = curators
    url = reverse("guidance:curate_item", args=[item.pk])
    older = _item_data(item, body="Alter Entwurf")
    second.post(url, _item_data(item, body="Veröffentlichter Text"))
    second.post(reverse("guidance:curate_publish", args=[item.chapter.slug]))
    assert first.post(url, older).status_code == 409
    stored = Item.objects.get(pk=item.pk)
    assert stored.draft is None and stored.body == "Veröffentlichter Text"


def test_the_older_chapter_form_gets_the_conflict_page(curators):
    first, second = curators
    chapter = Chapter.objects.get(number=8)
    url = reverse("guidance:curate_chapter", args=[chapter.slug])
    working = services.chapter_working_copy(chapter)
    fields = ["title", "subtitle", "intro", "title_en", "subtitle_en", "intro_en"]
    data = {name: working[name] for name in fields} | {"version": chapter.version}

    assert second.post(url, {**data, "intro": "Neue Einleitung"}).status_code == 302
    response = first.post(url, {**data, "intro": "Meine Einleitung"})

    assert response.status_code == 409
    page = response.content.decode()
    assert "Neue Einleitung" in page and "Meine Einleitung" in page
    chapter.refresh_from_db()
    assert chapter.draft["intro"] == "Neue Einleitung"
    current = response.context["form"]["version"].value()
    assert (
        first.post(url, {**data, "intro": "Meine Einleitung", "version": current}).status_code
        == 302
    )
    chapter.refresh_from_db()
    assert chapter.draft["intro"] == "Meine Einleitung"
