"""Verified institutions (issue 15): contact data that MOs share "only with
institutions" is for verified institutions only."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from directory.models import Organisation
from directory.vocabulary import get_vocabulary
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db
User = get_user_model()

SECRET_MAIL = "nur-fuer-institutionen@verein.example.org"
SECRET_PHONE = "+49 385 999 111"


def _link(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0).split("/konto/", 1)[1]


@pytest.fixture
def restricted_mo():
    organisation = make_organisation("Verein Vertraulich e. V.", slug="vertraulich")
    Organisation.objects.filter(pk=organisation.pk).update(
        email=SECRET_MAIL,
        email_visibility="institutions",
        phone=SECRET_PHONE,
        phone_visibility="institutions",
    )
    return Organisation.objects.get(pk=organisation.pk)


def _sign_up_as_institution(client, sent_mail, email):
    vocab = get_vocabulary()
    client.post(
        reverse("signup"),
        {
            "account_type": "institution",
            "name": "Fake",
            "email": email,
            "password": "ein-langes-passwort-2026",
            "privacy": "on",
            "institution_name": "Fake-Amt",
            "institution_type": vocab.get("institution_type", "jobcenter").pk,
            "institution_state": vocab.get("state", "berlin").pk,
        },
    )
    [message] = [m for m in sent_mail() if m.to == [email]]
    response = client.post("/konto/" + _link(message), {"password": "ein-langes-passwort-2026"})
    assert response.status_code == 302
    return User.objects.get(email=email)


def test_a_free_mail_institution_sees_no_restricted_contact_on_the_profile(
    client, sent_mail, restricted_mo
):
    user = _sign_up_as_institution(client, sent_mail, "fake@gmx.de")
    assert user.is_active and not user.is_institution
    html = client.get(restricted_mo.get_absolute_url()).content.decode()
    assert SECRET_MAIL not in html and SECRET_PHONE not in html
