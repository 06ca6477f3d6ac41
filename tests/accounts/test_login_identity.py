"""One login identity (issue 14, finding 2): an e-mail address is the same person
whatever its case or surrounding spaces, for the login page and the admin's login,
for the lockout (django-axes) and for the rate limits."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db
User = get_user_model()

ADDRESS = "probe-plain@example.org"
PASSWORD = "richtiges-passwort-2026"
VARIANTS = [
    "Probe-Plain@example.org",
    "PROBE-PLAIN@EXAMPLE.ORG",
    " probe-plain@Example.org ",
    "pRoBe-PlAiN@example.ORG",
    "Probe-plain@Example.Org",
]


@pytest.fixture
def probe(db):
    return User.objects.create_user(email=ADDRESS, password=PASSWORD, name="Probe")


def _login(client, username, password, url=None):
    return client.post(url or reverse("login"), {"username": username, "password": password})


def _signed_in(client) -> bool:
    return client.get(reverse("account")).status_code == 200


@override_settings(RATELIMIT_ENABLE=False)  # the lockout alone, without the rate limit
def test_after_the_failure_limit_a_case_variant_with_the_right_password_is_refused(
    client, probe, settings
):
    failures = [_login(client, ADDRESS, "falsch") for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert [r.status_code for r in failures[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    response = _login(client, "Probe-Plain@example.org", PASSWORD)
    assert response.status_code == 429
    assert "Anmeldung vorübergehend gesperrt" in response.content.decode()
    assert not _signed_in(client)


@override_settings(RATELIMIT_ENABLE=False)
def test_failures_with_different_case_variants_count_against_one_lockout(client, probe, settings):
    for variant in VARIANTS[: settings.AXES_FAILURE_LIMIT]:
        _login(client, variant, "falsch")
    assert _login(client, ADDRESS, PASSWORD).status_code == 429
    assert not _signed_in(client)
    # One record for the person, under the address as it is stored.
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == [ADDRESS]


@override_settings(RATELIMIT_ENABLE=False)
def test_below_the_limit_a_case_variant_still_logs_in(client, probe, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, ADDRESS, "falsch")
    assert _login(client, " PROBE-plain@example.org ", PASSWORD).status_code == 302
    assert _signed_in(client)
    # A success resets the failures (AXES_RESET_ON_SUCCESS) of the one identity.
    assert not AccessAttempt.objects.filter(failures_since_start__gt=0).exists()


def test_the_login_form_normalises_the_address_once(rf):
    from accounts.forms import LoginForm

    form = LoginForm(rf.post("/"), data={"username": "  Probe-Plain@Example.ORG ", "password": "x"})
    form.is_valid()
    assert form.cleaned_data["username"] == ADDRESS


def test_the_lockout_and_the_rate_limit_read_the_same_identity(rf):
    from axes.helpers import get_client_username

    from core.security import login_identity, normalise_identity

    request = rf.post("/", {"username": "  Probe-Plain@Example.ORG "})
    assert normalise_identity("  Probe-Plain@Example.ORG ") == ADDRESS
    assert get_client_username(request) == ADDRESS
    assert get_client_username(request, {"username": "PROBE-plain@example.org"}) == ADDRESS
    assert login_identity("group", request) == ADDRESS
    # Nothing posted (a GET, or a form without the field): an empty identity.
    assert login_identity("group", rf.post("/", {})) == ""


def test_per_account_limit_counts_case_variants_from_many_addresses(client, probe, settings):
    """Guesses spread over many client addresses (each below the per-address limit
    and the per-address lockout) still meet the per-account limit."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": "100/m", "login_account": "3/m"}
    statuses = [
        client.post(
            reverse("login"),
            {"username": variant, "password": "falsch"},
            REMOTE_ADDR=f"10.9.0.{number}",
        ).status_code
        for number, variant in enumerate(VARIANTS[:4])
    ]
    assert statuses == [200, 200, 200, 429]
    # Another account is not affected.
    other = _login(client, "jemand-anderes@example.org", "falsch")
    assert other.status_code == 200


# The admin's login -------------------------------------------------------------


@pytest.fixture
def staff_coordinator(coordinator):
    coordinator.is_staff = True
    coordinator.save(update_fields=["is_staff"])
    return coordinator


def _admin_variants(email, count):
    local, domain = email.split("@")
    variants = []
    for number in range(count):
        bits = [c.upper() if (number >> (i % 8)) & 1 else c for i, c in enumerate(local)]
        variants.append("".join(bits) + "@" + (domain.upper() if number % 2 else domain))
    return variants


@override_settings(RATELIMIT_ENABLE=False)
def test_admin_login_25_case_variants_then_the_right_password_is_refused(client, staff_coordinator):
    url = reverse("admin:login")
    for variant in _admin_variants(staff_coordinator.email, 25):
        response = _login(client, variant, "falsch", url=url)
        assert response.status_code in (200, 429)  # the form again, then the lockout page
    response = _login(client, staff_coordinator.email.upper(), "pw", url=url)
    assert response.status_code == 429
    assert "Anmeldung vorübergehend gesperrt" in response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302  # still not signed in


@override_settings(RATELIMIT_ENABLE=False)
def test_admin_login_and_portal_login_share_one_lockout(client, staff_coordinator, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, staff_coordinator.email.title(), "falsch")
    response = _login(client, staff_coordinator.email, "pw", url=reverse("admin:login"))
    assert response.status_code == 429


@override_settings(RATELIMIT_ENABLE=False)
def test_admin_login_still_works_below_the_limit(client, staff_coordinator):
    response = _login(
        client, " " + staff_coordinator.email.upper(), "pw", url=reverse("admin:login")
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_admin_login_is_rate_limited_per_address_and_per_account(
    client, staff_coordinator, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": "2/m", "login_account": "50/m"}
    url = reverse("admin:login")
    statuses = [
        _login(client, f"x{n}@example.org", "falsch", url=url).status_code for n in range(3)
    ]
    assert statuses == [200, 200, 429]
    page = _login(client, staff_coordinator.email, "pw", url=url)
    assert page.status_code == 429 and page["Retry-After"]
    assert "Zu viele Versuche" in page.content.decode()
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": "100/m", "login_account": "2/m"}
    statuses = [
        client.post(
            url,
            {"username": variant, "password": "falsch"},
            REMOTE_ADDR=f"10.8.0.{number}",
        ).status_code
        for number, variant in enumerate(_admin_variants(staff_coordinator.email, 3))
    ]
    assert statuses == [200, 200, 429]


def test_a_locked_out_admin_login_answers_a_clean_page_in_english_too(client, staff_coordinator):
    client.cookies["django_language"] = "en"
    for variant in _admin_variants(staff_coordinator.email, 6):
        response = _login(client, variant, "falsch", url=reverse("admin:login"))
    assert response.status_code == 429
    assert "Sign-in temporarily blocked" in response.content.decode()


# Elsewhere an address is compared for identity ------------------------------------


def test_password_reset_finds_the_account_whatever_the_case(client, probe, sent_mail):
    client.post(reverse("password_reset"), {"email": " PROBE-Plain@Example.org "})
    assert [m.to for m in sent_mail()] == [[ADDRESS]]


def test_the_password_reset_limit_per_address_counts_case_variants(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset": "2/m"}
    url = reverse("password_reset")
    for number, variant in enumerate(VARIANTS[:2]):
        client.post(url, {"email": variant}, REMOTE_ADDR=f"10.7.0.{number}")
    response = client.post(url, {"email": VARIANTS[2]}, REMOTE_ADDR="10.7.0.99")
    assert response.status_code == 429


def test_an_address_is_unique_whatever_its_case(probe):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="Probe-Plain@Example.org", name="Zweite")
    assert User.objects.create_user(email=" PROBE-PLAIN@x.org", password="x", name="X").email == (
        "probe-plain@x.org"
    )
    # A model form (the admin) cleans the address into the same form and then
    # finds the other account with it.
    edited = User(email=" Probe-Plain@Example.ORG", name="Zweite")
    with pytest.raises(ValidationError) as error:
        edited.full_clean(exclude=["password"])
    assert edited.email == ADDRESS
    assert "email" in error.value.message_dict or "__all__" in error.value.message_dict


def test_an_invitation_to_a_case_variant_is_for_the_same_person(client, probe, editor_a, mo_a):
    from directory import team

    invitation = team.invitation_send(
        organisation=mo_a, email=" Probe-PLAIN@Example.org", by=editor_a, language="de"
    )
    assert invitation.email == ADDRESS
    client.force_login(probe)
    page = client.get(reverse("account"))
    assert mo_a.name in page.content.decode()
    response = client.post(
        reverse("directory:invitation_accept", args=[team.invitation_token(invitation)])
    )
    assert response.status_code == 302
    assert mo_a.memberships.filter(user=probe).exists()


def test_deleting_an_account_removes_its_lockout_records_of_every_case(client, probe):
    from accounts.services import delete_account

    _login(client, "PROBE-plain@example.org", "falsch")
    AccessAttempt.objects.create(
        username="Probe-Plain@Example.org", ip_address="10.0.0.1", failures_since_start=1
    )
    delete_account(probe)
    assert not AccessAttempt.objects.exists()
