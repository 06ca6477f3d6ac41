"""A chapter's text and items are rendered once per language and generation of the guide
and the directory (guidance.views.chapter_body) and shared by every reader, signed in or
not; the reader's own notes are not. A published change or a new matching profile shows
at once, for signed-in readers too."""

import pytest

from directory import services
from guidance.models import ChapterNote, Item
from tests.factories import make_organisation

# A signed-in reader's chapter page with its text kept: the session, the user, the
# chapters, the guide, the reader's note, the reader's open requests (the menu).
# Without the kept text four more: the items, their terms and featured profiles, the
# profiles per term.
KEPT_QUERIES = 6


@pytest.fixture
def chapter():
    return Item.objects.get(slug="rolle-informationsvermittler").chapter


def test_a_signed_in_reader_gets_the_kept_text(client, member, chapter, django_assert_num_queries):
    client.force_login(member)
    first = client.get(chapter.get_absolute_url()).content.decode()
    with django_assert_num_queries(KEPT_QUERIES):
        second = client.get(chapter.get_absolute_url()).content.decode()
    start = first.index('id="chapter-')
    assert second[start : start + 5000] == first[start : start + 5000]


def test_the_readers_notes_stay_their_own(client, member, coordinator, chapter):
    ChapterNote.objects.create(user=member, chapter=chapter, text="Nur für mich notiert")
    client.force_login(member)
    assert "Nur für mich notiert" in client.get(chapter.get_absolute_url()).content.decode()
    client.force_login(coordinator)
    assert "Nur für mich notiert" not in client.get(chapter.get_absolute_url()).content.decode()


def test_a_new_profile_counts_at_once_for_signed_in_readers(
    client, member, coordinator, chapter, django_capture_on_commit_callbacks
):
    client.force_login(member)
    assert "Info e. V." not in client.get(chapter.get_absolute_url()).content.decode()
    organisation = make_organisation(
        "Info e. V.", roles=["informationsvermittler"], status="in_review"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_approve(organisation=organisation, by=coordinator)
    assert "Info e. V." in client.get(chapter.get_absolute_url()).content.decode()


def test_each_language_has_its_own_text(client, member, chapter):
    client.force_login(member)
    german = client.get(chapter.get_absolute_url()).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(chapter.get_absolute_url()).content.decode()
    assert chapter.title in german
    assert chapter.title_en and chapter.title_en in english
