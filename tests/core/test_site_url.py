"""SITE_URL (issue 15): unset, links in mails follow the address the portal was
reached at; set (production), it wins; check --deploy warns without it."""

import re

import pytest
from django.urls import reverse

from core.checks import site_url_set
from mailer.models import OutgoingMail
from mailer.services import queue_mail

pytestmark = pytest.mark.django_db

REQUEST = {"subject": "Sprachmittlung", "message": "Wir suchen Partner.", "timeframe": "ab Mai"}


def _links(mail):
    return re.findall(r"https?://[^\s\"<>]+", mail.body_text + mail.body_html)


def _request_mail(client, institution_user, organisation, **extra):
    client.force_login(institution_user)
    url = reverse("cooperation:new", args=[organisation.slug])
    assert client.post(url, REQUEST, **extra).status_code == 302
    return OutgoingMail.objects.get(template="request-received")


def test_a_mail_queued_during_a_request_links_to_that_host_and_port(
    client, institution_user, mo_a, editor_a, settings
):
    settings.SITE_URL = ""
    mail = _request_mail(client, institution_user, mo_a, HTTP_HOST="127.0.0.1:8765")
    links = _links(mail)
    assert links and all(link.startswith("http://127.0.0.1:8765/") for link in links)
    assert "http://127.0.0.1:8765/anfragen/" in mail.body_text


def test_a_configured_site_url_wins_over_the_request(
    client, institution_user, mo_a, editor_a, settings
):
    settings.SITE_URL = "https://mo-portal.example"
    mail = _request_mail(client, institution_user, mo_a, HTTP_HOST="127.0.0.1:8765")
    links = _links(mail)
    assert links and all(link.startswith("https://mo-portal.example/") for link in links)


def test_outside_a_request_links_use_the_default(settings, client, mo_a):
    settings.SITE_URL = ""
    settings.SITE_URL_DEFAULT = "http://127.0.0.1:8765"
    client.get(reverse("home"), HTTP_HOST="localhost")  # a request before does not linger
    mail = queue_mail(
        to="x@example.org", template="review-approved", context={"organisation": mo_a}
    )
    assert "http://127.0.0.1:8765" + mo_a.get_absolute_url() in mail.body_text
    assert "localhost" not in mail.body_text


def test_check_deploy_warns_without_site_url(settings):
    settings.SITE_URL = ""
    assert [m.id for m in site_url_set(None)] == ["portal.W002"]
    settings.SITE_URL = "https://mo-portal.example"
    assert site_url_set(None) == []
