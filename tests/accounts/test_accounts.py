"""Sign-up with verification, login, lockout, password change and reset."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.test import override_settings
from django.urls import reverse

from directory.vocabulary import get_vocabulary

pytestmark = pytest.mark.django_db
User = get_user_model()


def _link(message) -> str:
    return (
        re.search(r"https?://\S+", message.body)
        .group(0)
        .split("testserver", 1)[-1]
        .replace("http://127.0.0.1:8000", "")
    )


def _can_login(client, email, password) -> bool:
    response = client.post(reverse("login"), {"username": email, "password": password})
    return response.status_code == 302


def _signup(client, **extra):
    data = {
        "account_type": "organisation",
        "name": "Olga Petrowa",
        "email": "Olga@Example.org",
        "password": "ein-langes-passwort-2026",
        "privacy": "on",
        **extra,
    }
    return client.post(reverse("signup"), data)


def test_sign_up_sends_a_verification_link_that_activates_the_account(client, sent_mail):
    response = _signup(client)
    assert response.status_code == 200
    assert "Bitte bestätigen Sie Ihre E-Mail-Adresse" in response.content.decode()
    user = User.objects.get(email="olga@example.org")
    assert not user.is_active
    assert not _can_login(client, "olga@example.org", "ein-langes-passwort-2026")

    [message] = sent_mail()
    assert message.to == ["olga@example.org"]
    assert client.get(_link(message)).status_code == 200  # asks for the password
    response = client.post(_link(message), {"password": "ein-langes-passwort-2026"})
    assert response.status_code == 302 and response["Location"] == reverse("account")
    user.refresh_from_db()
    assert user.is_active and user.email_verified_at is not None
    assert client.get(reverse("account")).status_code == 200


def test_a_forged_or_expired_link_is_refused(client, sent_mail):
    _signup(client)
    [message] = sent_mail()
    link = _link(message)
    password = {"password": "ein-langes-passwort-2026"}
    assert client.get(link[:-3] + "xyz/").status_code == 400
    assert client.post(link[:-3] + "xyz/", password).status_code == 400
    with override_settings(EMAIL_VERIFICATION_DAYS=-1):
        assert client.get(link).status_code == 400
        assert client.post(link, password).status_code == 400
    assert not User.objects.get(email="olga@example.org").is_active


def test_institution_accounts_need_their_institution(client):
    response = _signup(client, account_type="institution")
    assert response.status_code == 400
    html = response.content.decode()
    form = html[html.index("<form") :]  # beside each field (the summary above lists them too)
    assert form.count("Bitte für Institutionen angeben.") == 3
    assert "Olga Petrowa" in html  # what was typed is still there
    vocab = get_vocabulary()
    response = _signup(
        client,
        account_type="institution",
        institution_name="Jobcenter Schwerin",
        institution_type=vocab.get("institution_type", "jobcenter").pk,
        institution_state=vocab.get("state", "mecklenburg-vorpommern").pk,
    )
    assert response.status_code == 200
    user = User.objects.get(email="olga@example.org")
    assert user.account_type == "institution" and user.institution_name == "Jobcenter Schwerin"


def test_weak_passwords_and_missing_consent_are_refused_next_to_the_field(client):
    response = _signup(client, password="12345678", privacy="")
    assert response.status_code == 400
    assert not User.objects.exists()
    html = response.content.decode()
    assert 'id="error_1_id_password"' in html or "id_password" in html
    assert "Dieses Feld ist zwingend erforderlich." in html


def test_sign_up_does_not_reveal_existing_addresses(client, member, sent_mail):
    first = _signup(client, email="mitglied@example.org")
    second = _signup(client, email="neu@example.org")

    def strip(response):
        html = response.content.decode()
        return html.replace("mitglied@example.org", "X").replace("neu@example.org", "X")

    assert first.status_code == second.status_code == 200
    assert strip(first).split("<main", 1)[1] == strip(second).split("<main", 1)[1]
    templates = sorted(m.subject for m in sent_mail())
    assert templates == [
        "Bitte bestätigen Sie Ihre E-Mail-Adresse",
        "Sie haben schon ein Konto im MO-Portal",
    ]
    assert User.objects.filter(email__iexact="mitglied@example.org").count() == 1


def test_login_with_email_case_insensitive_and_logout(client, member):
    response = client.post(reverse("login"), {"username": "MITGLIED@example.org", "password": "pw"})
    assert response.status_code == 302
    assert client.get(reverse("account")).status_code == 200
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert client.get(reverse("account")).status_code == 302


def test_repeated_failed_logins_lock_the_account(client, member):
    for _ in range(5):
        client.post(reverse("login"), {"username": member.email, "password": "falsch"})
    response = client.post(reverse("login"), {"username": member.email, "password": "pw"})
    assert response.status_code == 429
    assert "Anmeldung vorübergehend gesperrt" in response.content.decode()
    assert client.get(reverse("account")).status_code == 302


def test_production_hashing_is_argon2():
    from config import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        assert make_password("secret").startswith("argon2$")


def test_password_reset_sends_a_working_link_without_revealing_accounts(client, member, sent_mail):
    known = client.post(reverse("password_reset"), {"email": member.email})
    unknown = client.post(reverse("password_reset"), {"email": "niemand@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    message, note = sent_mail()
    assert message.to == [member.email]
    # The unknown address gets a note (the same work as for a known one).
    assert note.to == ["niemand@example.org"]
    assert "kein aktives Konto" in note.body and reverse("signup") in note.body
    assert "/konto/passwort-neu/" not in note.body
    confirm = client.get(_link(message), follow=True)
    assert confirm.status_code == 200
    form_url = confirm.redirect_chain[-1][0]
    client.post(
        form_url,
        {"new_password1": "ganz-neues-passwort-7", "new_password2": "ganz-neues-passwort-7"},
    )
    assert _can_login(client, member.email, "ganz-neues-passwort-7")


def test_password_change(client, member):
    client.force_login(member)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "pw",
            "new_password1": "noch-ein-passwort-9",
            "new_password2": "noch-ein-passwort-9",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password("noch-ein-passwort-9")


def test_resend_verification_answers_the_same_for_every_address(client, sent_mail):
    _signup(client)
    sent_mail().clear()
    a = client.post(reverse("resend_verification"), {"email": "olga@example.org"})
    b = client.post(reverse("resend_verification"), {"email": "niemand@example.org"})
    assert a.status_code == b.status_code == 200
    assert [m.to for m in sent_mail()] == [["olga@example.org"]]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/admin/portal/user/", "/admin/accounts/user/"),
        ("/admin/portal/user/7/change/?_changelist_filters=x", "/admin/accounts/user/7/change/"),
    ],
)
def test_the_old_admin_addresses_of_accounts_redirect_to_the_new_ones(admin_client, old, new):
    response = admin_client.get(old)
    assert response.status_code == 301
    assert response["Location"].startswith(new)


def test_the_old_admin_addresses_of_accounts_are_for_staff_only(client):
    response = client.get("/admin/portal/user/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
