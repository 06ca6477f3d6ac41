"""Gaps in the invitations and keeping profiles current (issue 19 review):
imported profiles are not mailed on their import day, invitations follow the
address on record, automatic rounds leave open invitations alone, secrets do
not stay in the outbox."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from directory import outreach
from directory.models import Organisation, OutreachJob, TakeoverInvitation
from mailer.models import OutgoingMail
from portal import dashboard
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db


def _names(qs):
    return set(qs.values_list("name", flat=True))


# -- 1.3: imported profiles are due 12 months after their import


def test_an_imported_profile_is_not_mailed_on_its_import_day_but_a_year_later():
    today = timezone.localdate()
    now = timezone.now()
    imported = make_organisation(
        "Importierter Verein", email="info@import.example", confirmed_at=None
    )
    Organisation.objects.filter(pk=imported.pk).update(
        source_name="Netzwerk-Liste", source_imported_at=now, confirmed_at=None, reminded_at=None
    )
    never = make_organisation("Nie bestätigt", email="info@nie.example", confirmed_at=None)
    Organisation.objects.filter(pk=never.pk).update(confirmed_at=None)
    OutgoingMail.objects.all().delete()

    assert outreach.remind_unconfirmed(today=today) == 1  # only the one never imported
    assert [m.to for m in OutgoingMail.objects.all()] == ["info@nie.example"]
    # The list and the dashboard say the same.
    assert "Importierter Verein" not in _names(outreach.unconfirmed(today))
    assert "Importierter Verein" not in _names(outreach.outreach_list("nicht-bestaetigt"))
    figures = {str(f.label): f.value for f in dashboard.work_figures(today)}
    assert figures["Profile seit 12 Monaten nicht bestätigt"] == outreach.unconfirmed(today).count()

    # Confirmed two years ago, imported again today: not due either.
    Organisation.objects.filter(pk=never.pk).update(
        confirmed_at=today - datetime.timedelta(days=800), source_imported_at=now
    )
    assert not outreach.unconfirmed(today).exists()

    # A year and a day after the import: due.
    later = today + datetime.timedelta(days=366)
    assert "Importierter Verein" in _names(outreach.unconfirmed(later))
    TakeoverInvitation.objects.all().delete()
    OutgoingMail.objects.all().delete()
    assert outreach.remind_unconfirmed(today=later) == 2


# -- 1.2: an invitation follows the address on record


def test_an_e_mail_invitation_stops_when_the_e_mail_address_is_corrected(client, teamless, member):
    issued = outreach.invitation_issue(organisation=teamless, channel="email", by=None)
    # Only the case differs: still the same mailbox.
    Organisation.objects.filter(pk=teamless.pk).update(email="Vorstand@Club-Dialog.example")
    assert outreach.invitation_open_for(outreach.invitation_by_token(issued.secret)) == ""
    Organisation.objects.filter(pk=teamless.pk).update(email="neu@club-dialog.example")
    invitation = outreach.invitation_by_token(issued.secret)
    assert outreach.invitation_open_for(invitation) == "revoked"
    with pytest.raises(outreach.OutreachError, match="revoked"):
        outreach.invitation_redeem(invitation=invitation, user=member)
    client.force_login(member)
    page = client.get(reverse("directory:takeover_link", args=[issued.secret]))
    assert page.status_code == 410 and "neuere Einladung" in page.content.decode()
    response = client.post(reverse("directory:takeover_link", args=[issued.secret]))
    assert response.status_code == 410
    assert not teamless.memberships.exists()


def test_a_letter_stops_when_the_postal_address_is_corrected(teamless, member):
    issued = outreach.invitation_issue(organisation=teamless, channel="letter", by=None)
    assert len(TakeoverInvitation.objects.get().postal_digest) == 64
    Organisation.objects.filter(pk=teamless.pk).update(city="berlin ")  # the same address
    assert outreach.invitation_open_for(outreach.invitation_by_code(issued.secret)) == ""
    Organisation.objects.filter(pk=teamless.pk).update(street="Sonnenallee 1")
    invitation = outreach.invitation_by_code(issued.secret)
    assert outreach.invitation_open_for(invitation) == "revoked"
    with pytest.raises(outreach.OutreachError, match="revoked"):
        outreach.invitation_redeem(invitation=invitation, user=member)
    assert not teamless.memberships.exists()


# -- 1.11: automatic and bulk invitations leave a letter in the post alone


def test_bulk_and_automatic_invitations_skip_a_profile_with_an_open_invitation(
    teamless, coordinator, client
):
    letter = outreach.invitation_issue(organisation=teamless, channel="letter", by=coordinator)
    # Older than the skip days, but still valid (a letter still in the post).
    TakeoverInvitation.objects.update(created_at=timezone.now() - datetime.timedelta(days=20))
    Organisation.objects.filter(pk=teamless.pk).update(
        confirmed_at=datetime.date(2020, 1, 1), reminded_at=None
    )
    OutgoingMail.objects.all().delete()
    assert outreach.remind_unconfirmed(today=timezone.localdate()) == 0
    job = outreach.outreach_queue(action="invite", selection={"ids": [teamless.pk]}, by=None)
    job = outreach.run_job(job)
    assert (job.sent, job.skipped_open, job.skipped_recent) == (0, 1, 0)
    job = outreach.run_job(
        outreach.outreach_queue(action="remind", selection={"ids": [teamless.pk]}, by=None)
    )
    assert (job.sent, job.skipped_open) == (0, 1)
    assert not OutgoingMail.objects.exists()
    # Letters printed in bulk (for profiles without e-mail): none for it either.
    Organisation.objects.filter(pk=teamless.pk).update(email="")
    client.force_login(coordinator)
    page = client.post(
        reverse("outreach_letters"),
        {"liste": "ohne-team", "organisation": [teamless.pk]},
    )
    assert page.status_code == 200 and page.context["skipped"] == 1
    # The letter still works.
    assert outreach.invitation_open_for(outreach.invitation_by_code(letter.secret)) == ""
    assert TakeoverInvitation.objects.count() == 1
    # A coordinator's single action replaces it.
    Organisation.objects.filter(pk=teamless.pk).update(email="vorstand@club-dialog.example")
    outreach.invitation_issue(organisation=teamless, channel="email", by=coordinator)
    assert outreach.invitation_open_for(outreach.invitation_by_code(letter.secret)) == "revoked"


def test_an_expired_invitation_does_not_stop_the_automatic_one(teamless):
    outreach.invitation_issue(organisation=teamless, channel="letter", by=None)
    past = timezone.now() - datetime.timedelta(days=200)
    TakeoverInvitation.objects.update(created_at=past, expires_at=past)
    Organisation.objects.filter(pk=teamless.pk).update(confirmed_at=datetime.date(2020, 1, 1))
    assert outreach.remind_unconfirmed(today=timezone.localdate()) == 1
    assert [i.state for i in TakeoverInvitation.objects.all()] == ["sent", "revoked"]


# -- 1.9: secrets do not stay


def test_a_sent_invitation_mail_keeps_no_working_link(teamless):
    from mailer.services import SECRET_BLANKED_NOTE, deliver_due

    issued = outreach.invitation_issue(organisation=teamless, channel="email", by=None)
    assert issued.secret in OutgoingMail.objects.get().body_text  # queued: the worker needs it
    deliver_due()  # the worker's round
    mail = OutgoingMail.objects.get()
    assert mail.status == "sent"
    assert issued.secret not in mail.body_text + mail.body_html
    assert mail.body_text == SECRET_BLANKED_NOTE and mail.body_html == ""


def test_a_mail_without_a_secret_keeps_its_body(teamless):
    from mailer.services import deliver_due, queue_mail

    queue_mail(to="a@example.org", template="reminder-confirm", context={"organisation": teamless})
    deliver_due()
    mail = OutgoingMail.objects.get()
    assert mail.status == "sent" and "Inhalt nach Versand" not in mail.body_text


def test_the_session_forgets_a_token_that_no_longer_works(client, teamless):
    from directory.takeover_views import PENDING_SESSION_KEY

    issued = outreach.invitation_issue(organisation=teamless, channel="email", by=None)
    link = reverse("directory:takeover_link", args=[issued.secret])
    assert client.get(link).status_code == 200
    assert client.session[PENDING_SESSION_KEY] == {"token": issued.secret}
    TakeoverInvitation.objects.update(expires_at=timezone.now())
    assert client.get(link).status_code == 410
    assert PENDING_SESSION_KEY not in client.session
    # Kept, and the invitation deleted meanwhile: forgotten on the way back.
    session = client.session
    session[PENDING_SESSION_KEY] = {"code": "ABCDEFGHJKMNPQRS"}
    session.save()
    assert client.get(reverse("directory:takeover_resume")).status_code == 302
    assert PENDING_SESSION_KEY not in client.session


def test_invitation_addresses_are_forgotten_when_they_no_longer_work(teamless, member):
    now = timezone.now()
    used = outreach.invitation_issue(organisation=teamless, channel="email", by=None)
    other = make_organisation("Zweiter Verein", email="b@zwei.example")
    revoked = outreach.invitation_issue(organisation=other, channel="email", by=None)
    outreach.invitation_issue(organisation=other, channel="email", by=None)  # open
    third = make_organisation("Dritter Verein", email="c@drei.example")
    expired = outreach.invitation_issue(organisation=third, channel="email", by=None)
    outreach.invitation_redeem(invitation=used.invitation, user=member)
    TakeoverInvitation.objects.filter(pk=expired.invitation.pk).update(
        expires_at=now - datetime.timedelta(days=29)
    )
    assert outreach.invitation_addresses_purge(now=now) == 2  # used, revoked
    addresses = dict(TakeoverInvitation.objects.values_list("pk", "address"))
    assert addresses[used.invitation.pk] == "" and addresses[revoked.invitation.pk] == ""
    assert addresses[expired.invitation.pk] == "c@drei.example"  # expired 29 days ago
    assert sorted(a for a in addresses.values() if a) == ["b@zwei.example", "c@drei.example"]
    assert outreach.invitation_addresses_purge(now=now + datetime.timedelta(days=2)) == 1
    from portal.management.commands.run_worker import DAILY

    assert ("purge_invitation_addresses", []) in DAILY


# -- one "has a team", two clearly named kinds of "unerreichbar"


def test_the_dashboard_tells_without_e_mail_from_not_reachable_at_all(client, coordinator):
    from directory import reach

    make_organisation("Nur Post", email="", street="Hauptstraße 1", postal_code="20095")
    make_organisation("Gar nichts", email="", street="", postal_code="", city="")
    make_organisation("Mit E-Mail", email="info@mail.example")
    assert _names(reach.without_email()) == {"Nur Post", "Gar nichts"}
    assert _names(reach.unreachable()) == {"Gar nichts"}
    assert _names(outreach.outreach_list("ohne-e-mail")) == {"Nur Post", "Gar nichts"}
    assert _names(outreach.outreach_list("unerreichbar")) == {"Gar nichts"}
    figures = {str(f.label): (f.value, f.url) for f in dashboard.work_figures()}
    outreach_url = reverse("outreach")
    assert figures["Ohne Team und ohne E-Mail: keine Nachricht erreicht sie"] == (
        2,
        outreach_url + "?liste=ohne-e-mail",
    )
    assert figures["Gar nicht erreichbar: ohne Team, E-Mail-Adresse und Postanschrift"] == (
        1,
        outreach_url + "?liste=unerreichbar",
    )
    client.force_login(coordinator)
    response = client.get(reverse("unreachable") + "?page=2")
    assert response.status_code == 301 and response.url == outreach_url + "?liste=ohne-e-mail"
    page = client.get(response.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="remind"' not in html and "Briefe drucken" in html
    refused = client.post(
        reverse("outreach_action"),
        {"liste": "ohne-e-mail", "action": "invite", "scope": "all", "submit_key": "k" * 20},
    )
    assert refused.status_code == 302 and not OutreachJob.objects.exists()


# -- the chosen ids are taken from the list they were chosen in


def test_a_job_with_chosen_ids_keeps_to_its_list(client, coordinator):
    old = datetime.date(2020, 1, 1)
    in_list = make_organisation("Nicht bestätigt", email="a@alt.example", confirmed_at=old)
    current = make_organisation("Aktuell", email="b@neu.example", confirmed_at=timezone.localdate())
    client.force_login(coordinator)
    response = client.post(
        reverse("outreach_action"),
        {
            "liste": "nicht-bestaetigt",
            "action": "remind",
            "scope": "selected",
            "organisation": [in_list.pk, current.pk],
            "submit_key": "r" * 20,
        },
        follow=True,
    )
    # Counted from the list: one profile (the current one is not in it), singular.
    assert "Vorgemerkt für 1 Profil." in response.content.decode()
    job = outreach.run_job(OutreachJob.objects.get())
    assert job.sent + job.skipped_recent + job.skipped_open + job.skipped_other == 1
    assert job.sent == 1
    assert [m.to for m in OutgoingMail.objects.all()] == ["a@alt.example"]
