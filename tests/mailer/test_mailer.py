"""Mail is stored first, sent by the worker (never in the request), and retried
with the same Message-ID: none is lost."""

import datetime
import re
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.utils import timezone

from mailer.models import OutgoingMail
from mailer.services import deliver_due, mail_due, queue_mail

pytestmark = pytest.mark.django_db


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        pass

    def close(self):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("mail server down")


class RecordingBackend(locmem.EmailBackend):
    """The test mail backend, counting how often anybody asked for it."""

    made = 0

    def __init__(self, *args, **kwargs):
        type(self).made += 1
        super().__init__(*args, **kwargs)


class AcceptsOnceThenDies(locmem.EmailBackend):
    """The mail server takes the mail, then the line dies before the worker hears
    it: the worker records a failure and sends again later."""

    def send_messages(self, messages):
        super().send_messages(messages)
        raise smtplib.SMTPServerDisconnected("connection lost after DATA")


class RefusesRecipient(locmem.EmailBackend):
    """The mail server is there but refuses one recipient."""

    def send_messages(self, messages):
        if messages[0].to == ["bad@example.org"]:
            raise smtplib.SMTPRecipientsRefused({"bad@example.org": (550, b"no such user")})
        return super().send_messages(messages)


def _queue(to="a@example.org"):
    return queue_mail(to=to, template="review-approved", context={"organisation": {"name": "X"}})


def test_queueing_talks_to_no_mail_server_the_worker_sends(
    settings, django_capture_on_commit_callbacks, member
):
    settings.EMAIL_BACKEND = "tests.mailer.test_mailer.RecordingBackend"
    RecordingBackend.made = 0
    with django_capture_on_commit_callbacks(execute=True):
        _queue(member.email)
    assert RecordingBackend.made == 0 and mail.outbox == []
    stored = OutgoingMail.objects.get()
    assert (stored.status, stored.attempts, stored.sent_at) == ("pending", 0, None)

    assert deliver_due() == (1, 0)  # the worker's round
    assert RecordingBackend.made == 1 and len(mail.outbox) == 1
    assert OutgoingMail.objects.get().status == "sent"


def test_a_mail_server_outage_keeps_the_mail_for_later(settings):
    settings.EMAIL_BACKEND = "tests.mailer.test_mailer.BrokenBackend"
    _queue()
    assert deliver_due() == (0, 1)
    stored = OutgoingMail.objects.get()
    assert stored.status == "pending" and stored.attempts == 1
    assert "mail server down" in stored.last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver_due() == (0, 0)  # not due yet: backing off
    later = timezone.now() + datetime.timedelta(hours=1)
    assert deliver_due(now=later) == (1, 0)
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    assert OutgoingMail.objects.get().status == "sent"


def test_every_attempt_carries_the_message_id_given_when_queued(settings):
    stored = _queue()
    assert re.fullmatch(r"<[0-9a-f]{32}@mo-portal\.example>", stored.message_id)
    assert _queue("other@example.org").message_id != stored.message_id  # one per mail

    settings.EMAIL_BACKEND = "tests.mailer.test_mailer.AcceptsOnceThenDies"
    deliver_due()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    deliver_due(now=timezone.now() + datetime.timedelta(hours=1))
    first, *_, again = [m for m in mail.outbox if m.to == ["a@example.org"]]
    assert first is not again
    assert first.message()["Message-ID"] == again.message()["Message-ID"] == stored.message_id
    stored.refresh_from_db()
    assert stored.status == "sent" and stored.attempts == 2


def test_a_round_stops_at_a_server_that_is_away_not_at_a_refused_address(settings):
    for to in ("bad@example.org", "b@example.org", "c@example.org"):
        _queue(to)
    settings.EMAIL_BACKEND = "tests.mailer.test_mailer.RefusesRecipient"
    assert deliver_due() == (2, 1)  # the refused address waits; the others are sent
    assert OutgoingMail.objects.get(to="bad@example.org").attempts == 1

    for to in ("d@example.org", "e@example.org"):
        _queue(to)
    settings.EMAIL_BACKEND = "tests.mailer.test_mailer.BrokenBackend"
    assert deliver_due() == (0, 2)  # the first fails, the round stops: one timeout, not two
    attempts = dict(OutgoingMail.objects.filter(status="pending").values_list("to", "attempts"))
    assert attempts == {"bad@example.org": 1, "d@example.org": 1, "e@example.org": 0}


def test_mail_due_is_one_indexed_probe(django_assert_num_queries):
    assert not mail_due()
    _queue()
    with django_assert_num_queries(1):
        assert mail_due()
    deliver_due()
    assert not mail_due()


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


def test_extra_headers_are_stored_and_sent_on_one_line(member):
    stored = queue_mail(
        to=member.email,
        template="review-approved",
        context={"organisation": {"name": "X"}},
        headers={"List-Unsubscribe": "<https://portal.example/ab/>\r\nBcc: evil@example.org"},
    )
    assert stored.headers == {
        "List-Unsubscribe": "<https://portal.example/ab/> Bcc: evil@example.org"
    }
    deliver_due()
    (sent,) = mail.outbox
    message = sent.message()
    assert message["List-Unsubscribe"] == "<https://portal.example/ab/> Bcc: evil@example.org"
    assert message["Bcc"] is None and sent.bcc == []
