"""Mail is stored first, sent after commit, and retried: none is lost."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.utils import timezone

from mailer.models import OutgoingMail
from mailer.services import deliver_due, queue_mail

pytestmark = pytest.mark.django_db


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("mail server down")


def test_mail_is_sent_after_the_transaction_commits(django_capture_on_commit_callbacks, member):
    with django_capture_on_commit_callbacks(execute=True):
        queue_mail(
            to=member.email, template="review-approved", context={"organisation": {"name": "X"}}
        )
        assert mail.outbox == []
    assert len(mail.outbox) == 1
    assert OutgoingMail.objects.get().status == "sent"


def test_a_mail_server_outage_keeps_the_mail_for_later(
    settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.mailer.test_mailer.BrokenBackend"
    with django_capture_on_commit_callbacks(execute=True):
        queue_mail(
            to="a@example.org", template="review-approved", context={"organisation": {"name": "X"}}
        )
    stored = OutgoingMail.objects.get()
    assert stored.status == "pending" and stored.attempts == 1
    assert "mail server down" in stored.last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver_due() == (0, 0)  # not due yet: backing off
    later = timezone.now() + datetime.timedelta(hours=1)
    assert deliver_due(now=later) == (1, 0)
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    assert OutgoingMail.objects.get().status == "sent"


def test_no_header_injection_through_the_subject():
    queue_mail(
        to="a@example.org",
        template="review-approved",
        context={"organisation": {"name": "X\r\nBcc: victim@example.org"}},
    )
    deliver_due()
    [message] = mail.outbox
    assert "\n" not in message.subject and "\r" not in message.subject
    assert message.bcc == [] and message.recipients() == ["a@example.org"]


def test_extra_headers_are_stored_and_sent_on_one_line(django_capture_on_commit_callbacks, member):
    with django_capture_on_commit_callbacks(execute=True):
        stored = queue_mail(
            to=member.email,
            template="review-approved",
            context={"organisation": {"name": "X"}},
            headers={"List-Unsubscribe": "<https://portal.example/ab/>\r\nBcc: evil@example.org"},
        )
    assert stored.headers == {
        "List-Unsubscribe": "<https://portal.example/ab/> Bcc: evil@example.org"
    }
    (sent,) = mail.outbox
    message = sent.message()
    assert message["List-Unsubscribe"] == "<https://portal.example/ab/> Bcc: evil@example.org"
    assert message["Bcc"] is None and sent.bcc == []
