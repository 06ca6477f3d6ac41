"""Curation of the guide by coordinators: permissions, drafts, publication,
sanitising, history and restore, translations."""

import pytest
from django.urls import reverse

from guidance import services
from guidance.models import Chapter, Item
from tests.html_text import dangerous_markup, visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def chapter():
    return Chapter.objects.get(number=8)


@pytest.fixture
def item(chapter):
    return chapter.items.get(slug="zusammenarbeit-4")


@pytest.fixture
def published(client, django_capture_on_commit_callbacks):
    """Publish a chapter as the coordinator signed in on ``client`` does, with what
    happens when the publication commits (the kept chapter pages make way)."""

    def publish(chapter):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("guidance:curate_publish", args=[chapter.slug]))
        assert response.status_code == 302

    return publish


def _curation_requests(chapter, item):
    """Every curation URL with every method it answers, and what a coordinator
    gets: 200, or the page the change redirects to."""
    record = item.history.first()
    overview = reverse("guidance:curate_chapter", args=[chapter.slug])
    return [
        ("get", reverse("guidance:curate"), {}, 200),
        ("get", overview, {}, 200),
        ("post", overview, {"title": "X"}, overview),
        ("get", reverse("guidance:curate_preview", args=[chapter.slug]), {}, 200),
        ("post", reverse("guidance:curate_publish", args=[chapter.slug]), {}, overview),
        ("post", reverse("guidance:curate_discard", args=[chapter.slug]), {}, overview),
        ("get", reverse("guidance:curate_item_new", args=[chapter.slug]), {}, 200),
        (
            "post",
            reverse("guidance:curate_item_new", args=[chapter.slug]),
            {"kind": "text", "body": "x"},
            overview,
        ),
        ("get", reverse("guidance:curate_history", args=[chapter.slug]), {}, 200),
        ("get", reverse("guidance:curate_item", args=[item.pk]), {}, 200),
        (
            "post",
            reverse("guidance:curate_item", args=[item.pk]),
            {"kind": "text", "body": "x"},
            overview,
        ),
        ("post", reverse("guidance:curate_item_remove", args=[item.pk]), {}, overview),
        (
            "post",
            reverse("guidance:curate_item_move", args=[item.pk]),
            {"direction": "up"},
            f"{overview}#row-{item.pk}",
        ),
        ("get", reverse("guidance:curate_version", args=["eintrag", record.history_id]), {}, 200),
        (
            "post",
            reverse("guidance:curate_version_restore", args=["eintrag", record.history_id]),
            {},
            overview,
        ),
    ]


def test_anonymous_users_are_sent_to_login_on_every_curation_url(client, chapter, item):
    for method, url, data, _coordinator in _curation_requests(chapter, item):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith("/konto/anmelden/"), (method, url)
    assert not Item.objects.filter(draft__isnull=False).exists()


def test_users_without_the_coordinator_role_get_403_everywhere(client, member, chapter, item):
    client.force_login(member)
    for method, url, data, _coordinator in _curation_requests(chapter, item):
        assert getattr(client, method)(url, data).status_code == 403, (method, url)
    assert not Item.objects.filter(draft__isnull=False).exists()
    assert Chapter.objects.get(pk=chapter.pk).draft is None


def test_coordinators_may_use_every_curation_url(client, coordinator, chapter, item):
    client.force_login(coordinator)
    for method, url, data, expected in _curation_requests(chapter, item):
        response = getattr(client, method)(url, data)
        if expected == 200:
            assert response.status_code == 200, (method, url)
        else:
            assert response.status_code == 302, (method, url)
            assert response["Location"] == expected, (method, url)


def test_write_urls_refuse_get(client, coordinator, chapter, item):
    client.force_login(coordinator)
    for name, args in [
        ("guidance:curate_publish", [chapter.slug]),
        ("guidance:curate_discard", [chapter.slug]),
        ("guidance:curate_item_remove", [item.pk]),
        ("guidance:curate_item_move", [item.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 405


def _edit(client, item, **changes):
    data = services.item_working_copy(item)
    form = {
        k: data[k] for k in ("kind", "label", "title", "body", "label_en", "title_en", "body_en")
    }
    form.update(changes)
    form["terms"] = data["terms"]
    return client.post(reverse("guidance:curate_item", args=[item.pk]), form)


def test_a_draft_is_invisible_until_published(client, published, coordinator, item):
    client.force_login(coordinator)
    response = _edit(client, item, body="Rollen gleich zu Beginn gemeinsam klären")
    assert response.status_code == 302
    public = client.get(item.chapter.get_absolute_url()).content.decode()
    assert "Rollenklärung am Anfang vornehmen" in public
    assert "Rollen gleich zu Beginn gemeinsam klären" not in public
    preview = client.get(reverse("guidance:curate_preview", args=[item.chapter.slug]))
    assert "Rollen gleich zu Beginn gemeinsam klären" in preview.content.decode()

    published(item.chapter)
    public = client.get(item.chapter.get_absolute_url()).content.decode()
    assert "Rollen gleich zu Beginn gemeinsam klären" in public
    assert "Rollenklärung am Anfang vornehmen" not in public


def test_markdown_preview_on_the_edit_page_saves_nothing(client, coordinator, item):
    client.force_login(coordinator)
    response = _edit(client, item, body="**wichtig** und *kursiv*", action="preview")
    assert response.status_code == 200
    assert "<strong>wichtig</strong> und <em>kursiv</em>" in response.content.decode()
    assert Item.objects.get(pk=item.pk).draft is None


def test_a_form_error_keeps_everything_typed(client, coordinator, item):
    client.force_login(coordinator)
    response = _edit(client, item, label="", title="", body="", title_en="Only English")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bitte eine Überschrift oder einen Text angeben." in html
    assert "Only English" in html


def test_unknown_featured_organisations_are_named_next_to_the_field(client, coordinator, item):
    client.force_login(coordinator)
    response = _edit(client, item, features="gibt-es-nicht")
    assert response.status_code == 400
    assert "Diese Profile gibt es nicht: gibt-es-nicht" in response.content.decode()


XSS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[klick](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    "[x](JaVaScRiPt:alert(1))",
    '<div style="background:url(javascript:alert(1))">',
    "<scr<script>ipt>alert(1)</script>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '"><script>alert(1)</script>',
    "<details open ontoggle=alert(1)>",
]


@pytest.mark.parametrize("payload", XSS)
def test_nothing_a_coordinator_types_can_run_script(client, coordinator, item, payload):
    client.force_login(coordinator)
    _edit(client, item, body=f"Text {payload}", title=f"Titel {payload}", body_en=payload)
    client.post(reverse("guidance:curate_publish", args=[item.chapter.slug]))
    for language in ("de", "en"):
        client.cookies["django_language"] = language
        for url in (item.chapter.get_absolute_url(), reverse("guidance:print")):
            html = client.get(url).content.decode()
            assert dangerous_markup(html) == [], (language, url)


def test_add_remove_and_reorder_items(client, published, coordinator, chapter):
    client.force_login(coordinator)
    client.post(
        reverse("guidance:curate_item_new", args=[chapter.slug]),
        {"kind": "checklist", "body": "Ergebnisse gemeinsam auswerten", "terms": []},
    )
    new = chapter.items.get(slug="ergebnisse-gemeinsam-auswerten")
    assert not new.is_published
    first = chapter.items.get(slug="ressourcen-erkennen")
    second = chapter.items.get(slug="qualifizierung")
    client.post(reverse("guidance:curate_item_move", args=[second.pk]), {"direction": "up"})
    client.post(reverse("guidance:curate_item_remove", args=[chapter.items.get(slug="punkt-1").pk]))
    html = visible_text(client.get(chapter.get_absolute_url()).content.decode())
    assert "Ergebnisse gemeinsam auswerten" not in html  # still a draft
    assert "Potenziale erkennen, sichtbar machen" in html

    published(chapter)
    html = visible_text(client.get(chapter.get_absolute_url()).content.decode())
    assert "Ergebnisse gemeinsam auswerten" in html
    assert "Potenziale erkennen, sichtbar machen" not in html
    assert html.index(second.body) < html.index(first.body)
    assert html.index("Ergebnisse gemeinsam auswerten") > html.index(
        "Mit Blick auf die Schnittmengen"
    )


def test_tags_are_edited_and_published(client, coordinator, item):
    from directory.vocabulary import get_vocabulary

    client.force_login(coordinator)
    need = get_vocabulary().get("need", "vernetzung")
    data = services.item_working_copy(item)
    form = {k: data[k] for k in ("kind", "label", "title", "body")}
    client.post(reverse("guidance:curate_item", args=[item.pk]), {**form, "terms": [need.pk]})
    assert [t.slug for t in Item.objects.get(pk=item.pk).terms.all()] == ["kooperationspartner"]
    client.post(reverse("guidance:curate_publish", args=[item.chapter.slug]))
    item.refresh_from_db()
    assert list(item.terms.all()) == [need]
    assert item.tags_snapshot == "term:need:vernetzung"


def test_history_records_who_changed_what_with_a_diff(client, coordinator, item):
    client.force_login(coordinator)
    _edit(client, item, body="Rollenklärung ganz am Anfang vornehmen")
    client.post(reverse("guidance:curate_publish", args=[item.chapter.slug]))
    record = item.history.first()
    assert record.history_user == coordinator
    html = client.get(reverse("guidance:curate_history", args=[item.chapter.slug])).content.decode()
    assert "koordination" in html
    diff = client.get(reverse("guidance:curate_version", args=["eintrag", record.history_id]))
    assert "<ins>ganz</ins>" in diff.content.decode()


def test_restoring_an_earlier_version(client, coordinator, item):
    client.force_login(coordinator)
    original = item.history.first()
    _edit(client, item, body="Geänderter Text")
    client.post(reverse("guidance:curate_publish", args=[item.chapter.slug]))
    assert Item.objects.get(pk=item.pk).body == "Geänderter Text"

    client.post(reverse("guidance:curate_version_restore", args=["eintrag", original.history_id]))
    assert Item.objects.get(pk=item.pk).body == "Geänderter Text"  # a draft first
    client.post(reverse("guidance:curate_publish", args=[item.chapter.slug]))
    assert Item.objects.get(pk=item.pk).body == "Rollenklärung am Anfang vornehmen"


def test_restoring_a_removed_item(client, coordinator, chapter):
    client.force_login(coordinator)
    removed = chapter.items.get(slug="punkt-2")
    version = removed.history.first()
    client.post(reverse("guidance:curate_item_remove", args=[removed.pk]))
    client.post(reverse("guidance:curate_publish", args=[chapter.slug]))
    assert not Item.objects.filter(pk=removed.pk).exists()
    client.post(reverse("guidance:curate_version_restore", args=["eintrag", version.history_id]))
    client.post(reverse("guidance:curate_publish", args=[chapter.slug]))
    restored = Item.objects.get(pk=removed.pk)
    assert restored.is_published and restored.body == "Empowerment sichtbar machen"
    assert [t.slug for t in restored.terms.all()] == ["empowerment"]


def test_discarding_a_draft(client, coordinator, item):
    client.force_login(coordinator)
    _edit(client, item, body="Verworfen")
    client.post(reverse("guidance:curate_discard", args=[item.chapter.slug]))
    client.post(reverse("guidance:curate_publish", args=[item.chapter.slug]))
    assert Item.objects.get(pk=item.pk).body == "Rollenklärung am Anfang vornehmen"


def test_editing_the_german_text_flags_the_english_as_outdated(client, coordinator, item):
    client.force_login(coordinator)
    _edit(client, item, body="Rollen am Anfang klären")
    client.post(reverse("guidance:curate_publish", args=[item.chapter.slug]))
    item.refresh_from_db()
    assert item.en_outdated
    dashboard = client.get(reverse("guidance:curate")).content.decode()
    assert "Englisch veraltet" in dashboard
    _edit(client, item, body_en="Clarify roles at the beginning")  # a new translation
    client.post(reverse("guidance:curate_publish", args=[item.chapter.slug]))
    item.refresh_from_db()
    assert not item.en_outdated
    _edit(client, item, body="Rollen zu Beginn klären")
    client.post(reverse("guidance:curate_publish", args=[item.chapter.slug]))
    item.refresh_from_db()
    assert item.en_outdated
    _edit(client, item, translation_checked="on")  # the translation still fits
    client.post(reverse("guidance:curate_publish", args=[item.chapter.slug]))
    item.refresh_from_db()
    assert not item.en_outdated


def test_chapter_text_is_curated_too(client, published, coordinator, chapter):
    client.force_login(coordinator)
    data = services.chapter_working_copy(chapter)
    data.pop("en_source_fingerprint")
    data["subtitle"] = "Das Wichtigste in Kürze"
    client.post(reverse("guidance:curate_chapter", args=[chapter.slug]), data)
    assert "Das Wichtigste in Kürze" not in client.get(chapter.get_absolute_url()).content.decode()
    published(chapter)
    assert "Das Wichtigste in Kürze" in client.get(chapter.get_absolute_url()).content.decode()
    assert chapter.history.first().history_user == coordinator
