"""Verified identity (issue 19): the MO enters register court and number, legal
form and charitable status; a coordinator checks them; the badge "Identität
geprüft" shows while the values checked are unchanged."""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from directory import identity, services
from directory.models import IdentityVerification, Organisation, ProfileRevision
from tests.directory.test_concurrent_edits import _section_data
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db

REGISTER = {"register_court": "Amtsgericht Köln", "register_number": "VR 12345"}


def _section(organisation):
    return reverse("directory:edit_section", args=[organisation.slug, "register"])


def _verify_url(organisation):
    return reverse("directory:verify_identity", args=[organisation.slug])


def _post_section(client, organisation, **changes):
    return client.post(_section(organisation), _section_data(client, organisation, "register",
                                                              **changes))  # fmt: skip


def _registered(**values):
    values = {**REGISTER, "charitable_status": "yes",
              "charitable_notice_date": datetime.date(2024, 3, 15), **values}  # fmt: skip
    return make_organisation("Afrika Forum e. V.", slug="afrika-forum", **values)


def _verify(organisation, by, *, register="online", exemption=True):
    organisation.refresh_from_db()
    return services.identity_verify(
        organisation=organisation,
        by=by,
        seen_key=organisation.identity_key,
        register_checked=register,
        exemption_checked=exemption,
        note="",
    )


def _public(url: str) -> str:
    """A page as the public reads it now (the page cache is bumped on commit,
    which a test's transaction never reaches)."""
    cache.clear()
    return Client().get(url).content.decode()


def _badge_shown(organisation) -> bool:
    page = _public(organisation.get_absolute_url())
    return "Identität geprüft" in page


# --- entering ----------------------------------------------------------------------


def test_the_team_enters_its_register_data_in_a_draft(client, editor_a, mo_a):
    Organisation.objects.filter(pk=mo_a.pk).update(status=Organisation.Status.DRAFT)
    client.force_login(editor_a)
    response = _post_section(client, mo_a, register_court="  Amtsgericht   Köln ",
                             register_number="vr 12345", charitable_status="yes",
                             charitable_notice_date="15.03.2024")  # fmt: skip
    assert response.status_code == 302
    mo_a.refresh_from_db()
    assert (mo_a.register_court, mo_a.register_number) == ("Amtsgericht Köln", "vr 12345")
    assert mo_a.charitable_notice_date == datetime.date(2024, 3, 15)
    assert mo_a.register_key == "KOLN/VR12345"
    assert mo_a.identity_key == "KOLN|VR12345|ev|yes|2024-03-15"


def test_a_published_profile_changes_its_register_data_through_review(
    client, editor_a, mo_a, coordinator
):
    client.force_login(editor_a)
    assert _post_section(client, mo_a, **REGISTER, charitable_status="yes",
                         charitable_notice_date="2024-03-15").status_code == 302  # fmt: skip
    mo_a.refresh_from_db()
    assert mo_a.register_number == ""  # live: unchanged until approved
    revision = ProfileRevision.objects.get(organisation=mo_a)
    assert revision.content["charitable_notice_date"] == "2024-03-15"
    # The form shows the pending values to the team.
    form = client.get(_section(mo_a)).context["form"]
    assert form.initial["register_number"] == "VR 12345"
    services.revision_approve(revision=revision, by=coordinator, seen=revision.version)
    mo_a.refresh_from_db()
    assert (mo_a.register_number, mo_a.charitable_notice_date) == (
        "VR 12345",
        datetime.date(2024, 3, 15),
    )
    assert mo_a.identity_key == "KOLN|VR12345|ev|yes|2024-03-15"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"register_number": "12345", "register_court": "AG Köln"}, "register_number",
         "zuerst die Buchstaben"),
        ({"register_number": "VR 12345", "register_court": ""}, "register_court",
         "auch das Registergericht"),
        ({"register_number": "", "register_court": "AG Köln"}, "register_number",
         "auch die Registernummer"),
        ({**REGISTER, "legal_form": "gbr"}, "legal_form", "keinen Registereintrag"),
        ({"charitable_status": "yes", "charitable_notice_date": "2999-01-01"},
         "charitable_notice_date", "nicht in der Zukunft"),
        ({"charitable_status": "unknown", "charitable_notice_date": "2024-01-01"},
         "charitable_notice_date", "nur zu „gemeinnützig: ja“"),
        ({"charitable_status": "yes", "charitable_notice_date": "15.3.24x"},
         "charitable_notice_date", "gültiges Datum"),
    ],
)  # fmt: skip
def test_bad_input_is_named_next_to_its_field_and_kept(client, editor_a, mo_a, changes, field,
                                                       message):  # fmt: skip
    client.force_login(editor_a)
    response = _post_section(client, mo_a, **changes)
    assert response.status_code == 400
    form = response.context["form"]
    assert message in " ".join(form.errors[field]), form.errors
    page = response.content.decode()
    assert f'id="error_1_id_{field}"' in page or "invalid-feedback" in page
    for value in changes.values():  # what was typed is still there
        assert str(value) in page
    assert not ProfileRevision.objects.filter(organisation=mo_a).exists()


def test_the_section_has_plain_help_texts(client, editor_a, mo_a):
    client.force_login(editor_a)
    page = client.get(_section(mo_a)).content.decode()
    assert "Es steht auf Ihrem Registerauszug." in page
    assert "Freistellungsbescheid bekommen" in page


# --- checking ----------------------------------------------------------------------


def test_a_coordinator_checks_and_the_badge_says_what_and_when(client, coordinator):
    organisation = _registered()
    assert not _badge_shown(organisation)
    client.force_login(coordinator)
    page = client.get(_verify_url(organisation))
    assert page.status_code == 200 and "VR 12345" in page.content.decode()
    response = client.post(_verify_url(organisation), {
        "register_checked": "excerpt", "exemption_checked": "on", "note": "Auszug vom 1.10.",
        "seen": page.context["form"].initial["seen"],
    })  # fmt: skip
    assert response.status_code == 302
    check = IdentityVerification.objects.get()
    assert (check.verified_by, check.register_checked, check.exemption_checked) == (
        coordinator, "excerpt", True)  # fmt: skip
    assert (check.register_number, check.charitable_status) == ("VR 12345", "yes")
    public = _public(organisation.get_absolute_url())
    today = check.verified_at.date()
    assert "Identität geprüft" in public
    assert "Eintrag im Register und Gemeinnützigkeit am" in public
    assert f"{today.day}. " in public  # the date in words, not colour only
    assert 'aria-hidden="true">✓' in public


def test_the_badge_goes_when_the_team_changes_a_checked_value(client, coordinator):
    organisation = _registered()
    _verify(organisation, coordinator)
    assert _badge_shown(organisation)
    # Any one value changed: the check no longer covers the profile.
    organisation.refresh_from_db()
    organisation.register_number = "VR 12346"
    services.organisation_save(organisation=organisation, by=None, fields=["register_number"])
    assert not _badge_shown(organisation)
    assert not Organisation.objects.filter(identity.verified_condition()).exists()
    # A spelling that compares the same ("vr12346" = "VR 12346") keeps a new check valid.
    _verify(organisation, coordinator)
    organisation.refresh_from_db()
    organisation.register_number = "vr12346"
    organisation.register_court = "AG Koeln"
    services.organisation_save(organisation=organisation, by=None,
                               fields=["register_number", "register_court"])  # fmt: skip
    assert _badge_shown(organisation)
    # The charitable status and the notice's date count too.
    organisation.refresh_from_db()
    organisation.charitable_notice_date = datetime.date(2025, 1, 2)
    services.organisation_save(organisation=organisation, by=None,
                               fields=["charitable_notice_date"])  # fmt: skip
    assert not _badge_shown(organisation)


def test_the_badge_goes_when_a_reviewed_change_is_approved(client, editor_a, mo_a, coordinator):
    mo_a.register_court, mo_a.register_number = REGISTER.values()
    services.organisation_save(organisation=mo_a, by=None, fields=list(REGISTER))
    _verify(mo_a, coordinator, exemption=False)
    assert _badge_shown(mo_a)
    client.force_login(editor_a)
    assert _post_section(client, mo_a, register_number="VR 99999").status_code == 302
    assert _badge_shown(mo_a)  # waiting for review: the live values are still the checked ones
    revision = ProfileRevision.objects.get(organisation=mo_a)
    services.revision_approve(revision=revision, by=coordinator, seen=revision.version)
    assert not _badge_shown(mo_a)


def test_a_check_of_values_that_changed_meanwhile_is_refused(client, coordinator):
    organisation = _registered()
    client.force_login(coordinator)
    seen = client.get(_verify_url(organisation)).context["form"].initial["seen"]
    organisation.register_number = "VR 1"  # the team, while the coordinator compares
    services.organisation_save(organisation=organisation, by=None, fields=["register_number"])
    response = client.post(_verify_url(organisation), {"register_checked": "online",
                                                       "seen": seen})  # fmt: skip
    assert response.status_code == 409
    assert "inzwischen geändert" in response.content.decode()
    assert not IdentityVerification.objects.exists()
    # The form now carries the current values: sent again, it is recorded.
    again = response.context["form"].data["seen"]
    assert client.post(_verify_url(organisation), {"register_checked": "online",
                                                   "seen": again}).status_code == 302  # fmt: skip
    assert IdentityVerification.objects.count() == 1


@pytest.mark.parametrize(
    ("values", "data", "message"),
    [
        ({}, {}, "was Sie geprüft haben"),
        ({"register_court": "", "register_number": ""}, {"register_checked": "online"},
         "kein Registergericht"),
        ({"charitable_status": "unknown", "charitable_notice_date": None},
         {"exemption_checked": "on"}, "nicht „gemeinnützig: ja“"),
    ],
)  # fmt: skip
def test_a_check_of_nothing_or_of_what_was_not_entered_is_refused(client, coordinator, values,
                                                                  data, message):  # fmt: skip
    organisation = _registered(**values)
    client.force_login(coordinator)
    seen = client.get(_verify_url(organisation)).context["form"].initial["seen"]
    response = client.post(_verify_url(organisation), {**data, "seen": seen})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not IdentityVerification.objects.exists()


def test_two_coordinators_at_once_record_two_checks_of_the_same_values(coordinator):
    from tests import personas

    other = personas.create("coordinator", email="k2@example.org")
    organisation = _registered()
    seen = Organisation.objects.get(pk=organisation.pk).identity_key
    for person in (coordinator, other):
        services.identity_verify(organisation=organisation, by=person, seen_key=seen,
                                 register_checked="online", exemption_checked=False)  # fmt: skip
    assert IdentityVerification.objects.filter(identity_key=seen).count() == 2
    organisation.refresh_from_db()
    assert identity.current_check(organisation).verified_by == other  # the latest


def test_a_check_of_nothing_is_refused_by_the_database_too(coordinator):
    from django.db import IntegrityError, transaction

    organisation = _registered()
    with pytest.raises(IntegrityError), transaction.atomic():
        IdentityVerification.objects.create(organisation=organisation, identity_key="x")


# --- who may ----------------------------------------------------------------------


def test_only_coordinators_check(client, editor_a, mo_a, institution_user):
    url = _verify_url(mo_a)
    data = {"register_checked": "online", "seen": mo_a.identity_key}
    assert client.get(url).status_code == 302  # to the login page
    assert client.post(url, data).status_code == 302
    for person in (editor_a, institution_user):  # not even the MO's own team
        client.force_login(person)
        assert client.get(url).status_code == 403
        assert client.post(url, data).status_code == 403
    assert not IdentityVerification.objects.exists()


def test_only_the_team_edits_the_register_data(client, mo_a, editor_b, coordinator):
    for person in (editor_b, coordinator):  # another MO's editor; coordinators review, not edit
        client.force_login(person)
        assert client.get(_section(mo_a)).status_code == 403
        response = client.post(_section(mo_a), {"register_number": "VR 666",
                                                "register_court": "AG Köln"})  # fmt: skip
        assert response.status_code == 403
    mo_a.refresh_from_db()
    assert mo_a.register_number == ""


# --- lists -------------------------------------------------------------------------


def test_directory_cards_show_the_badge_with_one_query_for_the_page(
    client, coordinator, django_assert_max_num_queries
):
    checked = _registered()
    _verify(checked, coordinator)
    for number in range(15):
        other = make_organisation(
            f"Kulturverein {number}", slug=f"kv-{number}", register_court="AG Bonn",
            register_number=f"VR {number + 1}",
        )  # fmt: skip
        if number % 2:
            _verify(other, coordinator, exemption=False)
    url = reverse("directory:organisation_list")
    with django_assert_max_num_queries(12) as captured:
        page = client.get(url).content.decode()
    # The badges: one query (the facet query counts them too: "UNION ALL").
    checks = [q["sql"] for q in captured.captured_queries if "identityverification" in q["sql"]]
    assert len([sql for sql in checks if "UNION ALL" not in sql]) == 1
    assert page.count("identity-badge ") == 1 + 7
    assert "Eintrag im Register und Gemeinnützigkeit am" in page
    assert "Eintrag im Register am" in page


def test_the_profile_page_shows_entered_values_as_not_yet_checked(client):
    organisation = _registered()
    page = client.get(organisation.get_absolute_url()).content.decode()
    assert "Amtsgericht Köln" in page and "VR 12345" in page
    assert "Die Koordination hat sie noch nicht geprüft." in page
