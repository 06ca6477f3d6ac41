"""Sending, answering and deciding requests; notifications go through the outbox.

Delivery: a request reaches the MO's team in the portal (and by mail); an MO
without a team gets it relayed to its address on record with a one-time link to
read and answer it and to take over the profile; an MO that nobody can reach is
refused up front (the form says so before anybody writes). The delivery status
(waiting, delivered, read, answered, undeliverable) follows the request."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import InstitutionEditor
from cooperation.models import CooperationRequest, RequestMessage, SpaceEvent, SpaceReview
from core.siteurl import site_url
from directory import merging, team
from directory.models import Claim, Membership
from directory.reach import Reach, reach_of
from directory.services import notify_members
from mailer.models import OutgoingMail
from mailer.services import mail_user, queue_mail

if TYPE_CHECKING:
    from accounts.models import User
    from directory.models import Organisation

RELAY_SALT = "cooperation.relay"
Delivery = CooperationRequest.Delivery


class RequestError(Exception):
    """Not allowed now; the message is for the user."""


def sent_recently(user: User) -> int:
    since = timezone.now() - datetime.timedelta(hours=24)
    return CooperationRequest.objects.filter(sender=user, created_at__gte=since).count()


def side_of(cooperation_request: CooperationRequest, user: User | AnonymousUser) -> str | None:
    """'sender', 'recipient' or None: who may see the request (nobody else)."""
    if not user.is_authenticated:
        return None
    memberships = {
        m.organisation_id for m in Membership.objects.filter(user=user).only("organisation_id")
    }
    if cooperation_request.organisation_id in memberships:
        return "recipient"
    if cooperation_request.sender_organisation_id is not None:
        # A tandem: the sending MO's team now, not whoever sent it (a person
        # who left the team no longer speaks for the MO).
        return "sender" if cooperation_request.sender_organisation_id in memberships else None
    if cooperation_request.sender_id == user.pk:
        return "sender"
    return None


# The one-time link -------------------------------------------------------------


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _address_tag(address: str) -> str:
    return _digest(address.strip().lower())[:16]


def _relay_url(cooperation_request: CooperationRequest) -> str:
    """A fresh link for the MO's address on record; earlier links stop working
    (only the hash of the newest nonce is kept)."""
    nonce = secrets.token_urlsafe(18)
    cooperation_request.relay_nonce_hash = _digest(nonce)
    token = signing.dumps(
        {
            "r": cooperation_request.pk,
            "n": nonce,
            "a": _address_tag(cooperation_request.relay_address),
        },
        salt=RELAY_SALT,
        compress=True,
    )
    return site_url() + reverse("cooperation:relay", kwargs={"token": token})


def request_from_token(token: str) -> CooperationRequest | None:
    """The request a one-time link opens, or None: the link is forged, older than
    settings.REQUEST_LINK_DAYS, superseded by a newer mail, the MO's address has
    changed since, or the MO has a team now (it answers in the portal)."""
    try:
        data = signing.loads(token, salt=RELAY_SALT, max_age=settings.REQUEST_LINK_DAYS * 24 * 3600)
        pk, nonce, tag = int(data["r"]), str(data["n"]), str(data["a"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    cooperation_request = (
        CooperationRequest.objects.select_related(
            "organisation", "sender", "purpose", "sender_organisation"
        )
        .filter(pk=pk)
        .first()
    )
    if cooperation_request is None or not cooperation_request.relay_nonce_hash:
        return None
    if cooperation_request.closed_by_merge:
        return None
    organisation = cooperation_request.organisation
    if not secrets.compare_digest(cooperation_request.relay_nonce_hash, _digest(nonce)):
        return None
    if not organisation.email or _address_tag(organisation.email) != tag:
        return None
    if reach_of(organisation) is Reach.TEAM:
        return None
    return cooperation_request


def _relay(
    cooperation_request: CooperationRequest, template: str, context: Mapping[str, Any]
) -> OutgoingMail:
    """Mail the MO's address on record (never shown to the sender). No Reply-To:
    the answer goes through the link into the conversation, so both sides keep
    it and the sender's own address stays private."""
    organisation = cooperation_request.organisation
    cooperation_request.relay_address = organisation.email
    url = _relay_url(cooperation_request)
    mail = queue_mail(
        to=organisation.email,
        template=template,
        context={
            "request": cooperation_request,
            "organisation": organisation,
            "url": url,
            "days": settings.REQUEST_LINK_DAYS,
            **context,
        },
    )
    cooperation_request.relay_mail = mail
    cooperation_request.save(update_fields=["relay_address", "relay_nonce_hash", "relay_mail"])
    return mail


def _notify_recipient(
    cooperation_request: CooperationRequest, template: str, context: Mapping[str, Any]
) -> Reach:
    organisation = cooperation_request.organisation
    reach = reach_of(organisation)
    if reach is Reach.TEAM:
        notify_members(organisation, template, {"request": cooperation_request, **context})
    elif reach is Reach.ADDRESS:
        _relay(cooperation_request, f"{template}-relayed", context)
    return reach


# Sending, reading, answering ---------------------------------------------------


@transaction.atomic
def request_send(
    *,
    sender: User,
    organisation: Organisation,
    sender_organisation: Organisation | None = None,
    kind: str | None = None,
    **fields: Any,
) -> CooperationRequest:
    """Store the request and its notifications (queued mail: the worker sends it).
    An MO without a team and without an address cannot be reached: refused.

    The daily limit is counted and the request inserted under a lock on the
    sender's row: parallel sends of one person wait here one after the other, so
    that none of them counts before another has inserted (PostgreSQL; SQLite
    runs writing transactions one at a time anyway)."""
    get_user_model().objects.select_for_update().filter(pk=sender.pk).values_list("pk").first()
    limit = settings.REQUESTS_PER_DAY
    if sent_recently(sender) >= limit:
        raise RequestError("rate")
    if not organisation.is_published or not organisation.open_for_cooperation:
        raise RequestError("closed")
    reach = reach_of(organisation)
    if reach is Reach.NONE:
        raise RequestError("unreachable")
    cooperation_request = CooperationRequest.objects.create(
        sender=sender,
        organisation=organisation,
        sender_organisation=sender_organisation,
        kind=kind or CooperationRequest.Kind.COOPERATION,
        delivery=Delivery.DELIVERED if reach is Reach.TEAM else Delivery.WAITING,
        delivered_via=(
            CooperationRequest.Via.TEAM if reach is Reach.TEAM else CooperationRequest.Via.ADDRESS
        ),
        **fields,
    )
    _notify_recipient(cooperation_request, "request-received", {"sender": sender})
    return cooperation_request


def mark_read(cooperation_request: CooperationRequest, side: str) -> None:
    """A side opened the request: its unread marker goes; the first look from
    the recipient's side makes a delivered request 'read'."""
    now = timezone.now()
    requests = CooperationRequest.objects.filter(pk=cooperation_request.pk)
    if side == "sender":
        requests.update(sender_seen_at=now)
        return
    requests.update(recipient_seen_at=now)
    requests.filter(read_at__isnull=True).update(read_at=now)
    requests.filter(
        delivery__in=[Delivery.WAITING, Delivery.DELIVERED, Delivery.UNDELIVERABLE]
    ).update(delivery=Delivery.READ)
    cooperation_request.refresh_from_db(fields=["delivery", "read_at", "recipient_seen_at"])


def _answered(cooperation_request: CooperationRequest) -> None:
    now = timezone.now()
    requests = CooperationRequest.objects.filter(pk=cooperation_request.pk)
    requests.update(
        updated_at=now,
        recipient_activity_at=now,
        recipient_seen_at=now,
        delivery=Delivery.ANSWERED,
    )
    requests.filter(read_at__isnull=True).update(read_at=now)
    requests.filter(answered_at__isnull=True).update(answered_at=now)


def _notify_sender(
    cooperation_request: CooperationRequest, template: str, context: Mapping[str, Any]
) -> None:
    mail_user(cooperation_request.sender, template, {"request": cooperation_request, **context})


@transaction.atomic
def request_reply(
    *, cooperation_request: CooperationRequest, author: User, body: str
) -> RequestMessage:
    side = side_of(cooperation_request, author)
    if side is None:
        raise RequestError("forbidden")
    if cooperation_request.closed_by_merge:
        raise RequestError("merged")
    message = RequestMessage.objects.create(
        request=cooperation_request, author=author, from_recipient=side == "recipient", body=body
    )
    if side == "recipient":
        _answered(cooperation_request)
        _notify_sender(cooperation_request, "request-reply", {"message": message})
    else:
        now = timezone.now()
        CooperationRequest.objects.filter(pk=cooperation_request.pk).update(
            updated_at=now, sender_activity_at=now, sender_seen_at=now
        )
        _notify_recipient(cooperation_request, "request-reply", {"message": message})
    return message


@transaction.atomic
def relay_reply(*, cooperation_request: CooperationRequest, name: str, body: str) -> RequestMessage:
    """The MO answers through the one-time link (no account): the answer goes
    into the conversation and to the sender as usual."""
    message = RequestMessage.objects.create(
        request=cooperation_request, author=None, author_name=name, from_recipient=True, body=body
    )
    _answered(cooperation_request)
    _notify_sender(cooperation_request, "request-reply", {"message": message})
    return message


@transaction.atomic
def relay_claim(*, cooperation_request: CooperationRequest, user: User, message: str) -> Claim:
    """Take over the profile from the one-time link: a claim for coordinators,
    marked with the address on record that the link proved (once per link)."""
    locked = CooperationRequest.objects.select_for_update().get(pk=cooperation_request.pk)
    if locked.relay_claimed_at is not None:
        raise RequestError("claimed")
    try:
        claim = team.claim_create(
            organisation=cooperation_request.organisation,
            user=user,
            message=message,
            verified_address=locked.relay_address,
        )
    except team.TeamError as error:
        raise RequestError("has owner") from error
    locked.relay_claimed_at = timezone.now()
    locked.save(update_fields=["relay_claimed_at"])
    return claim


@transaction.atomic
def request_decide(*, cooperation_request: CooperationRequest, by: User, accept: bool) -> None:
    """Accept or decline an open request, once: a conditional update (status
    still open) decides, so of an accept and a decline at the same moment one
    applies with one mail and the other is refused (RequestError "decided")."""
    if side_of(cooperation_request, by) != "recipient":
        raise RequestError("forbidden")
    if cooperation_request.closed_by_merge:
        raise RequestError("merged")
    status = CooperationRequest.Status.ACCEPTED if accept else CooperationRequest.Status.DECLINED
    now = timezone.now()
    decided = CooperationRequest.objects.filter(
        pk=cooperation_request.pk, status=CooperationRequest.Status.OPEN
    ).update(status=status, updated_at=now, recipient_activity_at=now)
    if not decided:
        raise RequestError("decided")
    cooperation_request.status = status
    cooperation_request.updated_at = cooperation_request.recipient_activity_at = now
    if accept:  # the cooperation space opens (cooperation.space builds on this module)
        from cooperation.space import space_open

        space_open(cooperation_request=cooperation_request, by=by)
    _notify_sender(cooperation_request, "request-decided", {"by": by})


def mail_settled(*, mail: OutgoingMail, **kwargs: Any) -> None:
    """The outbox reports a relayed mail as sent or finally failed (receiver of
    mailer.signals.mail_settled)."""
    requests = CooperationRequest.objects.filter(relay_mail_id=mail.pk)
    if mail.status == OutgoingMail.Status.SENT:
        requests.filter(delivery=Delivery.WAITING).update(delivery=Delivery.DELIVERED)
    elif mail.status == OutgoingMail.Status.FAILED:
        requests.filter(delivery__in=[Delivery.WAITING, Delivery.DELIVERED]).update(
            delivery=Delivery.UNDELIVERABLE
        )


# Counters and lists ------------------------------------------------------------


def unread_count(user: User) -> int:
    """Requests and replies this person has not read yet, in one query: new
    words from the other side since their side last looked."""
    mine = Membership.objects.filter(user_id=user.pk, organisation_id=OuterRef("organisation_id"))
    mine_as_sender = Membership.objects.filter(
        user_id=user.pk, organisation_id=OuterRef("sender_organisation_id")
    )
    unread_received = Exists(mine) & (
        Q(recipient_seen_at__isnull=True) | Q(recipient_seen_at__lt=F("sender_activity_at"))
    )
    unread_sent = (
        (Q(sender_id=user.pk) | Exists(mine_as_sender))
        & Q(recipient_activity_at__isnull=False)
        & (Q(sender_seen_at__isnull=True) | Q(sender_seen_at__lt=F("recipient_activity_at")))
    )
    return CooperationRequest.objects.filter(unread_received | unread_sent).count()


def worklist(*, now: datetime.datetime | None = None) -> QuerySet[CooperationRequest]:
    """The coordinators' work: undeliverable requests, and open requests that
    nobody has answered for settings.REQUEST_UNANSWERED_DAYS; newest first."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(days=settings.REQUEST_UNANSWERED_DAYS)
    return (
        CooperationRequest.objects.filter(
            Q(delivery=Delivery.UNDELIVERABLE)
            | Q(
                delivery__in=[Delivery.WAITING, Delivery.DELIVERED, Delivery.READ],
                status=CooperationRequest.Status.OPEN,
                created_at__lt=stale,
            )
        )
        .exclude(BETWEEN_MERGED)  # closed by the merge: nobody's work any more
        .select_related("organisation", "sender", "sender_organisation")
        .order_by("-created_at", "-pk")
    )


# Merging duplicate profiles (directory.merging) --------------------------------

# A request with an end at a merged-away profile: one between the two merged
# profiles (every other request moves to the profile that stays).
BETWEEN_MERGED = Q(organisation__merged_into__isnull=False) | Q(
    sender_organisation__merged_into__isnull=False
)


def _between(one: Organisation, two: Organisation) -> QuerySet[CooperationRequest]:
    return CooperationRequest.objects.filter(
        Q(organisation=one, sender_organisation=two) | Q(organisation=two, sender_organisation=one)
    )


def between_stays(field: str) -> Callable[[Organisation], Q]:
    """The requests of the merged-away profile (through ``field``) that stay
    where they are when merged into ``staying``: those with ``staying`` at the
    other end (merging.register's ``stays``; the preview does not count them)."""
    partner = "sender_organisation" if field == "organisation" else "organisation"

    def stays(staying: Organisation) -> Q:
        return Q(**{partner: staying})

    return stays


def merge_requests(relation: merging.Relation, staying: Organisation, other: Organisation) -> int:
    """Mover of both keys of a request (recipient and sender organisation).
    A request to or from ``other`` moves to ``staying``, except one between the
    two: moved, it would be a request of the profile to itself. It keeps both
    ends as they were (who asked whom stays on record) and is closed by the
    merge (CooperationRequest.closed_by_merge: no more replies or decisions,
    out of the coordinators' worklist; the page says why). The merged team
    still sees it through the end that stays. The preview lists such requests
    (merge_warnings)."""
    stays = between_stays(relation.field)(staying)
    return relation.rows(other).exclude(stays).update(**{relation.field: staying})


def merge_warnings(staying: Organisation, other: Organisation) -> list[str]:
    """The requests between the two profiles, for the merge preview (one query)."""
    found = []
    rows = _between(staying, other).select_related("organisation", "sender_organisation")
    for item in rows.order_by("created_at", "pk"):
        values = {
            "subject": item.subject,
            "sender": item.sender_organisation.name if item.sender_organisation else "",
            "recipient": item.organisation.name,
            "status": item.get_status_display(),
            "date": formats.date_format(item.created_at, "SHORT_DATE_FORMAT"),
        }
        found.append(
            _(
                "Anfrage „%(subject)s“ von „%(sender)s“ an „%(recipient)s“ (%(date)s, "
                "%(status)s): eine Anfrage zwischen den beiden Profilen. Sie bleibt als "
                "Aufzeichnung erhalten und wird mit dem Zusammenführen geschlossen: danach "
                "kann niemand mehr darin antworten oder entscheiden."
            )
            % values
        )
    return found


def sender_leaves(user: User) -> None:
    """Before an account is deleted (accounts.services.DELETE_CONTRIBUTORS): a
    tandem request it sent for an MO stays with that MO — another member of the
    sending team becomes its sender (the owner first) — and an accepted request
    of an institution goes to a verified colleague on the same institution
    profile, so the shared space is not deleted with one person's account.
    Requests without such a colleague go with the account, as before."""
    for cooperation_request in CooperationRequest.objects.filter(
        sender=user, sender_organisation__isnull=False
    ):
        colleague = (
            Membership.objects.filter(organisation=cooperation_request.sender_organisation)
            .exclude(user=user)
            .order_by("-role", "pk")  # "owner" before "editor"
            .first()
        )
        if colleague is not None:
            CooperationRequest.objects.filter(pk=cooperation_request.pk).update(
                sender_id=colleague.user_id
            )
    # An accepted request of an institution: a verified colleague who edits the
    # same institution profile takes it over, so the MO keeps the shared space.
    accepted = CooperationRequest.objects.filter(
        sender=user, sender_organisation__isnull=True, status=CooperationRequest.Status.ACCEPTED
    )
    if accepted.exists():
        profiles = InstitutionEditor.objects.filter(user=user).values("profile_id")
        colleagues = (
            InstitutionEditor.objects.filter(
                profile_id__in=profiles, user__institution_verification__isnull=False
            )
            .exclude(user=user)
            .order_by("pk")
        )
        successor = colleagues.values_list("user_id", flat=True).first()
        if successor is not None:
            accepted.update(sender_id=successor)


def personal_data(user: User) -> dict[str, Any]:
    """The requests a person sent and the replies they wrote (for the data export)."""
    return {
        "requests_sent": [
            {
                "to": r.organisation.slug,
                "subject": r.subject,
                "message": r.message,
                "timeframe": r.timeframe,
                "status": r.status,
                "delivery": r.delivery,
                "created_at": r.created_at.isoformat(),
            }
            for r in user.sent_requests.select_related("organisation")
        ],
        "request_replies": [
            {"request": m.request.subject, "body": m.body, "created_at": m.created_at.isoformat()}
            for m in RequestMessage.objects.filter(author=user).select_related("request")
        ],
        # The cooperation spaces: the reviews this person wrote, what they did there.
        "cooperation_reviews": [
            {
                "request": r.cooperation.request.subject,
                "went_well": r.went_well,
                "improve": r.improve,
                "created_at": r.created_at.isoformat(),
            }
            for r in SpaceReview.objects.filter(author=user).select_related("cooperation__request")
        ],
        "cooperation_history": [
            {
                "request": e.cooperation.request.subject,
                "action": e.action,
                "detail": e.detail,
                "at": e.at.isoformat(),
            }
            for e in SpaceEvent.objects.filter(actor=user).select_related("cooperation__request")
        ],
    }
