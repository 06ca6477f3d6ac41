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
from directory.outreach_models import TakeoverInvitation
from directory.services import notify_reviewers
from mailer.services import mail_user, queue_mail

INVITATION_SALT = "directory.invitation"


class TeamError(Exception):
    """A team change that is not allowed; the message is for the user."""


def _lock_team(organisation_id: int) -> None:
    """Lock the profile's row: team decisions of one profile (accepting an
    invitation, removing a member, handing over, assigning an owner, deciding a
    claim) run one after the other and each sees the team as the one before it
    left it. Always the profile first, then the rows decided on (no deadlock)."""
    Organisation.objects.select_for_update().filter(pk=organisation_id).values_list("pk").first()


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
    """The invitation is gone: its link answers the invalid-invitation page.
    Decided on the locked row: an invitation accepted meanwhile stays
    (TeamError "used"); one withdrawn meanwhile is gone already."""
    locked = Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
    if locked is None:
        return
    if locked.accepted_at is not None:
        raise TeamError("used")
    locked.delete()


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Membership:
    """Join the team; decided on the locked row, so an invitation is accepted
    once (TeamError "used") and never after its withdrawal ("withdrawn")."""
    _lock_team(invitation.organisation_id)
    locked = Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
    if locked is None:
        raise TeamError("withdrawn")
    if locked.accepted_at is not None:
        raise TeamError("used")
    if invitation.email.lower() != user.email.lower():
        raise TeamError("other address")
    bump("directory")  # the team shows on the profile (the "claim this profile" link)
    membership, _ = Membership.objects.get_or_create(
        user=user,
        organisation_id=invitation.organisation_id,
        defaults={"role": Membership.Role.EDITOR},
    )
    invitation.accepted_at = locked.accepted_at = timezone.now()
    locked.save(update_fields=["accepted_at"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    """Remove an editor, decided on the team as it is now: a member who became
    the owner meanwhile stays (TeamError "owner"); one gone already is gone."""
    _lock_team(membership.organisation_id)
    locked = Membership.objects.filter(pk=membership.pk).first()
    if locked is None:
        return
    if locked.role == Membership.Role.OWNER:
        raise TeamError("owner")
    locked.delete()
    bump("directory")


@transaction.atomic
def memberships_end(*, user) -> None:
    """The account goes: all its memberships, ownerships included (a profile left
    without owner offers to be claimed at once; coordinators re-assign it)."""
    Membership.objects.filter(user=user).delete()
    bump("directory")


@transaction.atomic
def ownership_transfer(*, organisation: Organisation, to: Membership, by) -> None:
    """The owner ``by`` hands the profile over to another member of the team.
    Decided on the team as it is now: refused when ``by`` is no longer the
    owner (TeamError "not the owner": a second hand-over of a double click) or
    ``to`` is no longer a member ("not a member": removed meanwhile)."""
    _lock_team(organisation.pk)
    current = organisation.memberships.filter(role=Membership.Role.OWNER).first()
    if current is None or (by is not None and current.user_id != by.pk):
        raise TeamError("not the owner")
    target = organisation.memberships.filter(pk=to.pk).first()
    if target is None or target.pk == current.pk:
        raise TeamError("not a member")
    current.role = Membership.Role.EDITOR
    current.save(update_fields=["role"])
    target.role = to.role = Membership.Role.OWNER
    target.save(update_fields=["role"])
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
    _lock_team(organisation.pk)
    current = organisation.memberships.filter(role=Membership.Role.OWNER)
    current.exclude(user=user).update(role=Membership.Role.EDITOR)
    bump("directory")
    membership, _ = Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": Membership.Role.OWNER}
    )
    return membership


@transaction.atomic
def claim_decide(*, claim: Claim, by, confirm: bool) -> None:
    """Confirm or reject a pending claim. Decisions on the claims of one profile
    run one after the other (the profile's row is locked first): a claim decided
    meanwhile, or confirmed while another claim made somebody the owner, is
    refused (TeamError "decided" / "has owner") and changes nothing."""
    _lock_team(claim.organisation_id)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.status != Claim.Status.PENDING:
        raise TeamError("decided")
    if confirm and has_owner(claim.organisation):
        raise TeamError("has owner")
    claim.status = Claim.Status.CONFIRMED if confirm else Claim.Status.REJECTED
    claim.close_reason = "" if confirm else Claim.Reason.REJECTED
    claim.decided_by = by
    claim.decided_at = timezone.now()
    claim.save()
    if confirm:
        owner_assign(organisation=claim.organisation, user=claim.user)
        # The other claimants are told, once: their claims are closed here, under
        # the profile's row lock, and a second decision finds this one decided.
        claims_close(
            organisation=claim.organisation,
            reason=Claim.Reason.OTHER_CLAIM,
            keep_user=claim.user,
            by=by,
        )
        # The profile has an owner now: an invitation to its address (issue 19)
        # must not hand it to somebody else. Under the profile's row lock, like
        # the redemption, so of the two at once exactly one wins.
        TakeoverInvitation.objects.filter(
            organisation_id=claim.organisation_id, revoked_at__isnull=True, used_at__isnull=True
        ).update(revoked_at=timezone.now())
    mail_user(
        claim.user,
        "claim-confirmed" if confirm else "claim-rejected",
        {"organisation": claim.organisation},
    )


def claims_close(*, organisation: Organisation, reason: Claim.Reason, keep_user, by=None) -> int:
    """Close the pending claims of a profile that got its owner another way (an
    invitation to its address, another claim confirmed by ``by``, a merge): the
    claimants are told why, politely, in their language. A claim of
    ``keep_user`` (the new owner) is confirmed instead, without a mail. Call
    under the profile's row lock (in the caller's transaction): a claim is
    closed, and its person mailed, once. Returns how many claims of others were
    closed."""
    now = timezone.now()
    pending = organisation.claims.filter(status=Claim.Status.PENDING)
    if keep_user is not None:
        pending.filter(user=keep_user).update(
            status=Claim.Status.CONFIRMED, decided_by=by, decided_at=now
        )
        pending = pending.exclude(user=keep_user)
    closed = list(pending.select_related("user"))
    Claim.objects.filter(pk__in=[claim.pk for claim in closed]).update(
        status=Claim.Status.REJECTED, close_reason=reason, decided_by=by, decided_at=now
    )
    for claim in closed:
        mail_user(
            claim.user,
            "claim-closed",
            {
                "organisation": organisation,
                "reason": Claim.Reason(reason).label,
                "reason_code": str(reason),
            },
        )
    return len(closed)
