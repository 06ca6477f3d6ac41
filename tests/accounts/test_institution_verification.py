"""Verified institutions (issue 15): contact data that MOs share "only with
institutions" is for verified institutions only; verification by the allow-list
of official e-mail domains or by a coordinator's decision; revocation; the badge
on requests; MOs report accounts."""

import csv
import importlib
import io
import json
import re

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from accounts import services
from accounts.domains import domain_matches, matching_entry
from accounts.models import AccountReport, InstitutionVerification, OfficialDomain
from cooperation.models import CooperationRequest
from directory.vocabulary import get_vocabulary
from mailer.models import OutgoingMail
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db
User = get_user_model()

SECRET_MAIL = "nur-fuer-institutionen@verein.example.org"
SECRET_PHONE = "+49 385 999 111"
PASSWORD = "ein-langes-passwort-2026"


@pytest.fixture(autouse=True)
def shipped_allow_list():
    """The data migration's entries, also after a database flush by another test."""
    services.official_domains_seed()


@pytest.fixture
def restricted_mo():
    """A published MO that shares its e-mail address and phone with institutions only."""
    return make_organisation(
        "Verein Vertraulich e. V.",
        slug="vertraulich",
        email=SECRET_MAIL,
        email_visibility="institutions",
        phone=SECRET_PHONE,
        phone_visibility="institutions",
        has_rooms=True,
        roles=["kooperationspartner"],
    )


def _link(message) -> str:
    url = re.search(r"https?://\S+", message.body).group(0)
    return "/konto/" + url.split("/konto/", 1)[1]


def _sign_up_as_institution(client, sent_mail, email, language="de"):
    """Sign up as "Fake-Amt", follow the mailed link and confirm with the password."""
    vocab = get_vocabulary()
    client.post(
        reverse("signup"),
        {
            "account_type": "institution",
            "name": "Fritz Fake",
            "email": email,
            "password": PASSWORD,
            "privacy": "on",
            "institution_name": "Fake-Amt",
            "institution_type": vocab.get("institution_type", "jobcenter").pk,
            "institution_state": vocab.get("state", "berlin").pk,
        },
    )
    [message] = [m for m in sent_mail() if m.to == [email]]
    response = client.post(_link(message), {"password": PASSWORD})
    assert response.status_code == 302
    return User.objects.get(email=email)


def _shows_secret(content: str) -> bool:
    return SECRET_MAIL in content or SECRET_PHONE in content


def _everything_an_account_can_read(client, organisation) -> dict[str, str]:
    """Every place that shows an MO's contact data: the profile, the finder's
    result cards, the shortlist CSV (after putting the MO on the shortlist, where
    allowed), the directory downloads, the API and HSDS."""
    client.post(reverse("shortlist_toggle", args=[organisation.slug]))
    shortlist = client.get(reverse("shortlist_csv"))
    pages = {
        "profile": client.get(organisation.get_absolute_url()),
        "finder": client.get(reverse("finder"), {"rooms": "on"}),
        "shortlist_csv": shortlist,
        "export_csv": client.get(reverse("export_csv")),
        "export_json": client.get(reverse("export_json")),
        "api_list": client.get("/api/organisations/"),
        "api_detail": client.get(f"/api/organisations/{organisation.slug}/"),
        "hsds_list": client.get(reverse("hsds-organizations")),
        "hsds_detail": client.get(reverse("hsds-organization", args=[organisation.uuid])),
    }
    found = {}
    for name, response in pages.items():
        body = b"".join(response.streaming_content) if response.streaming else response.content
        found[name] = body.decode("utf-8-sig")
    assert "Verein Vertraulich" in found["finder"]  # the card is there, without the contact
    for name in ("export_csv", "api_list", "hsds_list"):
        assert "Vertraulich" in found[name], name  # the MO is in every list
    return found


# -- Reproduction: "Anyone can be an institution" ------------------------------------


def test_a_free_mail_institution_sees_no_restricted_contact_anywhere(
    client, sent_mail, restricted_mo
):
    user = _sign_up_as_institution(client, sent_mail, "fake@gmx.de")
    assert user.is_active and user.account_type == "institution"
    assert not user.is_institution and not hasattr(user, "institution_verification")
    found = _everything_an_account_can_read(client, restricted_mo)
    leaks = [name for name, content in found.items() if _shows_secret(content)]
    assert leaks == []
    assert client.get(reverse("shortlist_csv")).status_code == 403  # no shortlist either


def test_a_verified_institution_sees_the_restricted_contact_on_pages_but_never_in_open_data(
    client, institution_user, restricted_mo
):
    client.force_login(institution_user)
    found = _everything_an_account_can_read(client, restricted_mo)
    assert SECRET_MAIL in found["profile"] and SECRET_PHONE in found["profile"]
    assert SECRET_MAIL in found["shortlist_csv"] and SECRET_PHONE in found["shortlist_csv"]
    open_data = ["export_csv", "export_json", "api_list", "api_detail", "hsds_list", "hsds_detail"]
    assert [name for name in open_data if _shows_secret(found[name])] == []


def test_the_unverified_persona_is_an_ordinary_signed_in_user(client, unverified_institution, mo_a):
    assert unverified_institution.email_verified_at and not unverified_institution.is_institution
    client.force_login(unverified_institution)
    assert client.get(reverse("cooperation:new", args=[mo_a.slug])).status_code == 403
    assert client.get(reverse("shortlist")).status_code == 403
    assert client.get(reverse("support:experts")).status_code == 403
    html = client.get(reverse("account")).content.decode()
    assert "Ihre Institution ist noch nicht verifiziert" in html
    assert "gmx.de" in html and "jobcenter-ge.de" in html  # what is missing and how it works


# -- The allow-list -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("domain", "entry", "expected"),
    [
        ("arbeitsagentur.de", "arbeitsagentur.de", True),
        ("ARBEITSAGENTUR.DE.", "arbeitsagentur.de", True),
        ("schwerin.ihk.de", "ihk.de", True),
        ("a.b.ihk.de", "ihk.de", True),
        ("arbeitsagentur.de.evil.com", "arbeitsagentur.de", False),
        ("evilarbeitsagentur.de", "arbeitsagentur.de", False),
        ("evil-arbeitsagentur.de", "arbeitsagentur.de", False),
        ("arbeitsagentur.de", "schwerin.arbeitsagentur.de", False),
        ("ihk.de", "", False),
        ("", "ihk.de", False),
    ],
)
def test_a_domain_matches_itself_and_its_subdomains_only(domain, entry, expected):
    assert domain_matches(domain, entry) is expected


def test_the_seeded_list_has_the_official_institutions():
    listed = set(services.listed_domains())
    assert {"arbeitsagentur.de", "jobcenter-ge.de", "ihk.de", "caritas.de", "diakonie.de"} <= listed
    assert {"awo.org", "drk.de", "paritaet.org", "zwst.org", "hwk-berlin.de"} <= listed
    assert not any("*" in entry for entry in listed)
    assert matching_entry("jana@schwerin.ihk.de", listed) == "ihk.de"
    assert matching_entry("x@hwk-irgendwas.de", listed) is None


@pytest.mark.parametrize(
    ("email", "verified"),
    [
        ("jana.berger@arbeitsagentur.de", True),
        ("jana.berger@schwerin.ihk.de", True),
        ("jana.berger@Jobcenter-GE.de", True),
        ("jana.berger@arbeitsagentur.de.evil.com", False),
        ("jana.berger@evilarbeitsagentur.de", False),
        ("fake@gmx.de", False),
    ],
)
def test_confirming_an_address_on_a_listed_domain_verifies_the_institution(
    client, sent_mail, restricted_mo, email, verified
):
    user = _sign_up_as_institution(client, sent_mail, email.lower())
    assert user.is_institution is verified
    html = client.get(restricted_mo.get_absolute_url()).content.decode()
    assert (SECRET_MAIL in html) is verified
    if verified:
        verification = user.institution_verification
        assert verification.method == "domain" and verification.verified_by is None
        assert "Verifizierte Institution" in client.get(reverse("account")).content.decode()


def test_an_organisation_account_on_a_listed_domain_is_no_institution(client, sent_mail):
    client.post(
        reverse("signup"),
        {
            "account_type": "organisation",
            "name": "Olga",
            "email": "olga@caritas.de",
            "password": PASSWORD,
            "privacy": "on",
        },
    )
    [message] = sent_mail()
    client.post(_link(message), {"password": PASSWORD})
    user = User.objects.get(email="olga@caritas.de")
    assert user.is_active and not user.is_institution
    assert not InstitutionVerification.objects.exists()


def test_coordinators_curate_the_list_and_a_new_domain_verifies_its_accounts(
    client, coordinator, unverified_institution, django_user_model
):
    lookalike = personas_institution(django_user_model, "x@evilgmx.de")
    sub = personas_institution(django_user_model, "y@amt.gmx.de")
    client.force_login(coordinator)
    url = reverse("official_domains")
    assert "arbeitsagentur.de" in client.get(url).content.decode()

    response = client.post(url, {"domain": "gmx.de", "label": "Test", "reason": ""})
    assert response.status_code == 400  # a reason is required, said next to the field
    response = client.post(url, {"domain": "not a domain", "label": "x", "reason": "r"})
    assert response.status_code == 400
    assert "Bitte eine Domain wie" in response.content.decode()
    response = client.post(url, {"domain": "ihk.de", "label": "x", "reason": "r"})
    assert "steht schon auf der Liste" in response.content.decode()

    mail.outbox.clear()
    response = client.post(url, {"domain": "@GMX.de", "label": "Test-Amt", "reason": "Test"})
    assert response.status_code == 302
    entry = OfficialDomain.objects.get(domain="gmx.de", removed_at__isnull=True)
    assert entry.added_by == coordinator and entry.reason == "Test"
    verified = set(InstitutionVerification.objects.values_list("user__email", flat=True))
    assert verified == {unverified_institution.email, sub.email}  # not x@evilgmx.de
    assert not User.objects.get(pk=lookalike.pk).is_institution
    mails = OutgoingMail.objects.filter(template="institution-verified")
    assert sorted(m.to for m in mails) == sorted([unverified_institution.email, sub.email])

    # Removing takes it off the list (kept with the reason); verified accounts stay.
    remove = reverse("official_domain_remove", args=[entry.pk])
    assert client.post(remove, {"reason": ""}).status_code == 400
    assert client.post(remove, {"reason": "Freemail, Versehen"}).status_code == 302
    entry.refresh_from_db()
    assert entry.removed_at and entry.removed_by == coordinator
    assert entry.removed_reason == "Freemail, Versehen"
    assert "gmx.de" not in services.listed_domains()
    assert User.objects.get(pk=unverified_institution.pk).is_institution
    assert services.official_domain_of("neu@gmx.de") is None
    assert client.post(remove, {"reason": "noch einmal"}).status_code == 404


def personas_institution(django_user_model, email):
    """An institution account in use (address confirmed) that nobody verified."""
    from django.utils import timezone

    return django_user_model.objects.create_user(
        email=email,
        password="pw",
        name=email,
        account_type="institution",
        institution_name="Amt",
        email_verified_at=timezone.now(),
    )


# -- A coordinator's decision, revocation -------------------------------------------


def test_a_coordinator_verifies_refuses_and_revokes_with_a_reason(
    client, coordinator, unverified_institution, restricted_mo
):
    unverified_institution.language = "en"
    unverified_institution.save()
    client.force_login(coordinator)
    queue = client.get(reverse("institutions")).content.decode()
    assert "Fritz Fake" in queue and "Fake-Amt" in queue and "gmx.de" in queue
    url = reverse("institution_decide", args=[unverified_institution.pk])
    page = client.get(url).content.decode()
    assert "nicht auf der Liste offizieller Domains" in page

    # Without a reason nothing happens, and the form says why.
    response = client.post(url, {"action": "verify", "reason": ""})
    assert response.status_code == 400 and "Dieses Feld ist zwingend erforderlich." in (
        response.content.decode()
    )
    assert not InstitutionVerification.objects.exists()

    client.post(url, {"action": "refuse", "reason": "Keine Behörde erkennbar."})
    [refused] = OutgoingMail.objects.filter(template="institution-refused")
    assert refused.to == unverified_institution.email
    assert "was not verified" in refused.subject  # in the person's language
    assert "Keine Behörde erkennbar." in refused.body_text
    client.force_login(unverified_institution)
    account = client.get(reverse("account")).content.decode()
    assert "Keine Behörde erkennbar." in account

    client.force_login(coordinator)
    client.post(url, {"action": "verify", "reason": "Telefonisch beim Jobcenter bestätigt."})
    verification = InstitutionVerification.objects.get(user=unverified_institution)
    assert verification.method == "coordinator" and verification.verified_by == coordinator
    assert verification.reason == "Telefonisch beim Jobcenter bestätigt."
    assert OutgoingMail.objects.filter(
        template="institution-verified", to=unverified_institution.email
    ).exists()
    client.force_login(unverified_institution)
    assert SECRET_MAIL in client.get(restricted_mo.get_absolute_url()).content.decode()

    client.force_login(coordinator)
    client.post(url, {"action": "revoke", "reason": "Meldung einer MO bestätigt."})
    assert not InstitutionVerification.objects.exists()
    [revoked] = OutgoingMail.objects.filter(template="institution-revoked")
    assert "Meldung einer MO bestätigt." in revoked.body_text
    client.force_login(unverified_institution)
    assert SECRET_MAIL not in client.get(restricted_mo.get_absolute_url()).content.decode()
    assert client.get(reverse("shortlist_csv")).status_code == 403
    actions = list(
        unverified_institution.verification_decisions.order_by("pk").values_list(
            "action", flat=True
        )
    )
    assert actions == ["refused", "verified", "revoked"]

    # A revoked account is not verified again by adding its domain: a coordinator decides.
    services.official_domain_add(domain="gmx.de", label="x", reason="x", by=coordinator)
    assert not InstitutionVerification.objects.exists()


def test_decisions_that_do_not_fit_the_state_change_nothing(
    client, coordinator, unverified_institution, institution_user
):
    client.force_login(coordinator)
    revoke = reverse("institution_decide", args=[unverified_institution.pk])
    client.post(revoke, {"action": "revoke", "reason": "x"})
    verify = reverse("institution_decide", args=[institution_user.pk])
    client.post(verify, {"action": "verify", "reason": "x"})
    assert not OutgoingMail.objects.exists()
    assert list(InstitutionVerification.objects.values_list("user", flat=True)) == [
        institution_user.pk
    ]
    other = reverse("institution_decide", args=[coordinator.pk])  # not an institution account
    assert client.get(other).status_code == 404


def test_the_data_migration_verifies_existing_accounts_on_listed_domains_only(
    django_user_model,
):
    on_list = personas_institution(django_user_model, "a@arbeitsagentur.de")
    free = personas_institution(django_user_model, "b@gmx.de")
    unconfirmed = personas_institution(django_user_model, "c@arbeitsagentur.de")
    unconfirmed.email_verified_at = None
    unconfirmed.save()
    migration = importlib.import_module(
        "accounts.migrations.0004_official_domains_and_existing_institutions"
    )
    migration.forwards(django_apps, None)
    assert set(InstitutionVerification.objects.values_list("user", flat=True)) == {on_list.pk}
    assert InstitutionVerification.objects.get().reason == "arbeitsagentur.de"
    assert not User.objects.get(pk=free.pk).is_institution


# -- The badge on requests, and reports ---------------------------------------------


@pytest.fixture
def requests_to_mo_a(institution_user, unverified_institution, mo_a, editor_a):
    verified = CooperationRequest.objects.create(
        sender=institution_user, organisation=mo_a, subject="Vom Jobcenter", message="m"
    )
    unverified = CooperationRequest.objects.create(
        sender=unverified_institution, organisation=mo_a, subject="Vom Fake-Amt", message="m"
    )
    return verified, unverified


def test_requests_carry_the_verification_badge(
    client, editor_a, requests_to_mo_a, django_assert_max_num_queries
):
    verified, unverified = requests_to_mo_a
    client.force_login(editor_a)
    with django_assert_max_num_queries(12) as counted:
        inbox = client.get(reverse("cooperation:inbox")).content.decode()
    assert inbox.count("Verifizierte Institution") == 1 and inbox.count("nicht verifiziert") == 1
    for _ in range(5):  # more requests, no more queries
        CooperationRequest.objects.create(
            sender=unverified.sender, organisation=unverified.organisation, subject="s", message="m"
        )
    with django_assert_max_num_queries(len(counted.captured_queries)):
        client.get(reverse("cooperation:inbox"))
    assert "Verifizierte Institution" in client.get(verified.get_absolute_url()).content.decode()
    page = client.get(unverified.get_absolute_url()).content.decode()
    assert "nicht verifiziert" in page and "Konto melden" in page


@override_settings(ACCOUNT_REPORT_NOTIFY_MINUTES=60)
def test_an_mo_reports_an_account_and_coordinators_are_mailed_once_per_period(
    client, editor_a, coordinator, requests_to_mo_a, institution_user
):
    verified, unverified = requests_to_mo_a
    client.force_login(editor_a)
    url = reverse("cooperation:report", args=[unverified.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and "Dieses Feld ist zwingend erforderlich." in (
        response.content.decode()
    )
    assert client.post(url, {"reason": "Wirkt nicht wie ein Amt."}).status_code == 302
    assert (
        client.post(
            reverse("cooperation:report", args=[verified.pk]), {"reason": "Zweite Meldung"}
        ).status_code
        == 302
    )
    reports = AccountReport.objects.order_by("pk")
    assert [(r.account, r.reported_by, r.organisation) for r in reports] == [
        (unverified.sender, editor_a, unverified.organisation),
        (institution_user, editor_a, verified.organisation),
    ]
    [notice] = OutgoingMail.objects.filter(template="account-reported")
    assert notice.to == coordinator.email
    assert "Wirkt nicht" not in notice.body_text and unverified.sender.email not in notice.body_text

    # The sender cannot report, nor can anybody outside the conversation.
    client.force_login(unverified.sender)
    assert client.post(url, {"reason": "x"}).status_code == 403
    assert AccountReport.objects.count() == 2

    client.force_login(coordinator)
    listing = client.get(reverse("account_reports")).content.decode()
    assert "Wirkt nicht wie ein Amt." in listing and "Fake-Amt" in listing
    first = reports.first()
    client.post(reverse("account_reports"), {"done": first.pk})
    first.refresh_from_db()
    assert first.resolved_at and first.resolved_by == coordinator
    assert client.post(reverse("account_reports"), {"done": "x"}).status_code == 400


def test_reports_are_rate_limited(client, settings, editor_a, requests_to_mo_a):
    settings.RATELIMIT_ENABLE = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report": "2/d"}
    _verified, unverified = requests_to_mo_a
    client.force_login(editor_a)
    url = reverse("cooperation:report", args=[unverified.pk])
    statuses = [client.post(url, {"reason": f"Meldung {n}"}).status_code for n in range(3)]
    assert statuses == [302, 302, 429]
    assert AccountReport.objects.count() == 2


def test_the_personal_data_export_holds_the_verification(client, institution_user):
    services.institution_revoke(user=institution_user, by=institution_user, reason="Test")
    client.force_login(institution_user)
    data = json.loads(client.get(reverse("export_data")).content)
    assert [d["action"] for d in data["institution_verification"]] == ["revoked"]


def test_csv_header_of_the_shortlist_is_unchanged_for_verified_institutions(
    client, institution_user, restricted_mo
):
    client.force_login(institution_user)
    client.post(reverse("shortlist_toggle", args=[restricted_mo.slug]))
    text = client.get(reverse("shortlist_csv")).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert any(SECRET_MAIL in row for row in rows)
