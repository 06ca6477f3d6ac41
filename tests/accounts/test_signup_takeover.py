"""Issue 14, findings 1 and 3: a registration nobody else can take over, and a
verification link that verifies once, asks for the password and never signs
anybody in by itself."""

import datetime
import io
import re
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts import services
from directory.models import Membership
from directory.vocabulary import get_vocabulary
from mailer.models import OutgoingMail
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db
User = get_user_model()

VICTIM = "victim@example.org"
PASSWORD_A = "angreifer-passwort-2026"  # the attacker's
PASSWORD_B = "opfer-passwort-2026"  # the victim's


def _link(message) -> str:
    url = re.search(r"https?://\S+", message.body).group(0)
    return url.split("testserver", 1)[-1].replace("http://127.0.0.1:8000", "")


def _signup(client, **extra):
    data = {
        "account_type": "organisation",
        "name": "Olga Petrowa",
        "email": "olga@example.org",
        "password": "ein-langes-passwort-2026",
        "privacy": "on",
        **extra,
    }
    return client.post(reverse("signup"), data)


def _signed_in_as(client):
    return client.session.get("_auth_user_id")


def _can_login(email, password) -> bool:
    response = Client().post(reverse("login"), {"username": email, "password": password})
    return response.status_code == 302


def _row(email):
    return User.objects.filter(email__iexact=email).values().get()


def _mail_to(sent_mail, address):
    return [m for m in sent_mail() if m.to == [address]][-1]


# Finding 1: taking over an account by registering the address first.


def test_a_pre_registration_gives_the_attacker_nothing(sent_mail):
    vocab = get_vocabulary()
    attacker, victim = Client(), Client()
    _signup(
        attacker,
        email=VICTIM,
        password=PASSWORD_A,
        name="Mallory",
        account_type="institution",
        institution_name="Angreifer GmbH",
        institution_type=vocab.get("institution_type", "jobcenter").pk,
        institution_state=vocab.get("state", "berlin").pk,
    )
    attacker_link = _link(_mail_to(sent_mail, VICTIM))
    response = _signup(victim, email="Victim@Example.org", password=PASSWORD_B, name="Vera Opfer")
    assert response.status_code == 200
    victim_link = _link(_mail_to(sent_mail, VICTIM))
    assert User.objects.filter(email__iexact=VICTIM).count() == 1

    # The earlier registrant's link is gone, with or without their password.
    assert attacker.get(attacker_link).status_code == 400
    assert attacker.post(attacker_link, {"password": PASSWORD_A}).status_code == 400
    assert _signed_in_as(attacker) is None

    response = victim.post(victim_link, {"password": PASSWORD_B})
    assert response.status_code == 302 and response["Location"] == reverse("account")
    user = User.objects.get(email__iexact=VICTIM)
    assert _signed_in_as(victim) == str(user.pk)
    assert user.is_active and user.email_verified_at is not None
    assert user.name == "Vera Opfer"
    assert user.account_type == "organisation" and not user.is_institution
    assert user.institution_name == "" and user.institution_type is None
    assert user.institution_state is None

    assert not _can_login(VICTIM, PASSWORD_A)
    assert _can_login(VICTIM, PASSWORD_B)
    # Afterwards the attacker's link only says the address is confirmed.
    fresh = Client()
    response = fresh.post(attacker_link, {"password": PASSWORD_A})
    assert response.status_code == 200 and _signed_in_as(fresh) is None


def test_a_sign_up_for_an_account_in_use_changes_nothing_and_tells_the_owner(
    client, member, coordinator, sent_mail
):
    member.email_verified_at = timezone.now()
    member.save()
    # The coordinator's account was made by an administrator: active, but its
    # address was never verified. It is somebody's account all the same.
    assert coordinator.is_active and coordinator.email_verified_at is None
    for account in (member, coordinator):
        before = _row(account.email)
        response = _signup(client, email=account.email.upper(), password=PASSWORD_A, name="Mallory")
        assert response.status_code == 200
        assert _row(account.email) == before
        note = _mail_to(sent_mail, account.email)
        assert note.subject == "Sie haben schon ein Konto im MO-Portal"
        assert _can_login(account.email, "pw")
        assert not _can_login(account.email, PASSWORD_A)


def test_a_sign_up_racing_another_for_the_same_new_address_replaces_it(client, sent_mail):
    """The INSERT of the second of two parallel sign-ups hits the unique
    constraint (its SELECT ran before the first one committed): it replaces the
    first registration instead of failing with a 500."""
    _signup(client, email=VICTIM, password=PASSWORD_A, name="Erste")
    first = _row(VICTIM)
    with mock.patch.object(services, "_registration_for", side_effect=[None, User.objects.get()]):
        response = _signup(Client(), email=VICTIM, password=PASSWORD_B, name="Zweite")
    assert response.status_code == 200
    row = _row(VICTIM)
    assert row["id"] == first["id"] and row["name"] == "Zweite"
    assert row["password"] != first["password"]
    assert User.objects.get().check_password(PASSWORD_B)
    link = _link(_mail_to(sent_mail, VICTIM))
    assert Client().post(link, {"password": PASSWORD_B}).status_code == 302


# Finding 3: the verification link is a reusable login link.


def test_following_the_link_asks_for_the_password_and_changes_nothing(client, sent_mail):
    _signup(client)
    link = _link(_mail_to(sent_mail, "olga@example.org"))
    before = _row("olga@example.org")
    scanner = Client()
    for _ in range(2):  # a mail scanner opens the link first, then the person
        response = scanner.get(link)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Bitte geben Sie Ihr Passwort ein, um Ihre Adresse zu bestätigen." in html
        assert "olga@example.org" in html
        assert re.search(r'<input[^>]+autocomplete="current-password"', html)
    assert _row("olga@example.org") == before
    assert _signed_in_as(scanner) is None
    assert scanner.get(reverse("account")).status_code == 302


def test_a_wrong_password_is_refused_next_to_the_field(client, sent_mail):
    _signup(client)
    link = _link(_mail_to(sent_mail, "olga@example.org"))
    visitor = Client()
    for data in ({"password": "falsch"}, {}):
        response = visitor.post(link, data)
        assert response.status_code == 400
        assert 'id="id_password"' in response.content.decode()
    assert "Das Passwort stimmt nicht." in visitor.post(link, {"password": "x"}).content.decode()
    assert not User.objects.get().is_active
    assert _signed_in_as(visitor) is None


def test_the_link_verifies_once_and_never_signs_in_again(client, sent_mail):
    _signup(client)
    link = _link(_mail_to(sent_mail, "olga@example.org"))
    person = Client()
    assert person.post(link, {"password": "ein-langes-passwort-2026"}).status_code == 302
    verified_at = User.objects.get().email_verified_at
    assert verified_at is not None

    # The same person submits again (double click, back button): to the account.
    response = person.post(link, {"password": "ein-langes-passwort-2026"})
    assert response.status_code == 302 and response["Location"] == reverse("account")
    assert person.get(link)["Location"] == reverse("account")

    # Anybody else, even with the password: only "already confirmed".
    for method in ("get", "post"):
        fresh = Client()
        response = getattr(fresh, method)(link, {"password": "ein-langes-passwort-2026"})
        assert response.status_code == 200
        html = response.content.decode()
        assert "Diese E-Mail-Adresse ist bereits bestätigt." in html
        assert reverse("login") in html
        assert _signed_in_as(fresh) is None
    assert User.objects.get().email_verified_at == verified_at


def test_the_link_signs_nobody_in_after_a_password_reset(client, sent_mail):
    _signup(client)
    link = _link(_mail_to(sent_mail, "olga@example.org"))
    assert Client().post(link, {"password": "ein-langes-passwort-2026"}).status_code == 302
    client.post(reverse("password_reset"), {"email": "olga@example.org"})
    reset = Client()
    confirm = reset.get(_link(_mail_to(sent_mail, "olga@example.org")), follow=True)
    reset.post(
        confirm.redirect_chain[-1][0],
        {"new_password1": "ganz-neues-passwort-7", "new_password2": "ganz-neues-passwort-7"},
    )
    assert User.objects.get().check_password("ganz-neues-passwort-7")
    for password in ("ein-langes-passwort-2026", "ganz-neues-passwort-7"):
        fresh = Client()
        fresh.get(link)
        fresh.post(link, {"password": password})
        assert _signed_in_as(fresh) is None


def test_a_password_change_invalidates_a_pending_link():
    user = User.objects.create_user(email="neu@example.org", password="alt", is_active=False)
    link = reverse("verify_email", args=[services.verification_token(user)])
    user.set_password("neu-und-lang-2026")
    user.save()
    response = Client().post(link, {"password": "neu-und-lang-2026"})
    assert response.status_code == 400
    assert "Der Link ist nicht mehr gültig" in response.content.decode()
    assert not User.objects.get().is_active


@override_settings(RATE_LIMITS={"login": "2/m", "signup": "9/m", "password_reset": "9/m"})
def test_password_guesses_at_the_link_are_rate_limited(client, sent_mail):
    _signup(client)
    link = _link(_mail_to(sent_mail, "olga@example.org"))
    statuses = [client.post(link, {"password": "falsch"}).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]


# Unverified registrations expire.


def test_purge_unverified_deletes_only_stale_registrations_nobody_used(sent_mail):
    now = timezone.now()
    old = now - datetime.timedelta(days=4)

    def account(email, **fields):
        fields = {"is_active": False, "date_joined": old, **fields}
        return User.objects.create_user(email=email, password="pw", name=email, **fields)

    stale = account("stale@example.org")
    services.send_verification(stale)
    kept = [
        account("fresh@example.org", date_joined=now - datetime.timedelta(days=2)),
        account("verified@example.org", email_verified_at=old),  # deactivated later
        account("active@example.org", is_active=True),  # made by an administrator
        account("signed-in@example.org", last_login=old),
        account("member@example.org"),
    ]
    Membership.objects.create(
        user=kept[-1], organisation=make_organisation("Verein e. V."), role="editor"
    )
    out = io.StringIO()
    call_command("purge_unverified", stdout=out)
    assert "1" in out.getvalue()
    assert not User.objects.filter(pk=stale.pk).exists()
    assert not OutgoingMail.objects.filter(to="stale@example.org").exists()
    assert set(User.objects.values_list("pk", flat=True)) == {u.pk for u in kept}
    with override_settings(EMAIL_VERIFICATION_DAYS=1):
        assert services.purge_unverified(now=now) == 1  # now "fresh" is stale too


def test_a_verification_completes_once_and_not_after_its_registration_was_replaced():
    """The state is checked again under the row lock: of two submissions that both
    passed the form, one verifies; a registration replaced in between stays
    unverified."""
    fields = {"language": "de", "account_type": "organisation"}
    user = services.signup(email="a@example.org", password=PASSWORD_A, name="A", **fields)
    verification = services.read_verification_token(services.verification_token(user))
    assert verification.current
    assert services.complete_verification(verification).pk == user.pk
    assert services.complete_verification(verification) is None

    user = services.signup(email="b@example.org", password=PASSWORD_A, name="A", **fields)
    verification = services.read_verification_token(services.verification_token(user))
    services.signup(email="b@example.org", password=PASSWORD_B, name="B", **fields)
    assert services.complete_verification(verification) is None
    assert User.objects.get(email="b@example.org").email_verified_at is None


def test_the_note_to_an_unknown_address_is_translated():
    from mailer.services import render_mail

    context = {"signup_url": "https://mo-portal.example/konto/registrieren/"}
    subject, text, _html = render_mail("password-reset-unknown", context, "en")
    assert subject == "New password for the MO-Portal"
    assert "there is no active account with this address" in text
    assert context["signup_url"] in text
    assert "ignore this e-mail" in text
