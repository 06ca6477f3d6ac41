"""Sending, answering and deciding requests; notifications go through the outbox."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from cooperation.models import CooperationRequest, RequestMessage
from directory.models import Membership
from directory.services import notify_members
from mailer.services import mail_user

if TYPE_CHECKING:
    from accounts.models import User
    from directory.models import Organisation


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
    if cooperation_request.sender_id == user.pk:
        return "sender"
    if cooperation_request.sender_organisation_id in memberships:
        return "sender"
    return None


@transaction.atomic
def request_send(
    *,
    sender: User,
    organisation: Organisation,
    sender_organisation: Organisation | None = None,
    kind: str | None = None,
    **fields: Any,
) -> CooperationRequest:
    """Store the request and its notifications; the mails leave after commit.

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
    cooperation_request = CooperationRequest.objects.create(
        sender=sender,
        organisation=organisation,
        sender_organisation=sender_organisation,
        kind=kind or CooperationRequest.Kind.COOPERATION,
        **fields,
    )
    notify_members(
        organisation, "request-received", {"request": cooperation_request, "sender": sender}
    )
    return cooperation_request


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
    message = RequestMessage.objects.create(
        request=cooperation_request, author=author, from_recipient=side == "recipient", body=body
    )
    CooperationRequest.objects.filter(pk=cooperation_request.pk).update(updated_at=timezone.now())
    if side == "recipient":
        _notify_sender(cooperation_request, "request-reply", {"message": message})
    else:
        notify_members(
            cooperation_request.organisation,
            "request-reply",
            {"request": cooperation_request, "message": message},
        )
    return message


@transaction.atomic
def request_decide(*, cooperation_request: CooperationRequest, by: User, accept: bool) -> None:
    if side_of(cooperation_request, by) != "recipient":
        raise RequestError("forbidden")
    if cooperation_request.status != CooperationRequest.Status.OPEN:
        raise RequestError("decided")
    cooperation_request.status = (
        CooperationRequest.Status.ACCEPTED if accept else CooperationRequest.Status.DECLINED
    )
    cooperation_request.save(update_fields=["status", "updated_at"])
    _notify_sender(cooperation_request, "request-decided", {"by": by})


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
                "created_at": r.created_at.isoformat(),
            }
            for r in user.sent_requests.select_related("organisation")
        ],
        "request_replies": [
            {"request": m.request.subject, "body": m.body, "created_at": m.created_at.isoformat()}
            for m in RequestMessage.objects.filter(author=user).select_related("request")
        ],
    }
