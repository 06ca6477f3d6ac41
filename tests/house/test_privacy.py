"""DSGVO: a person downloads their data and deletes their account."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from directory import services
from directory.models import Claim, Membership, Organisation
from guidance.models import Chapter, ChapterNote
from mailer.models import OutgoingMail

pytestmark = pytest.mark.django_db


def test_export_contains_my_data_and_nobody_elses(client, editor_a, editor_b, mo_a):
    ChapterNote.objects.create(user=editor_a, chapter=Chapter.objects.first(), text="Meine Notiz")
    ChapterNote.objects.create(user=editor_b, chapter=Chapter.objects.first(), text="Fremde Notiz")
    services.organisation_save(organisation=mo_a, by=editor_a, reason="edited: kontakt")
    services.revision_save(organisation=mo_a, by=editor_a, values={"description": "Mein Text"})
    client.force_login(editor_a)
    response = client.get(reverse("export_data"))
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["email"] == "editor-a@example.org"
    assert data["memberships"] == [
        {"organisation": "verein-a", "role": "owner", "since": data["memberships"][0]["since"]}
    ]
    assert [n["text"] for n in data["guide_notes"]] == ["Meine Notiz"]
    assert data["profile_changes"][0]["organisation"] == "verein-a"
    assert data["profile_changes_for_review"] == [
        {
            "organisation": "verein-a",
            "date": data["profile_changes_for_review"][0]["date"],
            "content": {"description": "Mein Text"},
        }
    ]
    assert (
        "editor-b" not in response.content.decode()
        and "Fremde Notiz" not in response.content.decode()
    )


def test_deleting_an_account_removes_personal_data_and_keeps_the_mo(
    client, editor_a, mo_a, mo_b, coordinator, sent_mail
):
    ChapterNote.objects.create(user=editor_a, chapter=Chapter.objects.first(), text="x")
    Claim.objects.create(user=editor_a, organisation=mo_b, message="Ich bin es")
    services.organisation_save(organisation=mo_a, by=editor_a)
    services.notify_members(mo_a, "review-approved", {})
    sent_mail()
    client.force_login(editor_a)
    wrong = client.post(reverse("delete_account"), {"password": "falsch"})
    assert wrong.status_code == 400 and get_user_model().objects.filter(pk=editor_a.pk).exists()

    response = client.post(reverse("delete_account"), {"password": "pw"})
    assert response.status_code == 302
    assert not get_user_model().objects.filter(email="editor-a@example.org").exists()
    assert not Membership.objects.filter(organisation=mo_a).exists()
    assert not ChapterNote.objects.exists() and not Claim.objects.exists()
    assert not OutgoingMail.objects.filter(to="editor-a@example.org").exists()
    # The organisation and its history stay, without the author.
    organisation = Organisation.objects.get(pk=mo_a.pk)
    assert organisation.is_published
    assert organisation.history.exists()
    assert not organisation.history.filter(history_user__isnull=False).exists()
    # Coordinators find it among the profiles to re-assign... once it had a team.
    client.force_login(coordinator)
    assert client.get(reverse("account")).status_code == 200


def test_an_mo_whose_last_owner_left_can_be_reassigned(client, editor_a, mo_a, member, coordinator):
    Membership.objects.create(user=member, organisation=mo_a, role="editor")
    editor_a.delete()
    client.force_login(coordinator)
    queue = client.get(reverse("directory:review_queue")).content.decode()
    assert "Verein A e. V." in queue
    client.post(reverse("directory:assign_owner", args=[mo_a.slug]), {"email": member.email})
    assert Membership.objects.get(user=member, organisation=mo_a).role == "owner"


def test_export_includes_requests_shortlist_and_saved_searches(
    client, institution_user, mo_a, editor_a
):
    from cooperation.services import request_send
    from finder.models import SavedSearch, ShortlistEntry

    request_send(sender=institution_user, organisation=mo_a, subject="Anfrage X", message="Text")
    ShortlistEntry.objects.create(user=institution_user, organisation=mo_a, note="Notiz Y")
    SavedSearch.objects.create(user=institution_user, name="Suche Z", query="role=1", alert=True)
    client.force_login(institution_user)
    data = json.loads(client.get(reverse("export_data")).content)
    assert data["requests_sent"][0]["subject"] == "Anfrage X"
    assert data["shortlist"][0]["note"] == "Notiz Y"
    assert data["saved_searches"][0]["name"] == "Suche Z"
    assert data["saved_searches"][0]["weekly_alert"] is True
    assert data["account"]["institution_name"] == "Jobcenter Schwerin"
