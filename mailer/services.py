"""Queue e-mail in the database; the background worker sends it and retries
what failed (``manage.py run_worker``, or ``send_queued_mail`` alone). A request
only writes the outbox row, in the transaction of the data the mail is about: it
never talks to a mail server, so a slow, hanging or failing mail server neither
delays nor breaks it, and no mail is lost.

Why an outbox table and the portal's worker rather than a task library
(``django-tasks`` with its database backend): the outbox row already is the
durable task, with the state the portal shows and acts on (attempts, back-off,
last error, sent or finally failed, the delivery status of cooperation
requests through ``mail_settled``); a task row per mail would be a second
table for the same fact and a second worker process beside ``run_worker``,
which already runs the other background jobs. One queue, one table per fact.

Each mail gets its Message-ID when it is queued and keeps it on every attempt.
A worker stopped after the mail server accepted a mail but before the outbox
recorded it as sent sends it again on its next round: rare, and with the same
Message-ID, so receiving servers and mail clients can drop the copy.

Templates come in triples (healthchecks' convention):
templates/emails/<name>-subject.txt, <name>-body.txt and <name>-body.html.
"""

import datetime
import logging
import smtplib
from collections.abc import Mapping
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import QuerySet
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.siteurl import site_url
from mailer.models import OutgoingMail, new_message_id
from mailer.signals import mail_settled

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


def _one_line(text: str) -> str:
    """Subjects are one line: no header injection through any field."""
    return " ".join(text.replace("\r", " ").replace("\n", " ").split())[:200]


def _header(value: str) -> str:
    """A header value on one line (no injection), long enough for a link."""
    return " ".join(value.replace("\r", " ").replace("\n", " ").split())[:900]


def render_mail(
    template: str, context: Mapping[str, Any], language: str = "de"
) -> tuple[str, str, str]:
    context = {"SITE_URL": site_url(), **context}
    with translation.override(language):
        html: str
        subject = _one_line(render_to_string(f"emails/{template}-subject.txt", context))
        text = render_to_string(f"emails/{template}-body.txt", context)
        try:
            html = render_to_string(f"emails/{template}-body.html", context)
        except TemplateDoesNotExist:
            html = ""
    return subject, text, html


def queue_mail(
    *,
    to: str,
    template: str,
    context: Mapping[str, Any],
    language: str = "de",
    reply_to: str = "",
    headers: Mapping[str, str] | None = None,
) -> OutgoingMail:
    subject, text, html = render_mail(template, context, language)
    mail = OutgoingMail.objects.create(
        to=to,
        subject=subject,
        body_text=text,
        body_html=html,
        reply_to=reply_to,
        template=template,
        headers={name: _header(value) for name, value in (headers or {}).items()},
    )
    return mail  # sent by the worker (deliver_due), never here: no SMTP in a request


class Recipient(Protocol):
    """A person who gets mail (a user): an address and the language to write in."""

    email: str
    language: str


def mail_user(
    user: Recipient,
    template: str,
    context: dict[str, Any],
    *,
    reply_to: str = "",
    headers: Mapping[str, str] | None = None,
) -> OutgoingMail:
    """Queue a mail to a person at their address, in their language, with them
    in the context as ``user``."""
    return queue_mail(
        to=user.email,
        template=template,
        context={**context, "user": user},
        language=user.language,
        reply_to=reply_to,
        headers=headers,
    )


# Templates whose mails carry a one-time secret (a link that signs in, makes
# the holder an owner or sets a password): once sent, their bodies are blanked,
# so the working link stays in nobody's outbox or admin page.
SECRET_TEMPLATES = frozenset(
    {"takeover-invitation", "reminder-takeover", "invitation", "password-reset", "verify-email"}
)
SECRET_BLANKED_NOTE = "Inhalt nach Versand gelöscht: enthielt einen Einmal-Link."


def forget_secret(mail: OutgoingMail) -> None:
    """After a successful send: blank the body of a mail with a one-time secret."""
    if mail.template in SECRET_TEMPLATES:
        mail.body_text = SECRET_BLANKED_NOTE
        mail.body_html = ""


def _server_unreachable(error: Exception) -> bool:
    """The mail server is away (refused, timed out, hung up), as opposed to
    refusing this one mail (an SMTP reply code: bad address, too big)."""
    if isinstance(error, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)):
        return True
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


class Delivery:
    """What one attempt came to."""

    SENT, FAILED, SERVER_AWAY, SKIPPED = "sent", "failed", "server away", "skipped"


def deliver(mail_id: int, *, connection: BaseEmailBackend | None = None) -> str:
    """Try to send one queued mail now; on failure it stays queued for a retry
    (with back-off), until MAX_ATTEMPTS. Returns a ``Delivery`` value.

    The row is locked while the mail server is talked to (a second worker
    skips it). The mail server accepting the mail and the commit that records
    it are two steps: a crash between them sends the mail again, with the same
    Message-ID."""
    with transaction.atomic():
        mail = (
            OutgoingMail.objects.select_for_update(skip_locked=True)
            .filter(pk=mail_id, status=OutgoingMail.Status.PENDING)
            .first()
        )
        if mail is None:
            return Delivery.SKIPPED
        if not mail.message_id:  # queued before Message-IDs were stored
            mail.message_id = new_message_id()
            mail.save(update_fields=["message_id"])
        message = EmailMultiAlternatives(
            subject=mail.subject,
            body=mail.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[mail.to],
            reply_to=[mail.reply_to] if mail.reply_to else None,
            headers={**(mail.headers or {}), "Message-ID": mail.message_id},
            connection=connection,
        )
        if mail.body_html:
            message.attach_alternative(mail.body_html, "text/html")
        mail.attempts += 1
        try:
            if connection is not None:
                connection.open()  # once per round: later mails reuse it
            message.send()
        except Exception as error:  # any transport error: keep it and retry later
            log.warning("Mail %s (%s) not sent: %s", mail.pk, mail.template, error)
            mail.last_error = f"{type(error).__name__}: {error}"[:2000]
            delay = datetime.timedelta(minutes=2 ** min(mail.attempts, 10))
            mail.next_attempt_at = timezone.now() + delay
            if mail.attempts >= MAX_ATTEMPTS:
                mail.status = OutgoingMail.Status.FAILED
            mail.save()
            if mail.status == OutgoingMail.Status.FAILED:
                mail_settled.send(sender=OutgoingMail, mail=mail)
            return Delivery.SERVER_AWAY if _server_unreachable(error) else Delivery.FAILED
        mail.status = OutgoingMail.Status.SENT
        mail.sent_at = timezone.now()
        mail.last_error = ""
        forget_secret(mail)
        mail.save()
        mail_settled.send(sender=OutgoingMail, mail=mail)
        return Delivery.SENT


def _due(now: datetime.datetime) -> QuerySet[OutgoingMail]:
    return OutgoingMail.objects.filter(status=OutgoingMail.Status.PENDING, next_attempt_at__lte=now)


def mail_due(now: datetime.datetime | None = None) -> bool:
    """Is any mail due? One probe of the (status, next_attempt_at) index: the
    worker asks every few seconds and sends only when the answer is yes."""
    return _due(now or timezone.now()).exists()


def deliver_due(*, limit: int = 100, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Send the queued mails that are due, over one connection to the mail
    server. Returns (sent, still waiting).

    When the mail server is away (refused, timed out), the round stops after
    that one attempt: the other mails stay due for the next round, so a hanging
    server costs one timeout per round (EMAIL_TIMEOUT), not one per mail."""
    ids = list(_due(now or timezone.now()).order_by("pk").values_list("pk", flat=True)[:limit])
    sent = 0
    connection = get_connection()
    try:
        for pk in ids:
            outcome = deliver(pk, connection=connection)
            sent += outcome == Delivery.SENT
            if outcome == Delivery.SERVER_AWAY:
                break
    finally:
        try:
            connection.close()
        except Exception:  # closing a broken connection: nothing more to do
            log.debug("Mail connection not closed cleanly", exc_info=True)
    return sent, len(ids) - sent
