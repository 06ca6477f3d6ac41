"""Why a claim was closed: a coordinator rejected it, another claim was
confirmed, the profile was taken over through an invitation, or it was merged
into a profile with an owner. The reason is stored, shown to the person (account
page, personal data export) and to the coordinators (review queue), and the
people whose claims closed without a decision of their own get the polite
claim-closed mail, once, in their language."""

import datetime
import importlib
import json

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from directory import merging, outreach, team
from directory.models import Claim, Membership
from mailer.models import OutgoingMail
from tests import personas
from tests.factories import make_organisation
from tests.parallel import parallel
from tests.warm import warm

pytestmark = pytest.mark.django_db


def _profile(name, slug):
    return make_organisation(name, slug=slug, email=f"info@{slug}.example", street="Weg 1")


def _claim(organisation, user):
    return team.claim_create(organisation=organisation, user=user, message="Das ist unser Verein.")


def _merge(staying, other, by):
    staying.refresh_from_db()
    other.refresh_from_db()
    return merging.organisation_merge(
        staying=staying,
        other=other,
        by=by,
        choices=merging.Choices(),
        seen=(staying.version, other.version),
    )


def _closed_in_every_way(person, coordinator):
    """Four claims of ``person``, each closed another way."""
    rejected = _profile("Abgelehnt e. V.", "abgelehnt")
    team.claim_decide(claim=_claim(rejected, person), by=coordinator, confirm=False)

    confirmed_other = _profile("Andere Anfrage e. V.", "andere-anfrage")
    _claim(confirmed_other, person)
    winner = personas.create("editor_a")
    team.claim_decide(claim=_claim(confirmed_other, winner), by=coordinator, confirm=True)

    taken_over = _profile("Eingeladen e. V.", "eingeladen")
    _claim(taken_over, person)
    issued = outreach.invitation_issue(organisation=taken_over, channel="letter", by=coordinator)
    reader = personas.create("editor_b")
    outreach.invitation_redeem(invitation=outreach.invitation_by_code(issued.code), user=reader)

    staying = _profile("Bleibt e. V.", "bleibt")
    team.owner_assign(organisation=staying, user=winner)
    merged_away = _profile("Bleibt e.V. (alt)", "bleibt-alt")
    _claim(merged_away, person)
    _merge(staying, merged_away, coordinator)
    return {
        "rejected": rejected,
        "other_claim": confirmed_other,
        "invitation": taken_over,
        "merged": staying,
    }


def test_each_way_of_closing_stores_its_reason(member, coordinator):
    profiles = _closed_in_every_way(member, coordinator)
    stored = {
        c.organisation_id: (c.status, c.close_reason) for c in Claim.objects.filter(user=member)
    }
    assert stored == {profile.pk: ("rejected", reason) for reason, profile in profiles.items()}
    # The claims confirmed on the way carry no reason.
    assert set(Claim.objects.exclude(user=member).values_list("status", "close_reason")) == {
        ("confirmed", "")
    }


SHOWN = {
    "de": {
        "rejected": "Abgelehnt e. V.: Abgelehnt<",
        "other_claim": (
            "Andere Anfrage e. V.: Geschlossen: Die Anfrage einer anderen Person wurde bestätigt<"
        ),
        "invitation": "Eingeladen e. V.: Geschlossen: Profil wurde über eine Einladung übernommen<",
        "merged": (
            "Bleibt e. V.: Geschlossen: Profil wurde mit einem anderen Profil zusammengeführt<"
        ),
    },
    "en": {
        "rejected": "Abgelehnt e. V.: Rejected<",
        "other_claim": "Andere Anfrage e. V.: Closed: Another person&#x27;s request was confirmed<",
        "invitation": "Eingeladen e. V.: Closed: The profile was taken over through an invitation<",
        "merged": "Bleibt e. V.: Closed: The profile was merged with another profile<",
    },
}


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_account_page_says_why_each_claim_was_closed(client, member, coordinator, language):
    _closed_in_every_way(member, coordinator)
    client.force_login(member)
    client.cookies["django_language"] = language
    page = client.get(reverse("account")).content.decode()
    for reason, text in SHOWN[language].items():
        assert text in page, reason
    if language == "de":
        # Only the coordinator's decision reads "Abgelehnt".
        assert page.count(": Abgelehnt<") == 1


def test_the_account_page_reads_the_claims_in_one_query(client, member, coordinator):
    client.force_login(member)
    team.claim_decide(
        claim=_claim(_profile("Eins e. V.", "eins"), member), by=coordinator, confirm=False
    )
    warm()  # the vocabulary and the footer's operator slot, as in production
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("account"))
    _closed_in_every_way(member, coordinator)
    with CaptureQueriesContext(connection) as five:
        client.get(reverse("account"))
    assert len(five) == len(one)


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_review_queue_shows_why_claims_were_closed(client, member, coordinator, language):
    client.force_login(coordinator)
    client.cookies["django_language"] = language
    warm()  # the vocabulary and the footer's operator slot, as in production
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("directory:review_queue"))
    _closed_in_every_way(member, coordinator)
    with CaptureQueriesContext(connection) as after:
        page = client.get(reverse("directory:review_queue")).content.decode()
    # The decided claims come in one query (with their profiles and people).
    assert len(after) == len(before)
    for text in SHOWN[language].values():
        outcome = text.split(": ", 1)[1].rstrip("<")
        assert f"← Mitglied: {outcome} (" in page


def test_the_other_claimants_of_a_confirmed_claim_are_told_once_in_their_language(coordinator):
    organisation = _profile("Verein ohne Team", "ohne-team")
    german = _claim(organisation, personas.create("editor_a"))
    english = _claim(organisation, personas.create("editor_b", language="en"))
    chosen = _claim(organisation, personas.create("member"))
    elsewhere = _claim(_profile("Anderer Verein", "anderer"), personas.create("institution"))
    OutgoingMail.objects.all().delete()

    team.claim_decide(claim=chosen, by=coordinator, confirm=True)
    with pytest.raises(team.TeamError, match="decided"):  # the double click
        team.claim_decide(claim=chosen, by=coordinator, confirm=True)

    for claim in (german, english):
        claim.refresh_from_db()
        assert (claim.status, claim.close_reason) == ("rejected", "other_claim")
        assert claim.decided_by == coordinator and claim.decided_at is not None
    elsewhere.refresh_from_db()
    assert elsewhere.status == "pending"
    closed = {m.to: m for m in OutgoingMail.objects.filter(template="claim-closed")}
    assert sorted(closed) == ["editor-a@example.org", "editor-b@example.org"]
    de, en = closed["editor-a@example.org"], closed["editor-b@example.org"]
    assert "Grund: Die Anfrage einer anderen Person wurde bestätigt." in de.body_text
    assert "Die Koordination hat die Anfrage einer anderen Person bestätigt" in de.body_text
    assert "Einladung" not in de.body_text
    assert "Reason: Another person's request was confirmed." in en.body_text
    assert "The coordinators confirmed another person's request" in en.body_text
    assert en.subject == "Your request about Verein ohne Team"
    assert list(OutgoingMail.objects.filter(template="claim-confirmed").values_list("to")) == [
        ("mitglied@example.org",)
    ]
    assert not OutgoingMail.objects.filter(template="claim-rejected").exists()


def test_a_rejection_tells_only_its_claimant(coordinator):
    organisation = _profile("Verein ohne Team", "ohne-team")
    rejected = _claim(organisation, personas.create("editor_a"))
    waiting = _claim(organisation, personas.create("editor_b"))
    OutgoingMail.objects.all().delete()
    team.claim_decide(claim=rejected, by=coordinator, confirm=False)
    rejected.refresh_from_db()
    waiting.refresh_from_db()
    assert (rejected.status, rejected.close_reason) == ("rejected", "rejected")
    assert (waiting.status, waiting.close_reason) == ("pending", "")
    assert list(OutgoingMail.objects.values_list("template", "to")) == [
        ("claim-rejected", "editor-a@example.org")
    ]


def test_a_merge_into_a_profile_with_an_owner_closes_the_moved_claims(member, coordinator):
    staying = _profile("Bleibt e. V.", "bleibt")
    owner = personas.create("editor_a")
    team.owner_assign(organisation=staying, user=owner)
    other = _profile("Bleibt (alt)", "bleibt-alt")
    moved = _claim(other, member)
    OutgoingMail.objects.all().delete()

    _merge(staying, other, coordinator)

    moved.refresh_from_db()
    assert moved.organisation_id == staying.pk
    assert (moved.status, moved.close_reason, moved.decided_by) == (
        "rejected",
        "merged",
        coordinator,
    )
    [mail] = OutgoingMail.objects.filter(template="claim-closed")
    assert mail.to == "mitglied@example.org"
    assert "Grund: Profil wurde mit einem anderen Profil zusammengeführt." in mail.body_text
    assert "derselben Organisation zusammengeführt, das bereits betreut wird" in mail.body_text


def test_a_merge_of_two_profiles_without_owner_keeps_the_claims_open(member, coordinator):
    staying = _profile("Bleibt e. V.", "bleibt")
    other = _profile("Bleibt (alt)", "bleibt-alt")
    moved = _claim(other, member)
    _merge(staying, other, coordinator)
    moved.refresh_from_db()
    assert (moved.organisation_id, moved.status, moved.close_reason) == (staying.pk, "pending", "")
    assert not OutgoingMail.objects.filter(template="claim-closed").exists()


def test_the_personal_data_export_lists_the_reason(client, member, coordinator):
    _closed_in_every_way(member, coordinator)
    pending = _claim(_profile("Offen e. V.", "offen"), member)
    client.force_login(member)
    data = json.loads(client.get(reverse("export_data")).content)
    reasons = {c["organisation"]: (c["status"], c["close_reason"]) for c in data["claims"]}
    assert reasons == {
        "abgelehnt": ("rejected", "rejected"),
        "andere-anfrage": ("rejected", "other_claim"),
        "eingeladen": ("rejected", "invitation"),
        "bleibt": ("rejected", "merged"),
        "offen": ("pending", ""),
    }
    assert {c["decided_at"] is None for c in data["claims"] if c["organisation"] == "offen"} == {
        True
    }
    assert pending.pk  # the open one is listed too


# The migration's reasons for the claims closed before it ------------------------


def test_the_migration_gives_existing_closed_claims_the_reason_their_rows_tell(coordinator):
    migration = importlib.import_module("directory.migrations.0021_claim_reason")
    now = timezone.now()
    people = [personas.create(p) for p in ("editor_a", "editor_b", "member", "institution")]

    def claim(organisation, user, status, by=None, at=now):
        return Claim.objects.create(
            organisation=organisation, user=user, status=status, decided_by=by, decided_at=at
        )

    by_coordinator = _profile("Abgelehnt e. V.", "abgelehnt")
    rejected = claim(by_coordinator, people[0], "rejected", by=coordinator)
    # An approval: the confirmed claim and the others closed with it.
    approved = _profile("Bestätigt e. V.", "bestaetigt")
    claim(approved, people[0], "confirmed", by=coordinator)
    beside_approval = claim(
        approved, people[1], "rejected", by=coordinator, at=now + datetime.timedelta(seconds=1)
    )
    # A takeover: the invitation used, the claims closed without a coordinator.
    taken = _profile("Eingeladen e. V.", "eingeladen")
    issued = outreach.invitation_issue(organisation=taken, channel="letter", by=coordinator)
    invitation = outreach.invitation_by_code(issued.code)
    invitation.used_at, invitation.used_by = now, people[3]
    invitation.save(update_fields=["used_at", "used_by"])
    beside_takeover = claim(taken, people[2], "rejected")
    # Rejected long after another claim was confirmed (the coordinator decided).
    late = claim(
        approved, people[2], "rejected", by=coordinator, at=now + datetime.timedelta(days=2)
    )
    # A coordinator's account deleted since (no decider), no invitation: a rejection.
    orphan = claim(_profile("Ohne e. V.", "ohne"), people[3], "rejected")
    untouched = claim(_profile("Offen e. V.", "offen"), people[1], "pending", at=None)
    Claim.objects.update(close_reason="")

    migration.set_reasons(apps, None)

    reasons = dict(Claim.objects.values_list("pk", "close_reason"))
    assert reasons[rejected.pk] == "rejected"
    assert reasons[beside_approval.pk] == "other_claim"
    assert reasons[beside_takeover.pk] == "invitation"
    assert reasons[late.pk] == "rejected"
    assert reasons[orphan.pk] == "rejected"
    assert reasons[untouched.pk] == ""
    assert set(Claim.objects.filter(status="confirmed").values_list("close_reason")) == {("",)}


# PostgreSQL: a double click in two requests at once ------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_two_confirmations_at_once_mail_the_other_claimants_once():
    if connection.vendor != "postgresql":
        pytest.skip("real parallel transactions: PostgreSQL")
    coordinator = personas.create("coordinator")
    organisation = _profile("Verein ohne Team", "ohne-team")
    chosen = _claim(organisation, personas.create("member"))
    others = [_claim(organisation, personas.create(p)) for p in ("editor_a", "editor_b")]

    def confirm():
        try:
            team.claim_decide(claim=chosen, by=coordinator, confirm=True)
        except team.TeamError as error:
            return str(error)
        return "confirmed"

    assert sorted(parallel(confirm, confirm)) == ["confirmed", "decided"]
    closed = OutgoingMail.objects.filter(template="claim-closed")
    assert sorted(closed.values_list("to", flat=True)) == [
        "editor-a@example.org",
        "editor-b@example.org",
    ]
    assert OutgoingMail.objects.filter(template="claim-confirmed").count() == 1
    assert {c.close_reason for c in Claim.objects.filter(pk__in=[o.pk for o in others])} == {
        "other_claim"
    }
    assert Membership.objects.get(organisation=organisation).user == chosen.user


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_merge_preview_says_which_claims_the_merge_closes(
    client, member, coordinator, language
):
    staying = _profile("Bleibt e. V.", "bleibt")
    other = _profile("Bleibt (alt)", "bleibt-alt")
    _claim(other, member)
    _claim(staying, personas.create("editor_b"))
    client.force_login(coordinator)
    client.cookies["django_language"] = language
    url = reverse("directory:merge", args=[staying.slug, other.slug])
    assert "Übernahmeanfragen werden geschlossen" not in client.get(url).content.decode()
    team.owner_assign(organisation=other, user=personas.create("editor_a"))
    html = client.get(url).content.decode()
    expected = {
        "de": "2 offene Übernahmeanfragen werden geschlossen, weil das zusammengeführte Profil",
        "en": "2 open requests to take over the profile will be closed, because the merged",
    }
    assert expected[language] in html
    _merge(staying, other, coordinator)
    assert Claim.objects.filter(status="rejected", close_reason="merged").count() == 2
