"""Security baseline: deployment check, headers, rate limits, error pages,
health check and request logs."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import override_settings
from django.urls import reverse

from tests.factories import make_organisation

ROOT = Path(__file__).resolve().parents[2]

# Not from the test run: DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests.
IGNORED_ENVIRONMENT = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "HTTPS"}
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-" + "k7Qz" * 12,
    "ALLOWED_HOSTS": "mo-portal.example",
    "DATABASE_URL": "postgres://portal@db.example:5432/portal",
    "REDIS_URL": "redis://cache.example:6379/0",
    "EMAIL_HOST": "smtp.example",
    "SITE_URL": "https://mo-portal.example",
}


def test_production_settings_pass_check_deploy_without_a_warning():
    environment = {k: v for k, v in os.environ.items() if k not in IGNORED_ENVIRONMENT}
    environment.update(PRODUCTION)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)" not in result.stderr
    assert "no issues" in result.stdout


def test_without_redis_check_deploy_warns_that_limits_are_per_process():
    environment = {k: v for k, v in os.environ.items() if k not in IGNORED_ENVIRONMENT}
    environment.update({k: v for k, v in PRODUCTION.items() if k != "REDIS_URL"})
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "portal.W001" in result.stdout + result.stderr


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy_and_other_headers(client):
    response = client.get(reverse("home"))
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_only_the_widget_may_be_framed(client):
    make_organisation("Kontakt e. V.")
    response = client.get(reverse("widget"))
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_no_page_template_has_inline_script_or_style():
    """The policy forbids them; a template that used one would break in browsers."""
    import re

    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"<style\b", text):
            offenders.append(str(path.relative_to(ROOT)))
        if re.search(r"\son[a-z]+\s*=\s*[\"']", text) or re.search(r"\sstyle\s*=", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders


@pytest.mark.django_db
@override_settings(
    SECURE_SSL_REDIRECT=True,
    SECURE_HSTS_SECONDS=31536000,
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
)
def test_https_redirect_hsts_and_secure_cookies(client, member):
    plain = client.get(reverse("login"))
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    # Load balancers probe over plain HTTP.
    assert client.get(reverse("healthz")).status_code == 200
    secure = client.get(reverse("login"), secure=True)
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")
    csrf = secure.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
    response = client.post(
        reverse("login"), {"username": member.email, "password": "pw"}, secure=True
    )
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


# Rate limits -------------------------------------------------------------


def _post_until_limited(client, url, data, limit, **kwargs):
    statuses = [client.post(url, data, **kwargs).status_code for _ in range(limit + 1)]
    return statuses


@pytest.mark.django_db
@override_settings(
    RATE_LIMITS={"login": "3/m", "login_account": "9/m", "signup": "2/m", "password_reset": "2/m"}
)
def test_login_signup_and_reset_are_rate_limited_per_address(client):
    login = _post_until_limited(
        client, reverse("login"), {"username": "x@example.org", "password": "?"}, 3
    )
    assert login[:3] == [200, 200, 200] and login[3] == 429
    signup = _post_until_limited(client, reverse("signup"), {"email": "kaputt"}, 2)
    assert signup[:2] == [400, 400] and signup[2] == 429
    reset = _post_until_limited(
        client, reverse("password_reset"), {"email": "a@example.org"}, 2, REMOTE_ADDR="10.0.0.9"
    )
    assert reset[2] == 429
    page = client.post(reverse("signup"), {"email": "kaputt"})
    assert "Zu viele Versuche" in page.content.decode()
    assert page["Retry-After"]
    # Another address is not affected.
    other = client.post(reverse("signup"), {"email": "kaputt"}, REMOTE_ADDR="10.1.1.1")
    assert other.status_code == 400


@pytest.mark.django_db
@override_settings(
    RATE_LIMITS={"password_reset": "2/m", "login": "9/m", "login_account": "9/m", "signup": "9/m"}
)
def test_password_reset_is_also_limited_per_address_asked_for(client):
    url = reverse("password_reset")
    for number in range(2):
        client.post(url, {"email": "ziel@example.org"}, REMOTE_ADDR=f"10.2.0.{number}")
    response = client.post(url, {"email": "ziel@example.org"}, REMOTE_ADDR="10.2.0.99")
    assert response.status_code == 429


@pytest.mark.django_db
@override_settings(CLIENT_IP_HEADER="HTTP_X_REAL_IP")
def test_behind_the_proxy_the_client_address_comes_from_its_header(rf):
    from core.security import client_ip

    request = rf.get("/", HTTP_X_REAL_IP="203.0.113.7", REMOTE_ADDR="127.0.0.1")
    assert client_ip(request) == "203.0.113.7"


@pytest.mark.django_db
def test_cooperation_requests_are_rate_limited_per_user(client, institution_user, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "request": "2/h"}
    organisation = make_organisation("Kontakt e. V.", slug="kontakt")
    client.force_login(institution_user)
    url = reverse("cooperation:new", args=[organisation.slug])
    statuses = [client.post(url, {}).status_code for _ in range(3)]
    assert statuses[2] == 429 and 429 not in statuses[:2]


@pytest.mark.django_db
def test_interest_messages_are_rate_limited_per_user(client, editor_a, settings):
    from directory.vocabulary import get_vocabulary
    from support.models import SupportOffer

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "interest": "1/h"}
    offer = SupportOffer.objects.create(
        title="Coaching",
        provider_name="IQ",
        on_request=True,
        format=get_vocabulary().get("support_format", "coaching"),
    )
    client.force_login(editor_a)
    url = reverse("support:offer", args=[offer.pk])
    assert client.post(url, {}).status_code != 429
    assert client.post(url, {}).status_code == 429


@pytest.mark.django_db
def test_the_api_is_throttled_in_the_shared_cache(client, settings):
    from django.core.cache import cache
    from rest_framework.settings import api_settings

    assert "AnonRateThrottle" in str(api_settings.DEFAULT_THROTTLE_CLASSES)
    with mock.patch("rest_framework.throttling.AnonRateThrottle.get_rate", return_value="2/m"):
        statuses = [client.get("/api/terms/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    # The counter lives in the configured cache (Redis in production), so every
    # server process counts the same requests.
    assert len(cache.get("throttle_anon_127.0.0.1")) == 2


# Error pages, outage and health check --------------------------------------


@pytest.mark.django_db
def test_a_missing_page_is_a_friendly_404_in_both_languages(client):
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()
    client.cookies["django_language"] = "en"
    english = client.get("/gibt-es-nicht/")
    assert "Page not found" in english.content.decode()


@pytest.mark.django_db
def test_while_the_database_is_unreachable_pages_answer_a_friendly_503(client):
    client.raise_request_exception = False
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("could not connect to server: Connection refused"),
    ):
        response = client.get(reverse("directory:organisation_list"))
    body = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "Vorübergehend nicht erreichbar" in body
    assert "Traceback" not in body and "OperationalError" not in body


@pytest.mark.django_db
def test_a_programming_error_is_a_friendly_500_without_details(client):
    client.raise_request_exception = False
    with mock.patch("portal.views.render", side_effect=ValueError("geheim")):
        response = client.get(reverse("home") + "?x=1")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Ein Fehler ist aufgetreten" in body and "geheim" not in body


@pytest.mark.django_db
def test_healthz_reports_the_database(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200 and response.json()["status"] == "ok"
    assert "no-cache" in response["Cache-Control"]
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("server closed the connection unexpectedly"),
    ):
        broken = client.get(reverse("healthz"))
    assert broken.status_code == 503


# Request logs ---------------------------------------------------------------


@pytest.mark.django_db
def test_request_logs_are_json_lines_without_personal_data(client, member, caplog, settings):
    from core.logs import JsonFormatter

    client.force_login(member)
    with caplog.at_level(logging.INFO, logger="portal.requests"):
        response = client.get(
            reverse("directory:organisation_list") + "?q=Olga+Petrowa",
            REMOTE_ADDR="198.51.100.23",
            HTTP_USER_AGENT="Secret-Browser/1.0",
        )
        client.get(reverse("password_reset_confirm", args=["MTI", "abc-geheimtoken"]))
    records = [r for r in caplog.records if r.name == "portal.requests"]
    assert len(records) == 2
    lines = [json.loads(JsonFormatter().format(r)) for r in records]
    first = lines[0]
    assert first["route"] == "organisationen/"
    assert first["view"] == "directory:organisation_list"
    assert first["status"] == 200 and first["method"] == "GET"
    assert first["signed_in"] is True
    assert first["request_id"] == response["X-Request-ID"]
    assert isinstance(first["duration_ms"], float)
    text = json.dumps(lines)
    for secret in ("198.51.100.23", "Secret-Browser", "Olga", member.email, "geheimtoken"):
        assert secret not in text
    assert str(member.pk) not in [str(v) for v in first.values()]


# Malformed input found by the property-based tests ---------------------------


@pytest.mark.django_db
def test_nul_characters_in_a_form_are_refused_with_a_400(client, coordinator):
    client.force_login(coordinator)
    make_organisation("Zur Prüfung e. V.", slug="zur-pruefung", status="in_review")
    response = client.post(
        reverse("directory:assign_owner", args=["zur-pruefung"]), {"email": "\x00"}
    )
    assert response.status_code == 400
    assert "Ungültige Anfrage" in response.content.decode()


@pytest.mark.django_db
def test_an_overlong_login_name_is_an_error_next_to_the_field(client, member):
    response = client.post(reverse("login"), {"username": "ä" * 5000, "password": "x"})
    assert response.status_code == 200
    assert "höchstens" in response.content.decode() or "at most" in response.content.decode()
