"""Reaching profiles without a team (issue 19): invitations to take a profile
over, the coordinators' lists for keeping profiles current, their bulk actions
(carried out by the worker) and the yearly reminders for every profile with a
reachable address.

An invitation goes to the profile's address on record: an e-mail with a
one-time link, or a printed letter with a short code. Only a keyed hash of
the link's token or the code is stored (the mail's body is blanked once sent:
mailer.services.SECRET_TEMPLATES). Whoever uses it becomes the owner at
once: reading that mailbox (or that letterbox) is the proof a coordinator
would otherwise ask for."""

from __future__ import annotations

import datetime
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from core.siteurl import site_url
from core.types import User
from directory import team
from directory.models import Claim, Membership, Organisation
from directory.outreach_models import OutreachJob, TakeoverInvitation
from directory.reach import has_postal_address as has_postal_address
from directory.reach import has_postal_address_q as has_postal_address_q
from directory.reach import has_team, unreachable, without_email
from directory.reach import without_team as without_team
from directory.services import REMIND_AFTER_DAYS, REMIND_AGAIN_AFTER_DAYS, notify_members
from mailer.services import queue_mail

# Letters' codes: 16 characters without those people confuse (0/O, 1/I/L),
# shown in groups of four; 31**16, about 79 bits.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16


class OutreachError(Exception):
    """``has team``, ``no email``, ``no address``, or an invitation's state
    (``used``, ``revoked``, ``expired``)."""


def invitation_days() -> int:
    return int(getattr(settings, "TAKEOVER_INVITATION_DAYS", 90))


def skip_days() -> int:
    """A profile invited within these days is skipped by bulk invitations."""
    return int(getattr(settings, "OUTREACH_SKIP_DAYS", 14))


# -- who is where ---------------------------------------------------------------


def postal_digest(organisation: Organisation) -> str:
    """A keyed digest of the postal address (street, postcode, town) a letter
    goes to: compared when its code is used, never shown."""
    parts = (organisation.street, organisation.postal_code, organisation.city)
    text = "\n".join(" ".join(part.split()).casefold() for part in parts)
    return salted_hmac("directory.takeover.postal", text, algorithm="sha256").hexdigest()


def address_changed(invitation: TakeoverInvitation, organisation: Organisation) -> bool:
    """The profile's address on record is no longer the one the invitation went
    to (the e-mail address or the postal address was corrected): the invitation
    counts as revoked, so it does not make the old address's reader the owner."""
    if invitation.channel == TakeoverInvitation.Channel.EMAIL:
        return invitation.address.casefold() != organisation.email.strip().casefold()
    if invitation.postal_digest:  # letters from before the digest: not compared
        return invitation.postal_digest != postal_digest(organisation)
    return False


def unconfirmed_q(today: datetime.date) -> Q:
    """Not confirmed for 12 months: the one definition behind the daily
    reminders, the coordinators' list and the dashboard. A profile's last
    confirmation is its confirmation, or its import when that is later (or it
    was never confirmed): an imported profile is due 12 months after its import,
    so no automatic mail follows an import; the first invitations of imported
    profiles are the coordinators' bulk action."""
    due = today - datetime.timedelta(days=REMIND_AFTER_DAYS)
    due_start = datetime.datetime.combine(due, datetime.time(), timezone.get_current_timezone())
    confirmed_due = Q(confirmed_at__lt=due) | Q(confirmed_at__isnull=True)
    imported_due = Q(source_imported_at__isnull=True) | Q(source_imported_at__lt=due_start)
    return confirmed_due & imported_due


def unconfirmed(today: datetime.date | None = None) -> QuerySet[Organisation]:
    today = today or timezone.localdate()
    return Organisation.objects.published().filter(unconfirmed_q(today))


LISTS = ("ohne-team", "ohne-e-mail", "unerreichbar", "nicht-bestaetigt")


SOURCES_SHOWN = 200  # the import sources offered as a filter (the newest first)


def import_sources() -> list[str]:
    """The sources profiles were imported from (a network's, a council's list:
    issue 19), newest import first: the lists filter by them."""
    rows = (
        Organisation.objects.exclude(source_name="")
        .values_list("source_name", flat=True)
        .annotate(latest=Max("source_imported_at"))
        .order_by("-latest", "source_name")[:SOURCES_SHOWN]
    )
    return list(rows)


def outreach_list(name: str, *, state: str = "", source: str = "") -> QuerySet[Organisation]:
    """One of the coordinators' lists (LISTS), optionally in one state (its code)
    and from one import source (the list of a network, a council)."""
    if name == "unerreichbar":
        organisations = unreachable()
    elif name == "ohne-e-mail":
        organisations = without_email()
    elif name == "nicht-bestaetigt":
        organisations = unconfirmed()
    else:
        organisations = without_team()
    if state:
        organisations = organisations.filter(state__code=state)
    if source:
        organisations = organisations.filter(source_name=source)
    return organisations


def latest_invitations(organisation_ids: list[int]) -> dict[int, TakeoverInvitation]:
    """The newest invitation of each profile (one query for a page of rows)."""
    latest: dict[int, TakeoverInvitation] = {}
    for invitation in TakeoverInvitation.objects.filter(organisation_id__in=organisation_ids):
        latest.setdefault(invitation.organisation_id, invitation)  # newest first
    return latest


# -- invitations ------------------------------------------------------------------


def _hash(secret: str) -> str:
    return salted_hmac("directory.takeover", secret, algorithm="sha256").hexdigest()


def normalise_code(code: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", code.upper())


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def link_url(token: str) -> str:
    return site_url() + reverse("directory:takeover_link", kwargs={"token": token})


def code_url() -> str:
    return site_url() + reverse("directory:takeover_code")


@dataclass
class Issued:
    invitation: TakeoverInvitation
    secret: str  # the link's token or the letter's code, shown once

    @property
    def code(self) -> str:
        return format_code(self.secret)

    @property
    def url(self) -> str:
        return link_url(self.secret)


def has_open_invitation(organisation: Organisation, *, now: datetime.datetime) -> bool:
    """An invitation that still works (not used, not revoked, not expired): an
    e-mail not yet read, a letter perhaps still in the post."""
    return organisation.takeover_invitations.filter(
        revoked_at__isnull=True, used_at__isnull=True, expires_at__gt=now
    ).exists()


def _issue_locked(
    organisation: Organisation,
    *,
    channel: str,
    by: User | None,
    template: str,
    keep_open: bool = False,
) -> Issued:
    """With ``keep_open`` (bulk and automatic paths) a profile with an
    invitation that still works gets none (OutreachError("open")): only a
    coordinator's single action replaces (revokes) one."""
    if has_team(organisation):
        raise OutreachError("has team")
    if channel == TakeoverInvitation.Channel.EMAIL and not organisation.email:
        raise OutreachError("no email")
    if channel == TakeoverInvitation.Channel.LETTER and not has_postal_address(organisation):
        raise OutreachError("no address")
    now = timezone.now()
    if keep_open and has_open_invitation(organisation, now=now):
        raise OutreachError("open")
    TakeoverInvitation.objects.filter(
        organisation=organisation, revoked_at__isnull=True, used_at__isnull=True
    ).update(revoked_at=now)
    email = channel == TakeoverInvitation.Channel.EMAIL
    secret = secrets.token_urlsafe(24) if email else _new_code()
    invitation = TakeoverInvitation.objects.create(
        organisation=organisation,
        channel=channel,
        address=organisation.email if email else "",
        postal_digest="" if email else postal_digest(organisation),
        secret_hash=_hash(secret),
        created_by=by,
        created_at=now,
        expires_at=now + datetime.timedelta(days=invitation_days()),
    )
    issued = Issued(invitation, secret)
    if email:
        queue_mail(
            to=organisation.email,
            template=template,
            context={
                "organisation": organisation,
                "url": issued.url,
                "expires_at": invitation.expires_at,
            },
        )
    return issued


def invitation_issue(
    *, organisation: Organisation, channel: str, by: User | None, keep_open: bool = False
) -> Issued:
    """A new invitation for a profile without a team; earlier ones stop working.
    An e-mail is queued at once; a letter's code is returned to be printed (it
    is never shown again). Two coordinators at once: the profile's row is locked,
    so the later invitation revokes the earlier one. ``keep_open`` (letters
    printed in bulk): a profile with an invitation that still works gets none
    (OutreachError("open"))."""
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        return _issue_locked(
            locked, channel=channel, by=by, template="takeover-invitation", keep_open=keep_open
        )


def invitation_by_token(token: str) -> TakeoverInvitation | None:
    return _by_hash(_hash(token)) if token else None


def invitation_by_code(code: str) -> TakeoverInvitation | None:
    code = normalise_code(code)
    return _by_hash(_hash(code)) if len(code) == CODE_LENGTH else None


def _by_hash(digest: str) -> TakeoverInvitation | None:
    return (
        TakeoverInvitation.objects.select_related("organisation").filter(secret_hash=digest).first()
    )


def invitation_redeem(*, invitation: TakeoverInvitation, user: User) -> Membership:
    """``user`` takes the profile over and becomes its owner. Used once: of two
    people with the same code at the same moment, the first wins and the second
    gets OutreachError("used") (both lock the profile's row first)."""
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=invitation.organisation_id)
        locked = TakeoverInvitation.objects.select_for_update().get(pk=invitation.pk)
        state = locked.state
        if state == TakeoverInvitation.State.USED:
            raise OutreachError(str(state))
        if has_team(organisation):
            raise OutreachError("has team")  # also when a claim's approval revoked it
        if state != TakeoverInvitation.State.SENT:
            raise OutreachError(str(state))
        if address_changed(locked, organisation):
            raise OutreachError(str(TakeoverInvitation.State.REVOKED))
        if organisation.status != Organisation.Status.PUBLISHED:
            raise OutreachError("expired")
        membership = team.owner_assign(organisation=organisation, user=user)
        locked.used_at = timezone.now()
        locked.used_by = user
        locked.save(update_fields=["used_at", "used_by"])
        team.claims_close(organisation=organisation, reason=Claim.Reason.INVITATION, keep_user=user)
        return membership


def invitation_open_for(invitation: TakeoverInvitation) -> str:
    """Why an invitation cannot be used ('' if it can): its state, or
    ``has team`` when the profile got a team meanwhile."""
    state = invitation.state
    if state == TakeoverInvitation.State.USED:
        return str(state)
    if has_team(invitation.organisation_id):
        return "has team"  # also when a claim's approval revoked the invitation
    if state != TakeoverInvitation.State.SENT:
        return str(state)
    if address_changed(invitation, invitation.organisation):
        return str(TakeoverInvitation.State.REVOKED)
    if invitation.organisation.status != Organisation.Status.PUBLISHED:
        return "expired"
    return ""


ADDRESS_KEPT_DAYS = 30  # an expired invitation's address, for questions about it


def invitation_addresses_purge(*, now: datetime.datetime | None = None) -> int:
    """Forget where invitations went once they cannot be used any more: redeemed,
    revoked, or expired for more than ADDRESS_KEPT_DAYS (the daily worker round).
    Returns how many were blanked."""
    now = now or timezone.now()
    done = (
        Q(used_at__isnull=False)
        | Q(revoked_at__isnull=False)
        | Q(expires_at__lt=now - datetime.timedelta(days=ADDRESS_KEPT_DAYS))
    )
    return (
        TakeoverInvitation.objects.filter(done)
        .filter(~Q(address="") | ~Q(postal_digest=""))
        .update(address="", postal_digest="")
    )


# -- bulk actions ------------------------------------------------------------------


def recently_invited(organisations: QuerySet[Organisation], *, now: datetime.datetime) -> int:
    since = now - datetime.timedelta(days=skip_days())
    return organisations.filter(takeover_invitations__created_at__gte=since).distinct().count()


def outreach_queue(*, action: str, selection: Mapping[str, Any], by: User | None) -> OutreachJob:
    """Queue a bulk action for the worker (a coordinator's click). The submit key
    of the form makes a second click answer as the first; the worker skips
    profiles reminded or invited lately, so a second job sends nothing twice."""
    return OutreachJob.objects.create(action=action, selection=dict(selection), created_by=by)


def _selected(selection: Mapping[str, Any]) -> QuerySet[Organisation]:
    """The job's profiles: the list (with its filters), and of it the chosen ids
    if any: what the coordinator saw and counted. A job stored with ids only
    (before the list was kept with them): those published profiles."""
    if "ids" in selection and "list" not in selection:
        ids = [int(pk) for pk in selection["ids"]]
        return Organisation.objects.published().filter(pk__in=ids)
    organisations = outreach_list(
        str(selection.get("list", "")),
        state=str(selection.get("state", "")),
        source=str(selection.get("source", "")),
    )
    if "ids" in selection:
        organisations = organisations.filter(pk__in=[int(pk) for pk in selection["ids"]])
    return organisations


def _invite_one(organisation: Organisation, *, by: User | None, now: datetime.datetime) -> str:
    """'sent', 'recent' (invited within skip_days), 'open' (an invitation that
    still works: never revoked by a bulk action) or 'other' (a team, no e-mail)."""
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        since = now - datetime.timedelta(days=skip_days())
        if locked.takeover_invitations.filter(created_at__gte=since).exists():
            return "recent"
        if has_open_invitation(locked, now=timezone.now()):
            return "open"
        try:
            _issue_locked(
                locked,
                channel=TakeoverInvitation.Channel.EMAIL,
                by=by,
                template="takeover-invitation",
            )
        except OutreachError:
            return "other"
        return "sent"


def _remind_one(organisation: Organisation, *, today: datetime.date, by: User | None) -> str:
    """The yearly reminder: the owners of a profile with a team; for a profile
    without a team, an invitation (with the reminder's words) to its e-mail.
    'sent', 'recent' (reminded within REMIND_AGAIN_AFTER_DAYS, or invited within
    skip_days), 'open' (an invitation that still works) or 'other' (confirmed
    within the year, or nobody to write to)."""
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        again = today - datetime.timedelta(days=REMIND_AGAIN_AFTER_DAYS)
        if locked.reminded_at is not None and locked.reminded_at >= again:
            return "recent"
        if not Organisation.objects.filter(pk=locked.pk).filter(unconfirmed_q(today)).exists():
            return "other"  # confirmed (or imported) within the year: nothing to remind of
        members = Membership.objects.filter(organisation=locked, user__is_active=True)
        if members.exists():
            if not members.filter(role=Membership.Role.OWNER).exists():
                return "other"  # only editors: coordinators assign an owner
            notify_members(locked, "reminder-confirm", {}, owners_only=True)
        else:
            if not locked.email:
                return "other"  # a letter or nothing: the coordinators' lists
            start = datetime.datetime.combine(
                today, datetime.time(), timezone.get_current_timezone()
            )
            since = start - datetime.timedelta(days=skip_days())
            if locked.takeover_invitations.filter(created_at__gte=since).exists():
                return "recent"
            if has_open_invitation(locked, now=timezone.now()):
                return "open"  # a letter may be in the post: not revoked automatically
            _issue_locked(
                locked,
                channel=TakeoverInvitation.Channel.EMAIL,
                by=by,
                template="reminder-takeover",
            )
        # Bookkeeping, not the profile: excluded from the history, not in the
        # search document nor on any page, so no version and no new generation.
        Organisation.objects.filter(pk=locked.pk).update(reminded_at=today)
        return "sent"


def remind_unconfirmed(*, today: datetime.date | None = None) -> int:
    """The daily job: remind every published profile not confirmed for 12
    months that has a reachable address, at most once per
    REMIND_AGAIN_AFTER_DAYS. Returns how many were reminded."""
    today = today or timezone.localdate()
    again = today - datetime.timedelta(days=REMIND_AGAIN_AFTER_DAYS)
    due = (
        unconfirmed(today)
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=again))
        .filter(Q(memberships__role=Membership.Role.OWNER) | ~Q(email=""))
        .distinct()
        .only("pk")
    )
    return sum(
        _remind_one(organisation, today=today, by=None) == "sent" for organisation in due.iterator()
    )


def run_job(job: OutreachJob, *, now: datetime.datetime | None = None) -> OutreachJob:
    """Carry out one bulk action (the worker). Safe to run again after a crash:
    what was sent is skipped as recent."""
    now = now or timezone.now()
    counts = {"sent": 0, "recent": 0, "open": 0, "other": 0}
    today = timezone.localdate(now)
    for organisation in _selected(job.selection).only("pk").iterator():
        if job.action == OutreachJob.Action.INVITE:
            outcome = _invite_one(organisation, by=job.created_by, now=now)
        else:
            outcome = _remind_one(organisation, today=today, by=job.created_by)
        counts[outcome] += 1
    OutreachJob.objects.filter(pk=job.pk).update(
        finished_at=timezone.now(),
        sent=counts["sent"],
        skipped_recent=counts["recent"],
        skipped_open=counts["open"],
        skipped_other=counts["other"],
    )
    job.refresh_from_db()
    return job


def run_due_jobs(*, now: datetime.datetime | None = None) -> int:
    """Every queued job once: each is claimed by a conditional update, so a
    second worker does not run it twice. A job started more than an hour ago
    and never finished (a worker that died) is claimed again; running it again
    sends nothing twice (what was sent is skipped as recent)."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(hours=1)
    due = Q(started_at__isnull=True) | Q(started_at__lt=stale, finished_at__isnull=True)
    done = 0
    for pk, started_at in list(OutreachJob.objects.filter(due).values_list("pk", "started_at")):
        if OutreachJob.objects.filter(
            pk=pk, started_at=started_at, finished_at__isnull=True
        ).update(started_at=now):
            run_job(OutreachJob.objects.get(pk=pk))
            done += 1
    return done
