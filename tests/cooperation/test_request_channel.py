"""Cooperation requests and replies: limited per sender and per target; the mail
carries no sender-chosen subject and quotes what the sender typed (issue 14,
finding 4)."""

import re

import pytest
from django.urls import reverse

from cooperation.models import CooperationRequest
from tests import personas

pytestmark = pytest.mark.django_db

REQUEST = {
    "subject": "Gewinn abholen: https://evil.example",
    "message": "Wir suchen einen Partner.",
    "timeframe": "ab März",
}


def _institution(number):
    return personas.create(
        "institution", email=f"jobcenter{number}@example.org", name=f"Person {number}"
    )


def test_requests_to_one_organisation_are_limited_across_senders(client, mo_a, editor_a, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "contact_target": "2/h"}
    url = reverse("cooperation:new", args=[mo_a.slug])
    statuses = []
    for number in range(3):
        client.force_login(_institution(number))
        statuses.append(client.post(url, REQUEST).status_code)
    assert statuses == [302, 302, 429]
    assert CooperationRequest.objects.count() == 2


def test_replies_in_one_conversation_are_limited(
    client, institution_user, mo_a, editor_a, settings
):
    client.force_login(institution_user)
    client.post(reverse("cooperation:new", args=[mo_a.slug]), REQUEST)
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "contact_target": "2/h"}
    url = CooperationRequest.objects.get().get_absolute_url()
    statuses = [client.post(url, {"body": f"Nachricht {n}"}).status_code for n in range(2)]
    client.force_login(editor_a)
    statuses.append(client.post(url, {"body": "Antwort"}).status_code)
    assert statuses == [302, 302, 429]


def test_the_request_mail_has_a_fixed_subject_and_quotes_the_sender(
    client, institution_user, mo_a, editor_a, sent_mail, settings
):
    client.force_login(institution_user)
    client.post(reverse("cooperation:new", args=[mo_a.slug]), REQUEST)
    [message] = sent_mail()
    assert message.subject == "Neue Anfrage über das MO-Portal"
    assert message.reply_to == []  # answered in the portal, not by mail
    body = message.body
    assert institution_user.name in body and institution_user.email in body
    assert "(vom Portal nicht geprüft)" in body
    assert "https://evil.example" not in body
    assert all(link.startswith("http://testserver/") for link in re.findall(r"https?://\S+", body))

    client.force_login(editor_a)
    client.post(CooperationRequest.objects.get().get_absolute_url(), {"body": "Gern!"})
    reply = sent_mail()[-1]
    assert reply.to == [institution_user.email]
    assert "evil" not in reply.subject and reply.subject == "Neue Antwort im MO-Portal"
    assert editor_a.name in reply.body and "https://evil.example" not in reply.body
