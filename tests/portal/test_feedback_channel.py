"""Accessibility feedback: anyone may write, nobody can flood the coordinators.

The feedback is stored; coordinators get at most one notification per period
(settings.FEEDBACK_NOTIFY_MINUTES) with a link to the list in the portal, never
the sender's text, links or address (issue 14, finding 4)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import make_coordinator
from portal.models import Feedback
from tests import personas

pytestmark = pytest.mark.django_db

URL = reverse("page", args=["barrierefreiheit"])
SPAM = {
    "message": "Gewinnspiel! Klicken Sie auf https://evil.example/login",
    "page_url": "https://evil.example/phish",
    "email": "spam@evil.example",
}


def test_fifteen_anonymous_posts_mail_each_coordinator_once(client, coordinator, sent_mail):
    second = personas.create("member", email="koordination2@example.org", name="Zweite")
    make_coordinator(second)
    for number in range(15):
        response = client.post(URL, SPAM, REMOTE_ADDR=f"10.9.0.{number}")
        assert response.status_code == 302
    assert Feedback.objects.count() == 15  # nothing is lost
    mails = sent_mail()
    assert sorted(m.to[0] for m in mails) == sorted([coordinator.email, second.email])


def test_after_the_period_the_next_feedback_notifies_again(client, coordinator, sent_mail):
    client.post(URL, {"message": "Kontrast zu schwach"}, REMOTE_ADDR="10.9.1.1")
    assert len(sent_mail()) == 1
    Feedback.objects.update(notified_at=timezone.now() - datetime.timedelta(hours=2))
    client.post(URL, {"message": "Fokus unsichtbar"}, REMOTE_ADDR="10.9.1.2")
    mails = sent_mail()
    assert len(mails) == 2
    assert "2" in mails[1].body  # two open pieces of feedback


def test_feedback_is_limited_per_sender(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "feedback": "3/h"}
    statuses = [client.post(URL, {"message": "Barriere"}).status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert Feedback.objects.count() == 3
    assert client.post(URL, {"message": "x"}, REMOTE_ADDR="10.9.2.2").status_code == 302


def test_the_notification_carries_nothing_the_sender_typed(
    client, coordinator, sent_mail, settings
):
    client.post(URL, SPAM)
    [message] = sent_mail()
    assert message.reply_to == []
    text = message.subject + message.body
    assert "evil.example" not in text and "Gewinnspiel" not in text
    assert settings.SITE_URL + reverse("feedback_list") in message.body
    assert message.subject == "Neue Rückmeldung zur Barrierefreiheit"


def test_coordinators_read_the_feedback_as_text_and_clear_it(client, coordinator):
    client.post(URL, SPAM)
    feedback = Feedback.objects.get()
    client.force_login(coordinator)
    html = client.get(reverse("feedback_list")).content.decode()
    assert "Gewinnspiel!" in html and "spam@evil.example" in html
    assert 'href="https://evil.example' not in html  # shown, never linked
    response = client.post(reverse("feedback_list"), {"done": feedback.pk})
    assert response.status_code == 302 and not Feedback.objects.exists()
    assert client.post(reverse("feedback_list"), {"done": "x"}).status_code == 400


def test_only_coordinators_read_the_feedback(client, member):
    client.post(URL, {"message": "Barriere"})
    assert client.get(reverse("feedback_list")).status_code == 302
    client.force_login(member)
    assert client.get(reverse("feedback_list")).status_code == 403
    assert client.post(reverse("feedback_list"), {"done": "1"}).status_code == 403
    assert Feedback.objects.count() == 1
