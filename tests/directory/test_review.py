"""Review of new profiles, notifications, history and restore."""

import pytest
from django.urls import reverse

from directory import services
from directory.models import Organisation
from tests.factories import COMPLETE_DESCRIPTION, make_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(editor_a):
    from directory.models import Membership

    organisation = make_organisation("Neuer Verein e. V.", slug="neuer-verein", status="draft")
    Membership.objects.create(user=editor_a, organisation=organisation, role="owner")
    return organisation


def test_a_new_profile_goes_to_review_and_is_approved(
    client, draft, editor_a, coordinator, sent_mail
):
    client.force_login(editor_a)
    client.post(reverse("directory:submit", args=[draft.slug]))
    draft.refresh_from_db()
    assert draft.status == "in_review"
    assert [m.to for m in sent_mail()] == [[coordinator.email]]
    assert client.get(draft.get_absolute_url()).status_code == 200  # the team sees it
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 404

    client.force_login(coordinator)
    assert "Neuer Verein e. V." in client.get(reverse("directory:review_queue")).content.decode()
    page = client.get(reverse("directory:review", args=[draft.slug])).content.decode()
    assert "Ein neues Profil" in page
    client.post(reverse("directory:review", args=[draft.slug]), {"action": "approve"})
    draft.refresh_from_db()
    assert draft.status == "published" and draft.confirmed_at is not None
    assert draft.history.first().history_user == coordinator
    assert sent_mail()[-1].to == [editor_a.email]
    assert "Veröffentlicht" in sent_mail()[-1].subject
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_sending_back_with_a_comment(client, draft, editor_a, coordinator, sent_mail):
    services.organisation_submit(organisation=draft, by=editor_a)
    client.force_login(coordinator)
    response = client.post(
        reverse("directory:review", args=[draft.slug]), {"action": "send_back", "comment": ""}
    )
    assert response.status_code == 400  # a comment is needed
    client.post(
        reverse("directory:review", args=[draft.slug]),
        {"action": "send_back", "comment": "Bitte die Angebote ergänzen."},
    )
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.review_comment == "Bitte die Angebote ergänzen."
    message = sent_mail()[-1]
    assert message.to == [editor_a.email] and "Bitte die Angebote ergänzen." in message.body
    client.force_login(editor_a)
    assert (
        "Bitte die Angebote ergänzen."
        in client.get(reverse("directory:edit", args=[draft.slug])).content.decode()
    )


def test_a_resubmitted_profile_shows_a_diff_against_the_last_published_version(
    client, draft, editor_a, coordinator
):
    services.organisation_submit(organisation=draft, by=editor_a)
    services.organisation_approve(organisation=draft, by=coordinator)
    services.organisation_archive(organisation=draft, by=editor_a)
    services.organisation_reactivate(organisation=draft, by=editor_a)
    draft.city = "Rostock"
    services.organisation_save(organisation=draft, by=editor_a)
    services.organisation_submit(organisation=draft, by=editor_a)
    client.force_login(coordinator)
    html = client.get(reverse("directory:review", args=[draft.slug])).content.decode()
    assert "Änderungen seit der veröffentlichten Fassung" in html
    assert "<del>Hamburg</del>" in html and "<ins>Rostock</ins>" in html


def test_capacity_changes_of_a_published_profile_wait_and_are_recorded_on_approval(
    client, editor_a, mo_a, coordinator
):
    client.force_login(editor_a)
    client.post(
        reverse("directory:edit_section", args=[mo_a.slug, "ressourcen"]),
        {
            "paid_staff": "3",
            "volunteers": "12",
            "members": "40",
            "budget_band": "none",
            "open_for_cooperation": "on",
        },
    )
    mo_a.refresh_from_db()
    assert mo_a.status == "published" and mo_a.paid_staff == 0
    revision = mo_a.revisions.get()
    assert revision.updated_by == editor_a
    services.revision_approve(revision=revision, by=coordinator, seen=revision.version)
    mo_a.refresh_from_db()
    assert mo_a.paid_staff == 3
    record = mo_a.history.first()
    assert record.history_user == coordinator and record.paid_staff == 3
    assert record.history_change_reason == f"approved revision {revision.pk} v{revision.version}"


def test_coordinators_see_the_history_and_restore_a_version(client, editor_a, mo_a, coordinator):
    mo_a.description = "Erste Fassung"
    services.organisation_save(organisation=mo_a, by=editor_a, relations={"languages": []})
    first = mo_a.history.first()
    mo_a.description = "Zweite Fassung"
    services.organisation_save(
        organisation=mo_a,
        by=editor_a,
        relations={
            "languages": [
                __import__("directory.vocabulary", fromlist=["x"])
                .get_vocabulary()
                .get("language", "tr")
            ]
        },
        offers=[{"title": "Kurs", "kind": "course", "summary": "", "languages": []}],
    )
    client.force_login(coordinator)
    html = client.get(reverse("directory:history", args=[mo_a.slug])).content.decode()
    assert "<ins>Zweite</ins>" in html and "Editor A" in html
    client.post(reverse("directory:restore", args=[mo_a.slug, first.history_id]))
    mo_a.refresh_from_db()
    assert mo_a.description == "Erste Fassung"
    assert list(mo_a.languages.all()) == [] and not mo_a.offers.exists()
    assert mo_a.history.first().history_user == coordinator


def test_only_reviewers_review(client, draft, editor_a, member):
    services.organisation_submit(organisation=draft, by=editor_a)
    for user in (editor_a, member):
        client.force_login(user)
        assert (
            client.post(
                reverse("directory:review", args=[draft.slug]), {"action": "approve"}
            ).status_code
            == 403
        )
    assert Organisation.objects.get(pk=draft.pk).status == "in_review"


@pytest.mark.parametrize("action", ["approve", "send_back"])
def test_a_decision_binds_to_the_version_the_review_page_showed(client, coordinator, action):
    """An edit saved after the coordinator opened the review page: the decision
    is not carried out, and the review page shows the new text to decide on."""
    import re

    from django.contrib.messages import get_messages

    organisation = make_organisation(
        "Gesehen e. V.",
        slug="gesehen",
        status="published",
        description="Erste Fassung",
        fields=["bildung"],
        roles=["kooperationspartner"],
        email="kontakt@gesehen.example",
    )
    organisation.status = Organisation.Status.DRAFT
    services.organisation_save(organisation=organisation, by=None, fields=["status"])
    organisation.description = f"Zweite Fassung, geprüft. {COMPLETE_DESCRIPTION}"
    services.organisation_save(organisation=organisation, by=None, fields=["description"])
    services.organisation_submit(organisation=organisation, by=None)
    client.force_login(coordinator)
    url = reverse("directory:review", args=[organisation.slug])
    page = client.get(url).content.decode()
    seen = re.search(r'name="seen" value="(\d+)"', page).group(1)
    assert "Zweite Fassung, geprüft" in page

    organisation.refresh_from_db()
    organisation.description = f"Dritte Fassung, ungeprüft. {COMPLETE_DESCRIPTION}"
    services.organisation_save(organisation=organisation, by=None, fields=["description"])

    response = client.post(url, {"action": action, "comment": "Bitte ergänzen.", "seen": seen})
    assert response.status_code == 302 and response["Location"] == url
    notes = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("inzwischen geändert" in note for note in notes), notes
    organisation.refresh_from_db()
    assert organisation.status == "in_review"
    assert not organisation.history.filter(history_change_reason__in=["approved"]).exists()
    page = client.get(url).content.decode()
    assert "Dritte Fassung, ungeprüft" in page  # the new text is what is decided on now
    seen = re.search(r'name="seen" value="(\d+)"', page).group(1)
    response = client.post(url, {"action": action, "comment": "Bitte ergänzen.", "seen": seen})
    organisation.refresh_from_db()
    assert organisation.status == ("published" if action == "approve" else "draft")
    if action == "approve":
        assert (
            "Dritte Fassung, ungeprüft"
            in client.get(organisation.get_absolute_url()).content.decode()
        )
