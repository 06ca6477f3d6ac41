"""Cooperation requests: sending, privacy, conversation, decisions, limits, mail."""

import datetime
import socket

import pytest
from django.urls import reverse
from django.utils import timezone

from cooperation.models import CooperationRequest
from mailer.models import OutgoingMail
from mailer.services import deliver_due

pytestmark = pytest.mark.django_db

REQUEST = {
    "subject": "Erstberatung für russischsprachige Neuzugewanderte",
    "message": "Wir suchen einen Partner für die Erstberatung ab März.",
    "timeframe": "ab März 2027",
}


def _send(client, organisation, **extra):
    return client.post(reverse("cooperation:new", args=[organisation.slug]), {**REQUEST, **extra})


def test_an_institution_sends_a_request_and_the_mo_editors_are_notified(
    client, institution_user, mo_a, editor_a, sent_mail
):
    client.force_login(institution_user)
    response = _send(client, mo_a)
    cooperation_request = CooperationRequest.objects.get()
    assert response["Location"] == cooperation_request.get_absolute_url()
    assert cooperation_request.sender == institution_user and cooperation_request.status == "open"
    [message] = sent_mail()
    assert message.to == [editor_a.email] and "Neue Anfrage" in message.subject
    assert cooperation_request.get_absolute_url() in message.body

    client.force_login(editor_a)
    inbox = client.get(reverse("cooperation:inbox")).content.decode()
    assert REQUEST["subject"] in inbox


def test_only_the_mos_editors_and_the_sender_see_a_request(
    client, institution_user, mo_a, editor_a, editor_b, coordinator, member
):
    client.force_login(institution_user)
    _send(client, mo_a)
    url = CooperationRequest.objects.get().get_absolute_url()
    assert client.get(url).status_code == 200
    client.force_login(editor_a)
    assert client.get(url).status_code == 200
    for user in (editor_b, coordinator, member):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert REQUEST["subject"] not in client.get(reverse("cooperation:inbox")).content.decode()
    client.logout()
    assert client.get(url).status_code == 302


def test_the_conversation_and_the_decision(client, institution_user, mo_a, editor_a, sent_mail):
    client.force_login(institution_user)
    _send(client, mo_a)
    cooperation_request = CooperationRequest.objects.get()
    url = cooperation_request.get_absolute_url()
    sent_mail().clear()

    client.force_login(editor_a)
    client.post(url, {"body": "Gern! Wann passt ein Gespräch?"})
    assert [m.to for m in sent_mail()] == [[institution_user.email]]
    client.force_login(institution_user)
    client.post(url, {"body": "Am Dienstag?"})
    assert sent_mail()[-1].to == [editor_a.email]
    # The sender cannot decide for the MO.
    assert (
        client.post(
            reverse("cooperation:decide", args=[cooperation_request.pk]), {"decision": "accept"}
        ).status_code
        == 403
    )

    client.force_login(editor_a)
    client.post(
        reverse("cooperation:decide", args=[cooperation_request.pk]), {"decision": "accept"}
    )
    cooperation_request.refresh_from_db()
    assert cooperation_request.status == "accepted"
    assert "Angenommen" in sent_mail()[-1].subject
    client.force_login(institution_user)
    html = client.get(url).content.decode()
    assert "Gern! Wann passt ein Gespräch?" in html and "Am Dienstag?" in html
    assert "Angenommen" in html


def test_only_institution_users_send_and_only_to_open_mos(
    client, member, editor_b, institution_user, mo_a
):
    for user in (member, editor_b):
        client.force_login(user)
        assert _send(client, mo_a).status_code == 403
    mo_a.open_for_cooperation = False
    mo_a.save()
    client.force_login(institution_user)
    assert _send(client, mo_a).status_code == 302
    assert not CooperationRequest.objects.exists()


def test_the_mos_address_is_not_revealed_unless_allowed(client, institution_user, mo_a, editor_a):
    from directory.services import organisation_save

    mo_a.email, mo_a.email_visibility = "vorstand@verein-a.example", "hidden"
    organisation_save(organisation=mo_a, by=None)
    client.force_login(institution_user)
    _send(client, mo_a)
    for url in (mo_a.get_absolute_url(), CooperationRequest.objects.get().get_absolute_url()):
        assert "vorstand@verein-a.example" not in client.get(url).content.decode()


def test_a_rate_limit_per_sender(client, institution_user, mo_a, editor_a, settings):
    settings.REQUESTS_PER_DAY = 3
    client.force_login(institution_user)
    for _ in range(3):
        assert _send(client, mo_a).status_code == 302
    response = _send(client, mo_a)
    assert response.status_code == 429
    assert "viele Anfragen" in response.content.decode()
    assert CooperationRequest.objects.count() == 3


def test_no_header_injection_through_any_field(client, institution_user, mo_a, editor_a, sent_mail):
    client.force_login(institution_user)
    response = _send(client, mo_a, subject="Hallo\r\nBcc: opfer@example.org", timeframe="x\nBcc: y")
    assert response.status_code == 400
    assert "Bitte ohne Zeilenumbruch." in response.content.decode()
    assert not CooperationRequest.objects.exists()
    _send(client, mo_a, message="Zeile 1\r\nBcc: opfer@example.org\r\n")
    [message] = sent_mail()
    assert message.recipients() == [editor_a.email]


@pytest.fixture
def hanging_mail_server(settings):
    """A mail server that accepts connections and never answers (the SMTP
    backend would wait EMAIL_TIMEOUT for its greeting). Nothing ever accepts on
    it: a connection attempt stays in the listener's backlog, where the test
    finds it."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.setblocking(False)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = listener.getsockname()
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 1
    yield listener
    listener.close()


def _connection_attempts(listener):
    attempts = 0
    while True:
        try:
            connection, _address = listener.accept()
        except BlockingIOError:
            return attempts
        connection.close()
        attempts += 1


def test_a_request_only_queues_its_mail_and_never_waits_for_the_mail_server(
    client,
    institution_user,
    mo_a,
    editor_a,
    settings,
    hanging_mail_server,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    client.force_login(institution_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(client, mo_a)
    assert response.status_code == 302 and CooperationRequest.objects.exists()
    stored = OutgoingMail.objects.get(template="request-received")
    assert (stored.status, stored.attempts, stored.last_error) == ("pending", 0, "")
    assert _connection_attempts(hanging_mail_server) == 0  # no SMTP in the request

    # The worker meets the hanging server: one attempt, the mail waits.
    assert deliver_due() == (0, 1)
    stored.refresh_from_db()
    assert stored.status == "pending" and stored.attempts == 1 and "timed out" in stored.last_error
    assert _connection_attempts(hanging_mail_server) == 1

    # The mail server is back: the retry goes out, with the Message-ID it was queued with.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    deliver_due(now=timezone.now() + datetime.timedelta(hours=1))
    [message] = mailoutbox
    assert message.to == [editor_a.email]
    assert message.message()["Message-ID"] == stored.message_id
    assert OutgoingMail.objects.get(pk=stored.pk).status == "sent"


def test_profile_shows_request_and_shortlist_buttons_to_institution_users_only(
    client, institution_user, mo_a, member
):
    client.force_login(institution_user)
    html = client.get(mo_a.get_absolute_url()).content.decode()
    assert reverse("cooperation:new", args=[mo_a.slug]) in html
    assert reverse("shortlist_toggle", args=[mo_a.slug]) in html
    client.force_login(member)
    assert (
        reverse("cooperation:new", args=[mo_a.slug])
        not in client.get(mo_a.get_absolute_url()).content.decode()
    )
