"""Merging duplicate profiles, the rows that concern both profiles at once:
shortlists holding both (one entry, both notes) and cooperation requests
between the two (no request of a profile to itself: kept as a record, closed
by the merge, listed in the preview)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cooperation import services as cooperation_services
from cooperation.models import CooperationRequest, RequestMessage
from directory import merging
from directory.team import owner_assign
from finder.models import ShortlistEntry
from tests import personas
from tests.directory.test_merge import PREVIEW_QUERIES, REQUEST
from tests.factories import make_organisation, term

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    staying = make_organisation("Club Dialog e. V.", slug="club-dialog", email="a@dialog.example")
    other = make_organisation("Club Dialog", slug="club-dialog-2", email="b@dialog.example")
    return staying, other


def _merge(staying, other, by):
    staying.refresh_from_db()
    other.refresh_from_db()
    return merging.organisation_merge(
        staying=staying, other=other, by=by, choices=merging.Choices(),
        seen=(staying.version, other.version),
    )  # fmt: skip


# --- shortlists ---------------------------------------------------------------------


def test_a_shortlist_with_both_keeps_one_entry_with_both_notes(pair, coordinator):
    staying, other = pair
    both, only_other, same, empty = (
        personas.create("institution", email=f"inst-{i}@example.org") for i in range(4)
    )
    earlier = timezone.now() - datetime.timedelta(days=30)
    role = term("role", "kooperationspartner")
    ShortlistEntry.objects.create(user=both, organisation=staying, note="Frau Yilmaz anrufen")
    ShortlistEntry.objects.create(
        user=both, organisation=other, note="Kennen wir vom Stadtteilfest", role=role,
        created_at=earlier,
    )  # fmt: skip
    ShortlistEntry.objects.create(user=only_other, organisation=other, note="Nur hier")
    ShortlistEntry.objects.create(user=same, organisation=staying, note="Gleich")
    ShortlistEntry.objects.create(user=same, organisation=other, note="Gleich ")
    ShortlistEntry.objects.create(user=empty, organisation=staying)
    ShortlistEntry.objects.create(user=empty, organisation=other, note="Nur beim Duplikat")

    _merge(staying, other, coordinator)

    assert not ShortlistEntry.objects.filter(organisation=other).exists()
    entries = {e.user_id: e for e in ShortlistEntry.objects.filter(organisation=staying)}
    assert len(entries) == 4  # one per person
    combined = entries[both.pk]
    assert combined.note == "Frau Yilmaz anrufen\n\nClub Dialog: Kennen wir vom Stadtteilfest"
    assert combined.role == role  # taken over (the staying entry had none)
    assert combined.created_at == earlier  # shortlisted first back then
    assert entries[only_other.pk].note == "Nur hier"
    assert entries[same.pk].note == "Gleich"  # not twice
    assert entries[empty.pk].note == "Nur beim Duplikat"


def test_the_shortlist_page_shows_the_combined_note_once(client, pair, coordinator):
    staying, other = pair
    user = personas.create("institution")
    ShortlistEntry.objects.create(user=user, organisation=staying, note="Erste Notiz")
    ShortlistEntry.objects.create(user=user, organisation=other, note="Zweite Notiz")
    _merge(staying, other, coordinator)
    client.force_login(user)
    response = client.get(reverse("shortlist"))
    assert [e.organisation_id for e in response.context["entries"]] == [staying.pk]
    assert "Erste Notiz\n\nClub Dialog: Zweite Notiz" in response.content.decode()


# --- cooperation requests between the two ----------------------------------------------


@pytest.fixture
def requests_between(pair, institution_user):
    staying, other = pair
    team_staying, team_other = personas.create("editor_a"), personas.create("editor_b")
    owner_assign(organisation=staying, user=team_staying)
    owner_assign(organisation=other, user=team_other)
    asked = cooperation_services.request_send(
        sender=team_other, organisation=staying, sender_organisation=other, kind="tandem",
        **{**REQUEST, "subject": "Tandem mit euch?"},
    )  # fmt: skip
    answered = cooperation_services.request_send(
        sender=team_staying, organisation=other, sender_organisation=staying, kind="tandem",
        **{**REQUEST, "subject": "Gemeinsamer Antrag"},
    )  # fmt: skip
    cooperation_services.request_decide(cooperation_request=answered, by=team_other, accept=True)
    outside = cooperation_services.request_send(
        sender=institution_user, organisation=other, **REQUEST
    )
    return {
        "asked": asked, "answered": answered, "outside": outside,
        "team_staying": team_staying, "team_other": team_other,
    }  # fmt: skip


def test_a_request_between_the_two_keeps_its_ends_and_is_closed(
    pair, requests_between, coordinator
):
    staying, other = pair
    _merge(staying, other, coordinator)
    asked = CooperationRequest.objects.select_related("organisation", "sender_organisation").get(
        pk=requests_between["asked"].pk
    )
    # No request of a profile to itself: who asked whom stays on record.
    assert (asked.sender_organisation_id, asked.organisation_id) == (other.pk, staying.pk)
    answered = CooperationRequest.objects.select_related("organisation", "sender_organisation").get(
        pk=requests_between["answered"].pk
    )
    assert (answered.sender_organisation_id, answered.organisation_id) == (staying.pk, other.pk)
    assert answered.status == "accepted"  # a decision stays as it was
    assert asked.closed_by_merge and answered.closed_by_merge
    assert not CooperationRequest.objects.filter(
        organisation_id=staying.pk, sender_organisation_id=staying.pk
    ).exists()
    # Every other request moves as before.
    outside = CooperationRequest.objects.select_related("organisation", "sender_organisation").get(
        pk=requests_between["outside"].pk
    )
    assert outside.organisation_id == staying.pk and not outside.closed_by_merge
    # Closed: no reply, no decision, out of the coordinators' worklist.
    team_other = requests_between["team_other"]  # now in the merged team
    with pytest.raises(cooperation_services.RequestError, match="merged"):
        cooperation_services.request_reply(cooperation_request=asked, author=team_other, body="x")
    with pytest.raises(cooperation_services.RequestError, match="merged"):
        cooperation_services.request_decide(cooperation_request=asked, by=team_other, accept=True)
    assert asked.status == "open"
    old = timezone.now() + datetime.timedelta(days=365)
    assert set(cooperation_services.worklist(now=old)) == {outside}


def test_the_merged_team_reads_the_closed_request_but_cannot_answer(
    client, pair, requests_between, coordinator
):
    staying, other = pair
    _merge(staying, other, coordinator)
    asked = requests_between["asked"]
    for user in (requests_between["team_staying"], requests_between["team_other"]):
        client.force_login(user)
        html = client.get(asked.get_absolute_url()).content.decode()
        assert 'id="closed-by-merge"' in html
        assert "geschlossen (Profile zusammengeführt)" in html
        assert 'name="body"' not in html and 'value="accept"' not in html
        response = client.post(asked.get_absolute_url(), {"body": "Noch etwas"})
        assert response.status_code == 302
        response = client.post(reverse("cooperation:decide", args=[asked.pk]),
                               {"decision": "accept"})  # fmt: skip
        assert response.status_code in (302, 403)
        inbox = client.get(reverse("cooperation:inbox")).content.decode()
        assert "Tandem mit euch?" in inbox and "geschlossen (Profile zusammengeführt)" in inbox
    assert not RequestMessage.objects.filter(request=asked).exists()
    assert CooperationRequest.objects.get(pk=asked.pk).status == "open"


def test_the_preview_lists_the_requests_between_the_two(
    client, pair, requests_between, coordinator, django_assert_max_num_queries
):
    staying, other = pair
    client.force_login(coordinator)
    url = reverse("directory:merge", args=[staying.slug, other.slug])
    client.get(url)
    # Listing them is one query, whatever their number (in PREVIEW_QUERIES).
    with django_assert_max_num_queries(PREVIEW_QUERIES):
        html = client.get(url).content.decode()
    assert 'id="merge-warnings"' in html
    assert "Anfrage „Tandem mit euch?“ von „Club Dialog“ an „Club Dialog e. V.“" in html
    assert "Anfrage „Gemeinsamer Antrag“ von „Club Dialog e. V.“ an „Club Dialog“" in html
    assert "Sprachmittlung" not in html  # the institution's request is not between them
    assert "wird mit dem Zusammenführen geschlossen" in html
    # What moves: the institution's request only; those between the two stay.
    assert "<li>Kooperationsanfragen an das Profil: 1</li>" in html
    assert "Anfragen, die das Profil gesendet hat" not in html


def test_no_warning_without_requests_between_the_two(client, pair, coordinator):
    client.force_login(coordinator)
    html = client.get(reverse("directory:merge", args=[pair[0].slug, pair[1].slug]))
    assert 'id="merge-warnings"' not in html.content.decode()


def test_a_later_merge_keeps_the_request_closed(pair, requests_between, coordinator):
    staying, other = pair
    _merge(staying, other, coordinator)
    third = make_organisation("Club Dialog Berlin", slug="club-dialog-3")
    _merge(third, staying, coordinator)
    asked = CooperationRequest.objects.select_related("organisation", "sender_organisation").get(
        pk=requests_between["asked"].pk
    )
    # The staying end moved on; the merged-away end stays (merged into the third now).
    assert (asked.sender_organisation_id, asked.organisation_id) == (other.pk, third.pk)
    assert asked.sender_organisation.merged_into_id == third.pk and asked.closed_by_merge
