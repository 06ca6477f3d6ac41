"""Who edits a profile: invitations, team changes, ownership and claims."""

import datetime

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.pagecache import bump
from core.siteurl import site_url
from directory.models import Claim, Invitation, Membership, Organisation
from directory.services import notify_reviewers
from mailer.services import mail_user, queue_mail

INVITATION_SALT = "directory.invitation"


class TeamError(Exception):
    """A team change that is not allowed; the message is for the user."""


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(invitation.pk, salt=INVITATION_SALT)


def invitation_from_token(token: str) -> Invitation | None:
    try:
        pk = signing.loads(
            token, salt=INVITATION_SALT, max_age=settings.INVITATION_DAYS * 24 * 3600
        )
    except signing.BadSignature:
        return None
    return Invitation.objects.select_related("organisation").filter(pk=pk).first()


def _mail_invitation(invitation: Invitation, *, by, language: str) -> None:
    url = site_url() + reverse(
        "directory:invitation_accept", kwargs={"token": invitation_token(invitation)}
    )
    queue_mail(
        to=invitation.email,
        template="invitation",
        context={"organisation": invitation.organisation, "inviter": by, "url": url},
        language=language,
    )


def pending_invitations(organisation: Organisation):
    """Invitations not yet accepted whose link still works."""
    alive = timezone.now() - datetime.timedelta(days=settings.INVITATION_DAYS)
    return organisation.invitations.filter(accepted_at__isnull=True, sent_at__gte=alive)


@transaction.atomic
def invitation_send(*, organisation: Organisation, email: str, by, language: str) -> Invitation:
    """Invite ``email`` to the team. A pending invitation to the same address is
    the same invitation: its mail goes again at most once per
    settings.INVITATION_RESEND_HOURS (a double click sends nothing twice). A profile
    the portal has not published may have at most
    settings.INVITATIONS_PENDING_UNPUBLISHED pending invitations."""
    email = email.strip().lower()
    if organisation.memberships.filter(user__email__iexact=email).exists():
        raise TeamError("already a member")
    # One invitation at a time per profile: concurrent sends wait here.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    now = timezone.now()
    existing = organisation.invitations.filter(accepted_at__isnull=True, email=email).first()
    if existing is not None:
        resend_after = existing.sent_at + datetime.timedelta(hours=settings.INVITATION_RESEND_HOURS)
        if now >= resend_after:
            existing.sent_at = now
            existing.invited_by = by
            existing.save(update_fields=["sent_at", "invited_by"])
            _mail_invitation(existing, by=by, language=language)
        return existing
    if (
        not organisation.is_published
        and pending_invitations(organisation).count() >= settings.INVITATIONS_PENDING_UNPUBLISHED
    ):
        raise TeamError("too many pending")
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                organisation=organisation, email=email, invited_by=by, created_at=now, sent_at=now
            )
    except IntegrityError:  # the same invitation, sent at the same moment
        return organisation.invitations.get(accepted_at__isnull=True, email=email)
    _mail_invitation(invitation, by=by, language=language)
    return invitation


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation) -> None:
    """The invitation is gone: its link answers the invalid-invitation page."""
    if invitation.accepted_at is not None:
        raise TeamError("used")
    invitation.delete()


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Membership:
    bump("directory")  # the team shows on the profile (the "claim this profile" link)
    if invitation.accepted_at is not None:
        raise TeamError("used")
    if invitation.email.lower() != user.email.lower():
        raise TeamError("other address")
    membership, _ = Membership.objects.get_or_create(
        user=user,
        organisation=invitation.organisation,
        defaults={"role": Membership.Role.EDITOR},
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    if membership.role == Membership.Role.OWNER:
        raise TeamError("owner")
    membership.delete()
    bump("directory")


@transaction.atomic
def memberships_end(*, user) -> None:
    """The account goes: all its memberships, ownerships included (a profile left
    without owner offers to be claimed at once; coordinators re-assign it)."""
    Membership.objects.filter(user=user).delete()
    bump("directory")


@transaction.atomic
def ownership_transfer(*, organisation: Organisation, to: Membership, by) -> None:
    """The owner hands the profile over to another member of the team."""
    current = organisation.memberships.select_for_update().get(role=Membership.Role.OWNER)
    if to.organisation_id != organisation.pk or to.pk == current.pk:
        raise TeamError("not a member")
    current.role = Membership.Role.EDITOR
    current.save(update_fields=["role"])
    to.role = Membership.Role.OWNER
    to.save(update_fields=["role"])
    mail_user(to.user, "ownership-transferred", {"organisation": organisation, "by": by})


def has_owner(organisation: Organisation) -> bool:
    return organisation.memberships.filter(role=Membership.Role.OWNER).exists()


@transaction.atomic
def claim_create(
    *, organisation: Organisation, user, message: str, verified_address: str = ""
) -> Claim:
    """A claim for coordinators; ``verified_address``: the profile's address on
    record, when the claimant came through a link mailed to it."""
    if has_owner(organisation):
        raise TeamError("has owner")
    claim, created = Claim.objects.get_or_create(
        organisation=organisation,
        user=user,
        status=Claim.Status.PENDING,
        defaults={"message": message, "verified_address": verified_address},
    )
    if not created and verified_address and not claim.verified_address:
        claim.verified_address = verified_address
        claim.save(update_fields=["verified_address"])
    if created:
        notify_reviewers("claim-submitted", {"organisation": organisation, "claim": claim})
    return claim


@transaction.atomic
def owner_assign(*, organisation: Organisation, user) -> Membership:
    """Make ``user`` the owner (coordinators re-assign orphaned profiles)."""
    current = organisation.memberships.select_for_update().filter(role=Membership.Role.OWNER)
    current.exclude(user=user).update(role=Membership.Role.EDITOR)
    bump("directory")
    membership, _ = Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": Membership.Role.OWNER}
    )
    return membership


@transaction.atomic
def claim_decide(*, claim: Claim, by, confirm: bool) -> None:
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.status != Claim.Status.PENDING:
        raise TeamError("decided")
    if confirm and has_owner(claim.organisation):
        raise TeamError("has owner")
    claim.status = Claim.Status.CONFIRMED if confirm else Claim.Status.REJECTED
    claim.decided_by = by
    claim.decided_at = timezone.now()
    claim.save()
    if confirm:
        owner_assign(organisation=claim.organisation, user=claim.user)
        claim.organisation.claims.filter(status=Claim.Status.PENDING).exclude(pk=claim.pk).update(
            status=Claim.Status.REJECTED, decided_by=by, decided_at=timezone.now()
        )
    mail_user(
        claim.user,
        "claim-confirmed" if confirm else "claim-rejected",
        {"organisation": claim.organisation},
    )
