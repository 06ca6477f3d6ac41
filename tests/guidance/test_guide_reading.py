"""Reading the guide: overview, chapters, anchors, print view, search, notes."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from guidance.models import Chapter, ChapterNote, Item
from guidance.search import search_guide
from tests.html_text import visible_text
from tests.warm import warm

pytestmark = pytest.mark.django_db
CREDIT = "herausgegeben von Arbeitsgemeinschaft selbständiger Migranten e. V. (ASM), Stand 12/2013"

# Chapter page: all chapters (navigation), the guide, the chapter's items with
# their terms and featured organisations, and for the items' terms how many MOs
# carry them and a few of them (two queries).
CHAPTER_QUERIES = 7


def test_overview_lists_all_chapters_and_the_imprint(client):
    html = client.get(reverse("guidance:overview")).content.decode()
    for chapter in Chapter.objects.all():
        assert chapter.get_absolute_url() in html
    assert "Impressum" in html and "Marianne Kampel" in html


def test_every_guide_page_credits_publisher_and_edition(client):
    urls = [reverse("guidance:overview"), reverse("guidance:print"), reverse("guidance:search")]
    urls += [c.get_absolute_url() for c in Chapter.objects.all()]
    for url in urls:
        assert CREDIT in visible_text(client.get(url).content.decode()), url


def test_every_item_has_its_own_anchor(client):
    chapter = Chapter.objects.get(number=8)
    html = client.get(chapter.get_absolute_url()).content.decode()
    anchors = re.findall(r'<article[^>]* id="(item-[^"]+)"', html)
    assert len(anchors) == chapter.items.count() == len(set(anchors))
    assert 'id="item-zusammenarbeit-4"' in html


def test_previous_and_next_chapter(client):
    html = client.get(Chapter.objects.get(number=5).get_absolute_url()).content.decode()
    assert 'rel="prev"' in html and "/leitfaden/professionalisierung/" in html
    assert 'rel="next"' in html and "/leitfaden/unterstuetzungsangebote/" in html
    first = client.get(Chapter.objects.get(number=1).get_absolute_url()).content.decode()
    assert 'rel="prev"' not in first


def test_unknown_chapter_is_404(client):
    assert client.get("/leitfaden/gibt-es-nicht/").status_code == 404


@pytest.mark.parametrize(("number", "organisations"), [(1, 2), (8, 2), (8, 25)])
def test_chapter_query_count_is_pinned(client, django_assert_num_queries, number, organisations):
    from tests.factories import make_organisation

    for _i in range(organisations):
        make_organisation(
            resources=["mehrsprachigkeit"],
            roles=["kooperationspartner", "expertengremium-zielgruppe"],
        )
    chapter = Chapter.objects.get(number=number)
    warm()  # the vocabulary and the footer's operator slot, as in production
    with django_assert_num_queries(CHAPTER_QUERIES):
        assert client.get(chapter.get_absolute_url()).status_code == 200


def test_print_view_has_the_whole_guide_in_order_with_print_styles(client):
    html = client.get(reverse("guidance:print")).content.decode()
    positions = [html.index(f'id="chapter-{c.slug}"') for c in Chapter.objects.order_by("number")]
    assert positions == sorted(positions)
    assert "print.css" in html
    assert html.count('class="print-chapter"') == 11  # ten chapters and the imprint


def test_unpublished_items_are_not_shown(client):
    item = Item.objects.get(slug="these-2", chapter__number=3)
    Item.objects.filter(pk=item.pk).update(is_published=False)
    html = client.get(item.chapter.get_absolute_url()).content.decode()
    assert item.title not in html
    assert item.title not in client.get(reverse("guidance:print")).content.decode()


@pytest.mark.parametrize(
    ("query", "expected_slug"),
    [("Arbeitsmarktlotsen", "mozaik-arbeitsmarktlotsen"), ("Rollenklärung", "zusammenarbeit-4")],
)
def test_search_finds_items(query, expected_slug):
    hits = search_guide(query)
    assert expected_slug in [h.item.slug for h in hits if h.item]


def test_search_page_links_to_the_anchor(client):
    html = client.get(reverse("guidance:search"), {"q": "Rollenklärung"}).content.decode()
    assert "/leitfaden/zusammenfassung/#item-zusammenarbeit-4" in html


@pytest.mark.parametrize("query", ["", "   ", "&|!", "x" * 1000, "'\"", "\x00"])
def test_search_survives_odd_input(client, query):
    assert client.get(reverse("guidance:search"), {"q": query}).status_code == 200


def test_search_umlauts_case_insensitive():
    assert search_guide("ÄNGSTEN") or search_guide("ängsten")
    assert {h.item.slug for h in search_guide("vertrauensbildende") if h.item} >= {
        "vertrauensbildende-massnahmen"
    }


@pytest.mark.postgres
def test_postgres_search_stems_german():
    # "Schulungen" finds texts that say "Schulung" (German stemming).
    slugs = {h.item.slug for h in search_guide("Schulungen") if h.item}
    assert "angebot-schulung" in slugs


# -- notes ("Raum für Notizen")


def test_anonymous_visitors_see_no_notes_and_cannot_post(client):
    chapter = Chapter.objects.get(number=3)
    html = client.get(chapter.get_absolute_url()).content.decode()
    assert 'id="notizen"' not in html
    response = client.post(reverse("guidance:save_note", args=[chapter.slug]), {"text": "x"})
    assert response.status_code == 302 and "/konto/anmelden/" in response["Location"]
    assert not ChapterNote.objects.exists()


def test_notes_are_private_to_their_author(client, member, django_user_model):
    chapter = Chapter.objects.get(number=3)
    client.force_login(member)
    client.post(reverse("guidance:save_note", args=[chapter.slug]), {"text": "Meine geheime Notiz"})
    assert "Meine geheime Notiz" in client.get(chapter.get_absolute_url()).content.decode()
    other = django_user_model.objects.create_user(email="andere@example.org", password="pw")
    client.force_login(other)
    html = client.get(chapter.get_absolute_url()).content.decode()
    assert 'id="notizen"' in html and "Meine geheime Notiz" not in html


def test_a_note_too_long_is_refused_without_losing_the_text(client, member):
    chapter = Chapter.objects.get(number=3)
    client.force_login(member)
    text = "Entwurf " * 1500
    response = client.post(reverse("guidance:save_note", args=[chapter.slug]), {"text": text})
    assert response.status_code == 400
    assert text.strip() in response.content.decode()
    assert not ChapterNote.objects.exists()


# -- languages


def test_english_page_with_translation_and_fallback(client):
    client.cookies["django_language"] = "en"
    html = client.get(Chapter.objects.get(number=4).get_absolute_url()).content.decode()
    assert "The understanding of professionalisation" in html
    assert "Cooperation partner" in html  # translated role item
    # Recommendation 1 has no English text: German with a visible note.
    assert "Recommendation 1" in html
    assert "Not yet translated – German version" in html
    assert 'lang="de"' in html


def test_english_translation_is_flagged_outdated_after_the_german_changes(client):
    item = Item.objects.get(slug="rolle-kooperationspartner")
    assert not item.en_outdated
    item.body = item.body + " und Verweisberatung"
    item.save()
    assert item.en_outdated
    client.cookies["django_language"] = "en"
    html = client.get(item.chapter.get_absolute_url()).content.decode()
    assert "Translation may be outdated" in html
    translation.activate("de")
