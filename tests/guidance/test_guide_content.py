"""The whole guide is structured content: complete, clean, typed and tagged."""

import pytest
from django.urls import reverse

from guidance.loader import load_guide
from guidance.models import Chapter, Guide, Item
from guidance.source import clean_text, source_paragraphs
from tests.factories import make_organisation
from tests.html_text import visible_text

pytestmark = pytest.mark.django_db


def _rendered(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return visible_text(response.content.decode())


def test_every_paragraph_and_list_item_of_the_source_is_in_the_rendered_guide(client):
    text = _rendered(client, reverse("guidance:print"))
    paragraphs = source_paragraphs()
    assert len(paragraphs) > 170
    missing = [p for p in paragraphs if p not in text]
    assert missing == []


def test_the_source_cleaning_removes_the_artefacts():
    raw = "Expertengremium f\n ür die Zielgruppe\nHerkunftsl\\u00e4nder, aufund ausgebaut"
    assert (
        clean_text(raw) == "Expertengremium für die Zielgruppe\nHerkunftsländer, auf- und ausgebaut"
    )
    assert "Raum für Notizen:" not in source_paragraphs()
    assert not any("\t" in p for p in source_paragraphs())


ARTEFACTS = [
    "\\u00",
    "Raum für Notizen:",
    " f ür",
    "\nür ",
    "aufund",
    "Nachbarschaftsund",
    "Forderprogramm",
]


def test_no_artefact_survives_in_any_guide_page(client):
    urls = [reverse("guidance:overview"), reverse("guidance:print")]
    urls += [c.get_absolute_url() for c in Chapter.objects.all()]
    for url in urls:
        html = client.get(url).content.decode()
        for artefact in ARTEFACTS:
            assert artefact not in html, (url, artefact)


def test_ten_chapters_with_number_title_and_subtitle():
    chapters = list(Chapter.objects.order_by("number"))
    assert [c.number for c in chapters] == list(range(1, 11))
    assert chapters[0].title == "Einführung"
    assert (
        chapters[0].subtitle == "Patentrezepte für eine erfolgreiche Zusammenarbeit gibt es nicht"
    )
    assert chapters[6].title == "Die Kooperation"
    assert chapters[9].subtitle == "Fachkräfte für Hamburg mobilisieren"


def _items(chapter_number, kind):
    return list(Item.objects.filter(chapter__number=chapter_number, kind=kind).order_by("position"))


def test_theses_of_chapters_3_and_5():
    for number in (3, 5):
        assert [i.label for i in _items(number, "thesis")] == ["These 1", "These 2", "These 3"]
    assert _items(3, "thesis")[1].title.startswith("Tradition der Zusammenarbeit")


def test_recommendations_with_their_action_points():
    first, second = _items(4, "recommendation")
    assert first.label == "Empfehlung 1" and second.label == "Empfehlung 2"
    assert first.body.count("\n- ") + first.body.startswith("- ") == 5
    assert "- Empowermenttraining anbieten" in second.body


def test_the_six_roles_are_tied_to_their_role_terms():
    roles = _items(4, "role")
    assert len(roles) == 6
    assert [list(r.terms.values_list("kind", "slug")) for r in roles] == [
        [("role", "informationsvermittler")],
        [("role", "interessenvertreter")],
        [("role", "kooperationspartner")],
        [("role", "projekttraeger")],
        [("role", "expertengremium-zielgruppe")],
        [("role", "expertengremium-fachthemen")],
    ]


def test_prerequisites_support_formats_summary_and_checklist():
    assert len(_items(7, "prerequisite")) == 3
    assert len(_items(6, "support_format")) == 5
    assert len(_items(8, "summary")) == 7
    checklist = _items(8, "checklist")
    assert len(checklist) == 15
    assert checklist[3].body == "Rollenklärung am Anfang vornehmen"
    assert len(_items(8, "question")) == 2
    assert {i.kind for i in Item.objects.all()} == set(Item.Kind.values)


def test_best_practice_examples_feature_the_organisations_they_name():
    for slug in ("club-dialog", "kontakt-schwerin", "kubi", "mozaik"):
        make_organisation(slug.title(), slug=slug)
    result = load_guide()
    assert result.links == 4
    featured = {
        item.slug: sorted(item.featured_organisations.values_list("slug", flat=True))
        for item in Item.objects.filter(kind="best_practice")
    }
    assert featured == {
        "club-dialog-und-kontakt": ["club-dialog", "kontakt-schwerin"],
        "kubi-arbeitsmarktgespraeche": ["kubi"],
        "mozaik-arbeitsmarktlotsen": ["mozaik"],
    }
    item = Item.objects.get(slug="kubi-arbeitsmarktgespraeche")
    assert "org:kubi" in item.tags_snapshot


def test_imprint_publisher_and_edition():
    guide = Guide.objects.get()
    assert guide.publisher == "Arbeitsgemeinschaft selbständiger Migranten e. V. (ASM)"
    assert guide.edition == "Stand 12/2013"
    assert "Redaktion:" in guide.imprint


def test_loading_again_changes_nothing():
    before = list(Item.objects.values_list("pk", "body"))
    result = load_guide()
    assert (result.chapters, result.items) == (0, 0)
    assert list(Item.objects.values_list("pk", "body")) == before
