"""Invitations to take over a profile without a team, the yearly reminders'
reach and the coordinators' bulk actions (directory.outreach, issue 19)."""

import datetime
import re

import pytest
from django.db import connection
from django.utils import timezone

from directory import outreach
from directory import reach as reach_of
from directory.models import Membership, Organisation, OutreachJob, TakeoverInvitation
from directory.team import owner_assign
from mailer.models import OutgoingMail
from tests import personas
from tests.factories import make_organisation
from tests.parallel import parallel

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)
OLD = datetime.date(2024, 1, 1)


def _mails():
    return sorted(OutgoingMail.objects.values_list("to", "template"))


def _token(mail):
    return re.search(r"/organisationen/uebernahme/([^/\s]+)/", mail.body_text).group(1)


@pytest.fixture
def reach():
    """One profile of each kind of reach, all not confirmed for years."""
    owned = make_organisation("Eigener Verein", confirmed_at=OLD, email="info@eigen.example")
    owner = personas.create("editor_a")
    owner_assign(organisation=owned, user=owner)
    editors_only = make_organisation("Nur Redaktion", confirmed_at=OLD, email="r@red.example")
    editor = personas.create("member", email="redaktion@example.org")
    Membership.objects.create(user=editor, organisation=editors_only, role="editor")
    emailed = make_organisation(
        "Verein mit E-Mail", confirmed_at=OLD, email="vorstand@mail.example", street=""
    )
    postal = make_organisation(
        "Verein mit Post", confirmed_at=OLD, street="Hauptstraße 1", postal_code="20095"
    )
    nowhere = make_organisation("Verein ohne alles", confirmed_at=OLD, street="", city="")
    current = make_organisation("Aktueller Verein", confirmed_at=TODAY, email="a@akt.example")
    draft = make_organisation("Entwurf", status="draft", confirmed_at=OLD, email="e@ent.example")
    return {
        "owned": owned,
        "owner": owner,
        "editors_only": editors_only,
        "emailed": emailed,
        "postal": postal,
        "nowhere": nowhere,
        "current": current,
        "draft": draft,
    }


# -- the reach of reminders


def test_reminders_reach_owners_and_team_less_profiles_with_an_e_mail_once_per_period(reach):
    OutgoingMail.objects.all().delete()
    TODAY = timezone.localdate()  # noqa: N806  (invitations are stamped with the real time)
    assert outreach.remind_unconfirmed(today=TODAY) == 2
    assert _mails() == [
        ("editor-a@example.org", "reminder-confirm"),
        ("vorstand@mail.example", "reminder-takeover"),
    ]
    reminded = set(Organisation.objects.filter(reminded_at=TODAY).values_list("name", flat=True))
    assert reminded == {"Eigener Verein", "Verein mit E-Mail"}
    # The team-less profile's mail carries a working invitation link.
    mail = OutgoingMail.objects.get(template="reminder-takeover")
    invitation = outreach.invitation_by_token(_token(mail))
    assert invitation.organisation == reach["emailed"]
    assert outreach.invitation_open_for(invitation) == ""
    # Once per period: not again the next day, nor after 30 days; again after 31.
    assert outreach.remind_unconfirmed(today=TODAY + datetime.timedelta(days=1)) == 0
    assert outreach.remind_unconfirmed(today=TODAY + datetime.timedelta(days=30)) == 0
    assert OutgoingMail.objects.count() == 2
    TakeoverInvitation.objects.update(created_at=timezone.now() - datetime.timedelta(days=31))
    # The team-less profile's invitation still works: not replaced by another.
    assert outreach.remind_unconfirmed(today=TODAY + datetime.timedelta(days=31)) == 1
    assert OutgoingMail.objects.count() == 3
    TakeoverInvitation.objects.update(expires_at=timezone.now())
    assert outreach.remind_unconfirmed(today=TODAY + datetime.timedelta(days=62)) == 2
    assert OutgoingMail.objects.count() == 5
    # The postal-only, unreachable, editors-only, current and draft profiles: nothing.
    for key in ("postal", "nowhere", "editors_only", "current", "draft"):
        assert Organisation.objects.get(pk=reach[key].pk).reminded_at is None


def test_a_reminder_skips_a_team_less_profile_invited_lately(reach, coordinator):
    outreach.invitation_issue(organisation=reach["emailed"], channel="email", by=coordinator)
    OutgoingMail.objects.all().delete()
    assert outreach.remind_unconfirmed(today=timezone.localdate()) == 1  # only the owned one
    assert _mails() == [("editor-a@example.org", "reminder-confirm")]


def test_the_lists_sort_profiles_by_reach(reach):
    names = lambda qs: set(qs.values_list("name", flat=True))  # noqa: E731
    assert names(outreach.without_team()) >= {"Verein mit E-Mail", "Verein mit Post"}
    assert "Eigener Verein" not in names(outreach.without_team())
    assert "Nur Redaktion" not in names(outreach.without_team())  # an editor is a team
    assert names(reach_of.unreachable()) == {"Verein ohne alles"}
    assert "Aktueller Verein" not in names(outreach.unconfirmed(TODAY))
    assert "Entwurf" not in names(outreach.unconfirmed(TODAY))
    assert names(outreach.outreach_list("ohne-team", state="HH")) == names(outreach.without_team())
    assert not outreach.outreach_list("ohne-team", state="BY").exists()


# -- invitations


def test_an_e_mail_invitation_stores_only_a_hash_and_makes_the_user_owner_once(
    reach, coordinator, member
):
    OutgoingMail.objects.all().delete()
    issued = outreach.invitation_issue(
        organisation=reach["emailed"], channel="email", by=coordinator
    )
    mail = OutgoingMail.objects.get()
    assert (mail.to, mail.template) == ("vorstand@mail.example", "takeover-invitation")
    token = _token(mail)
    assert token == issued.secret
    stored = TakeoverInvitation.objects.get()
    assert token not in stored.secret_hash and len(stored.secret_hash) == 64
    assert stored.state == "sent" and stored.address == "vorstand@mail.example"
    invitation = outreach.invitation_by_token(token)
    membership = outreach.invitation_redeem(invitation=invitation, user=member)
    assert membership.role == Membership.Role.OWNER
    assert TakeoverInvitation.objects.get().state == "used"
    other = personas.create("editor_b")
    with pytest.raises(outreach.OutreachError, match="used"):
        outreach.invitation_redeem(invitation=invitation, user=other)
    assert outreach.invitation_by_token("forged") is None


def test_a_newer_invitation_revokes_the_older_one(reach, coordinator, member):
    first = outreach.invitation_issue(organisation=reach["emailed"], channel="email", by=None)
    second = outreach.invitation_issue(
        organisation=reach["emailed"], channel="email", by=coordinator
    )
    old = outreach.invitation_by_token(first.secret)
    assert outreach.invitation_open_for(old) == "revoked"
    with pytest.raises(outreach.OutreachError, match="revoked"):
        outreach.invitation_redeem(invitation=old, user=member)
    assert outreach.invitation_open_for(outreach.invitation_by_token(second.secret)) == ""


def test_an_invitation_expires(reach, member, settings):
    issued = outreach.invitation_issue(organisation=reach["emailed"], channel="email", by=None)
    TakeoverInvitation.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    invitation = outreach.invitation_by_token(issued.secret)
    assert outreach.invitation_open_for(invitation) == "expired"
    with pytest.raises(outreach.OutreachError, match="expired"):
        outreach.invitation_redeem(invitation=invitation, user=member)


def test_a_profile_that_got_a_team_meanwhile_cannot_be_taken_over(reach, member):
    issued = outreach.invitation_issue(organisation=reach["postal"], channel="letter", by=None)
    owner_assign(organisation=reach["postal"], user=personas.create("editor_b"))
    invitation = outreach.invitation_by_code(issued.code)
    assert outreach.invitation_open_for(invitation) == "has team"
    with pytest.raises(outreach.OutreachError, match="has team"):
        outreach.invitation_redeem(invitation=invitation, user=member)
    with pytest.raises(outreach.OutreachError, match="has team"):
        outreach.invitation_issue(organisation=reach["postal"], channel="letter", by=None)


def test_a_letter_code_is_short_unambiguous_and_forgiving_to_type(reach, member):
    OutgoingMail.objects.all().delete()
    issued = outreach.invitation_issue(organisation=reach["postal"], channel="letter", by=None)
    assert not OutgoingMail.objects.exists()  # a letter is printed, not mailed
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}", issued.code)
    assert not set(issued.secret) & set("01IOL")
    typed = " " + issued.code.lower().replace("-", " ") + " "
    invitation = outreach.invitation_by_code(typed)
    assert invitation is not None and invitation.channel == "letter"
    outreach.invitation_redeem(invitation=invitation, user=member)
    assert reach["postal"].memberships.get().user == member
    assert outreach.invitation_by_code("ABCD-EFGH-JKMN-PQRS") is None
    assert outreach.invitation_by_code("zu kurz") is None


def test_an_invitation_needs_the_address_it_goes_to(reach):
    with pytest.raises(outreach.OutreachError, match="no email"):
        outreach.invitation_issue(organisation=reach["postal"], channel="email", by=None)
    with pytest.raises(outreach.OutreachError, match="no address"):
        outreach.invitation_issue(organisation=reach["nowhere"], channel="letter", by=None)
    with pytest.raises(outreach.OutreachError, match="has team"):
        outreach.invitation_issue(organisation=reach["owned"], channel="email", by=None)


@pytest.mark.django_db(transaction=True)
def test_two_people_with_one_code_at_once_one_wins():
    if connection.vendor != "postgresql":
        pytest.skip("real parallel transactions: PostgreSQL")
    organisation = make_organisation("Paralleler Verein", street="Weg 1")
    issued = outreach.invitation_issue(organisation=organisation, channel="letter", by=None)
    people = [personas.create("editor_a"), personas.create("editor_b")]

    def take(user):
        try:
            outreach.invitation_redeem(
                invitation=outreach.invitation_by_code(issued.code), user=user
            )
        except outreach.OutreachError as error:
            return str(error)
        return "owner"

    results = parallel(lambda: take(people[0]), lambda: take(people[1]))
    assert sorted(results) == ["owner", "used"]
    assert organisation.memberships.count() == 1


# -- bulk actions


def test_a_bulk_invitation_is_idempotent_and_skips_recent_invitations(reach, coordinator):
    OutgoingMail.objects.all().delete()
    selection = {"list": "ohne-team", "state": ""}
    job = outreach.outreach_queue(action="invite", selection=selection, by=coordinator)
    assert outreach.run_due_jobs() == 1
    job.refresh_from_db()
    # Team-less: two with e-mail (sent), postal and nowhere (no channel); the
    # others have a team (or are not published).
    assert (job.sent, job.skipped_recent, job.skipped_other) == (2, 0, 2)
    assert _mails() == [
        ("a@akt.example", "takeover-invitation"),
        ("vorstand@mail.example", "takeover-invitation"),
    ]
    assert outreach.run_due_jobs() == 0  # a finished job never runs again
    again = outreach.outreach_queue(action="invite", selection=selection, by=coordinator)
    outreach.run_due_jobs()
    again.refresh_from_db()
    assert (again.sent, again.skipped_recent, again.skipped_other) == (0, 2, 2)
    assert OutgoingMail.objects.count() == 2


def test_a_bulk_reminder_on_selected_profiles(reach, coordinator):
    OutgoingMail.objects.all().delete()
    ids = [reach["owned"].pk, reach["emailed"].pk, reach["nowhere"].pk]
    job = outreach.outreach_queue(action="remind", selection={"ids": ids}, by=coordinator)
    outreach.run_job(OutreachJob.objects.get(pk=job.pk))
    job.refresh_from_db()
    assert (job.sent, job.skipped_recent, job.skipped_other) == (2, 0, 1)
    assert _mails() == [
        ("editor-a@example.org", "reminder-confirm"),
        ("vorstand@mail.example", "reminder-takeover"),
    ]
    outreach.run_job(job)  # run again (a crash after the mails): nothing twice
    assert OutgoingMail.objects.count() == 2


def test_recently_invited_counts_profiles_not_invitations(reach):
    outreach.invitation_issue(organisation=reach["emailed"], channel="email", by=None)
    outreach.invitation_issue(organisation=reach["emailed"], channel="email", by=None)
    assert outreach.recently_invited(outreach.without_team(), now=timezone.now()) == 1


def test_a_job_of_a_worker_that_died_is_taken_up_again_and_sends_nothing_twice(reach, coordinator):
    OutgoingMail.objects.all().delete()
    job = outreach.outreach_queue(
        action="invite", selection={"ids": [reach["emailed"].pk]}, by=coordinator
    )
    outreach.run_job(job)  # the mails went out, then the worker died before finishing
    OutreachJob.objects.filter(pk=job.pk).update(
        started_at=timezone.now() - datetime.timedelta(hours=2), finished_at=None
    )
    assert outreach.run_due_jobs() == 1
    job.refresh_from_db()
    assert job.finished_at is not None and (job.sent, job.skipped_recent) == (0, 1)
    assert OutgoingMail.objects.count() == 1
    assert outreach.run_due_jobs() == 0


def test_a_bulk_reminder_leaves_current_profiles_alone(reach, coordinator):
    OutgoingMail.objects.all().delete()
    Organisation.objects.filter(pk=reach["owned"].pk).update(confirmed_at=timezone.localdate())
    job = outreach.outreach_queue(
        action="remind", selection={"ids": [reach["owned"].pk]}, by=coordinator
    )
    job = outreach.run_job(job)
    assert (job.sent, job.skipped_other) == (0, 1)
    assert not OutgoingMail.objects.exists()
