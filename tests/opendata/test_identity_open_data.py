"""Verified identity in open data (issue 19): the JSON API's added fields, the
OpenAPI schema (additive: every earlier field still there), HSDS 3.0
organization_identifiers (schema-valid, also in the dump), the downloads.

Decision: what the MO entered is published whether or not a coordinator checked
it, with ``verified`` saying which (docs/identity.md)."""

import csv
import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from directory import services
from directory.models import Organisation
from tests.factories import make_organisation
from tests.hsds_validation import errors, page_errors
from tests.opendata.test_hsds import _read_tabular

pytestmark = pytest.mark.django_db

# The organisation fields of the API before issue 19: the contract.
EARLIER_FIELDS = {
    "id", "slug", "url", "name", "short_name", "legal_form", "founding_year", "description",
    "description_en", "website", "email", "phone", "street", "postal_code", "city", "state",
    "area", "terms", "offers", "paid_staff", "volunteers", "members", "budget_band",
    "has_rooms", "open_for_cooperation", "confirmed_at", "updated_at",
}  # fmt: skip
ADDED = {"register_court", "register_number", "charitable_status", "charitable_notice_date",
         "identity_verification"}  # fmt: skip


@pytest.fixture
def registered(coordinator):
    checked = make_organisation(
        "Afrika Forum e. V.", slug="afrika-forum", register_court="Amtsgericht Köln",
        register_number="VR 12345", charitable_status="yes",
        charitable_notice_date=datetime.date(2024, 3, 15),
    )  # fmt: skip
    unchecked = make_organisation("Bosna Kultur", slug="bosna", register_court="AG Bonn",
                                  register_number="VR 777")  # fmt: skip
    plain = make_organisation("Chor Ohne Register", slug="chor")
    checked.refresh_from_db()
    services.identity_verify(organisation=checked, by=coordinator, seen_key=checked.identity_key,
                             register_checked="excerpt", exemption_checked=True)  # fmt: skip
    return checked, unchecked, plain


def test_the_api_adds_the_identity_and_keeps_every_earlier_field(client, registered):
    data = client.get("/api/organisations/afrika-forum/").json()
    assert set(data) >= EARLIER_FIELDS and set(data) == EARLIER_FIELDS | ADDED
    assert (data["register_court"], data["register_number"]) == ("Amtsgericht Köln", "VR 12345")
    assert (data["charitable_status"], data["charitable_notice_date"]) == ("yes", "2024-03-15")
    today = datetime.date.today().isoformat()
    assert data["identity_verification"] == {
        "verified": True, "verified_at": today, "checked": ["register", "exemption"]
    }  # fmt: skip
    listed = {o["slug"]: o for o in client.get("/api/organisations/").json()["results"]}
    # Entered but unchecked values are published, as not verified.
    assert listed["bosna"]["register_number"] == "VR 777"
    assert listed["bosna"]["identity_verification"] == {
        "verified": False, "verified_at": None, "checked": []
    }  # fmt: skip
    assert listed["chor"]["register_court"] == "" and listed["chor"]["charitable_status"] == (
        "unknown"
    )


def test_the_api_list_loads_the_checks_in_one_query(client, registered,
                                                    django_assert_max_num_queries):  # fmt: skip
    with django_assert_max_num_queries(10) as captured:
        assert client.get("/api/organisations/").status_code == 200
    assert sum("identityverification" in q["sql"] for q in captured.captured_queries) == 1


def test_the_openapi_schema_describes_the_added_fields(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    organisation = schema["components"]["schemas"]["Organisation"]["properties"]
    assert set(organisation) == EARLIER_FIELDS | ADDED
    verification = organisation["identity_verification"]
    assert set(verification["properties"]) == {"verified", "verified_at", "checked"}
    enum = organisation["charitable_status"]["allOf"][0]["$ref"].rsplit("/", 1)[1]
    assert schema["components"]["schemas"][enum]["enum"] == ["yes", "no", "unknown"]


def test_hsds_organization_identifiers_are_valid_and_say_whether_verified(client, registered):
    checked, unchecked, plain = registered
    organizations = client.get(reverse("hsds-organizations"), {"full": "true"}).json()
    assert page_errors(organizations, "compiled/organization.json") == []
    by_name = {o["name"]: o for o in organizations["contents"]}
    [identifier] = by_name["Afrika Forum e. V."]["organization_identifiers"]
    assert identifier["identifier_scheme"] == "DE-CR"
    assert identifier["identifier_type"] == "Vereinsregister (Amtsgericht Köln)"
    assert identifier["identifier"] == "Amtsgericht Köln VR 12345"
    assert identifier["organization_id"] == str(checked.uuid)
    assert identifier["metadata"][0]["last_action_type"] == "verified"
    [entered] = by_name["Bosna Kultur"]["organization_identifiers"]
    assert entered["metadata"][0]["last_action_type"] == "entered (not verified)"
    # Open data speaks stable English codes, whatever the portal's language.
    assert identifier["metadata"][0]["updated_by"].endswith(": coordinator")
    assert entered["metadata"][0]["updated_by"].endswith(": organization")
    assert by_name["Chor Ohne Register"]["organization_identifiers"] == []
    detail = client.get(reverse("hsds-organization", args=[checked.uuid])).json()
    assert errors(detail, "compiled/organization.json") == []
    assert detail["organization_identifiers"] == [identifier]


def test_hsds_identifiers_stay_the_same_from_export_to_export(client, registered):
    first = client.get(reverse("hsds-organization", args=[registered[0].uuid])).json()
    again = client.get(reverse("hsds-organization", args=[registered[0].uuid])).json()
    assert first["organization_identifiers"] == again["organization_identifiers"]


def test_the_dump_carries_the_identifiers_in_both_forms(registered, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    call_command("export_open_data", verbosity=0)
    data = json.loads((tmp_path / "opendata" / "hsds.json").read_text(encoding="utf-8"))
    for organization in data["organizations"]:
        assert errors(organization, "compiled/organization.json") == []
    identifiers = [i for o in data["organizations"] for i in o["organization_identifiers"]]
    assert sorted(i["identifier"] for i in identifiers) == [
        "AG Bonn VR 777", "Amtsgericht Köln VR 12345"]  # fmt: skip
    tables = _read_tabular(tmp_path / "opendata" / "hsds-tabular.zip")
    assert errors(tables, "compiled/tabular.json") == []
    assert sorted(r["identifier"] for r in tables["organization_identifier"]) == [
        "AG Bonn VR 777", "Amtsgericht Köln VR 12345"]  # fmt: skip
    assert sorted(r["last_action_type"] for r in tables["metadata"]) == [
        "entered (not verified)", "verified"]  # fmt: skip


def test_the_downloads_carry_the_identity(client, registered):
    text = b"".join(client.get(reverse("export_csv")).streaming_content).decode("utf-8-sig")
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(text), delimiter=";")}
    row = rows["Afrika Forum e. V."]
    assert (row["register_number"], row["identity_verified"]) == ("VR 12345", "true")
    assert rows["Bosna Kultur"]["identity_verified"] == "false"


def test_unpublished_profiles_stay_out(client, registered):
    Organisation.objects.filter(slug="bosna").update(status=Organisation.Status.DRAFT)
    data = client.get(reverse("hsds-organizations")).json()
    assert "Bosna Kultur" not in {o["name"] for o in data["contents"]}


# --- HSDS legal_status: legal form and charitable status --------------------------


def test_hsds_legal_status_says_legal_form_and_charitable_status(client, registered):
    checked, unchecked, plain = registered
    Organisation.objects.filter(pk=unchecked.pk).update(legal_form="ggmbh", charitable_status="no")
    organizations = client.get(reverse("hsds-organizations"), {"full": "true"}).json()
    assert page_errors(organizations, "compiled/organization.json") == []
    by_name = {o["name"]: o["legal_status"] for o in organizations["contents"]}
    assert by_name["Afrika Forum e. V."] == (
        "e. V. (eingetragener Verein / registered association); gemeinnützig (charitable, "
        "tax-exempt), Freistellungsbescheid (notice of exemption) 2024-03-15"
    )
    assert by_name["Bosna Kultur"] == (
        "gGmbH (gemeinnützige GmbH / non-profit limited company); "
        "nicht gemeinnützig (not charitable)"
    )
    # "Don't know" (the default) says nothing about it.
    assert by_name["Chor Ohne Register"] == "e. V. (eingetragener Verein / registered association)"


def test_hsds_legal_status_is_the_same_in_every_language(client, registered):
    url = reverse("hsds-organization", args=[registered[0].uuid])
    german = client.get(url, HTTP_ACCEPT_LANGUAGE="de").json()["legal_status"]
    client.cookies["django_language"] = "en"
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["legal_status"]
    assert german == english and german.startswith("e. V. (eingetragener Verein")


def test_every_legal_form_and_charitable_status_has_its_wording():
    from opendata import hsds

    assert set(hsds.LEGAL_FORMS) == set(Organisation.LegalForm)
    assert set(hsds.CHARITABLE) == set(Organisation.Charitable) - {"unknown"}


def test_the_tabular_dump_carries_the_legal_status(registered, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    call_command("export_open_data", verbosity=0)
    tables = _read_tabular(tmp_path / "opendata" / "hsds-tabular.zip")
    assert errors(tables, "compiled/tabular.json") == []
    statuses = {r["name"]: r["legal_status"] for r in tables["organization"]}
    assert statuses["Afrika Forum e. V."].endswith("Freistellungsbescheid (notice of exemption) "
                                                  "2024-03-15")  # fmt: skip
