"""Accessibility statement with its feedback channel; imprint and privacy; editing."""

import pytest
from django.urls import reverse

from portal.models import Page
from tests.html_text import dangerous_markup

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("slug", ["barrierefreiheit", "impressum", "datenschutz"])
def test_the_pages_exist_in_both_languages_and_are_linked_from_every_page(client, slug):
    url = reverse("page", args=[slug])
    assert url in client.get(reverse("home")).content.decode()
    german = client.get(url).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    assert Page.objects.get(slug=slug).title in german
    assert Page.objects.get(slug=slug).title_en in english


def test_barriers_can_be_reported_and_reach_the_coordinators(client, coordinator, sent_mail):
    url = reverse("page", args=["barrierefreiheit"])
    response = client.post(url, {"message": "", "email": "kein-at"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-describedby="id_message_error"' in html and 'aria-invalid="true"' in html
    client.post(
        url,
        {
            "message": "Der Kontrast der Fußzeile ist zu schwach.",
            "page_url": "/",
            "email": "a@example.org",
        },
    )
    [message] = sent_mail()
    # The coordinators read the feedback (and the address to answer) in the portal.
    assert message.to == [coordinator.email] and message.reply_to == []
    client.force_login(coordinator)
    listed = client.get(reverse("feedback_list")).content.decode()
    assert "Kontrast der Fußzeile" in listed and "a@example.org" in listed


def test_coordinators_edit_the_texts_with_a_preview(client, coordinator):
    url = reverse("page_edit", args=["impressum"])
    client.force_login(coordinator)
    data = {
        "title": "Impressum",
        "body": "## Betreiber\n\nFach AG MO",
        "title_en": "Imprint",
        "body_en": "",
    }
    preview = client.post(url, {**data, "action": "preview"})
    assert "<h2>Betreiber</h2>" in preview.content.decode()
    assert "Fach AG MO" not in Page.objects.get(slug="impressum").body
    client.post(url, data)
    page = Page.objects.get(slug="impressum")
    assert page.body.endswith("Fach AG MO") and page.updated_by == coordinator
    assert "Fach AG MO" in client.get(reverse("page", args=["impressum"])).content.decode()


def test_only_coordinators_edit(client, member, editor_a, institution_user):
    url = reverse("page_edit", args=["datenschutz"])
    assert client.get(url).status_code == 302
    for user in (member, editor_a, institution_user):
        client.force_login(user)
        assert client.post(url, {"title": "X", "body": "X"}).status_code == 403
    assert Page.objects.get(slug="datenschutz").title == "Datenschutzerklärung"


def test_page_text_is_sanitised(client, coordinator):
    client.force_login(coordinator)
    client.post(
        reverse("page_edit", args=["impressum"]),
        {
            "title": "Impressum",
            "body": "<script>alert(1)</script>[x](javascript:alert(1))",
            "title_en": "",
            "body_en": "",
        },
    )
    html = client.get(reverse("page", args=["impressum"])).content.decode()
    assert dangerous_markup(html) == []
    assert "&lt;script&gt;" in html  # shown as text, not run


def test_a_stale_page_form_gets_the_conflict_page_and_keeps_both_texts(client, coordinator):
    from django.test import Client

    from tests import personas

    url = reverse("page_edit", args=["impressum"])
    page = Page.objects.get(slug="impressum")
    assert 'name="version"' in (client.force_login(coordinator) or client.get(url)).content.decode()
    data = {"title": page.title, "body": page.body, "title_en": page.title_en, "body_en": ""}
    colleague = Client()
    colleague.force_login(personas.create("coordinator", email="zweite@example.org"))
    assert colleague.post(url, {**data, "body": "Text der Kollegin", "version": page.version})
    assert Page.objects.get(slug="impressum").body == "Text der Kollegin"

    response = client.post(url, {**data, "body": "Mein Text", "version": page.version})

    assert response.status_code == 409
    html = response.content.decode()
    assert "Text der Kollegin" in html and html.count("Mein Text") >= 2
    assert Page.objects.get(slug="impressum").body == "Text der Kollegin"
    current = response.context["form"]["version"].value()
    assert client.post(url, {**data, "body": "Mein Text", "version": current}).status_code == 302
    assert Page.objects.get(slug="impressum").body == "Mein Text"
