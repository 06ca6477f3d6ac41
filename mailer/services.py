"""Queue e-mail in the database, send it after the transaction commits, retry
what failed (``manage.py send_queued_mail``). A failing mail server never
breaks the request that caused the mail, and no mail is lost.

Templates come in triples (healthchecks' convention):
templates/emails/<name>-subject.txt, <name>-body.txt and <name>-body.html.
"""

import datetime
import logging
from collections.abc import Mapping
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.siteurl import site_url
from mailer.models import OutgoingMail
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
    transaction.on_commit(lambda: deliver(mail.pk))
    return mail


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


def deliver(mail_id: int) -> bool:
    """Try to send one queued mail now; on failure it stays queued for a retry."""
    with transaction.atomic():
        mail = (
            OutgoingMail.objects.select_for_update(skip_locked=True)
            .filter(pk=mail_id, status=OutgoingMail.Status.PENDING)
            .first()
        )
        if mail is None:
            return False
        message = EmailMultiAlternatives(
            subject=mail.subject,
            body=mail.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[mail.to],
            reply_to=[mail.reply_to] if mail.reply_to else None,
            headers=mail.headers or None,
        )
        if mail.body_html:
            message.attach_alternative(mail.body_html, "text/html")
        mail.attempts += 1
        try:
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
            return False
        mail.status = OutgoingMail.Status.SENT
        mail.sent_at = timezone.now()
        mail.last_error = ""
        mail.save()
        mail_settled.send(sender=OutgoingMail, mail=mail)
        return True


def deliver_due(*, limit: int = 100, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Send the queued mails that are due. Returns (sent, still waiting)."""
    now = now or timezone.now()
    ids = list(
        OutgoingMail.objects.filter(status=OutgoingMail.Status.PENDING, next_attempt_at__lte=now)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = sum(1 for pk in ids if deliver(pk))
    return sent, len(ids) - sent
