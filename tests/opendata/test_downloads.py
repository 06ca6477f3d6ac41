"""Downloads of the directory result, the dump files, the embeddable widget."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from directory.models import Organisation
from tests.pages import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _csv(client, **params):
    response = client.get(reverse("export_csv"), params)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _json(client, **params):
    response = client.get(reverse("export_json"), params)
    assert response.status_code == 200
    return json.loads(b"".join(response.streaming_content))


def test_the_current_result_downloads_as_csv_and_json_with_the_licence(client, world):
    rows = _csv(client, role="projekttraeger")
    assert rows[0][0].startswith("Licence: Creative Commons")
    header = rows[1]
    assert [r[header.index("name")] for r in rows[2:]] == ["Club Dialog e. V."]
    data = _json(client, language="ru", role="informationsvermittler")
    assert data["licence"]["name"].startswith("Creative Commons")
    assert [o["name"] for o in data["organisations"]] == ["Kontakt e. V."]
    assert data["organisations"][0]["roles"] == ["informationsvermittler", "kooperationspartner"]


def test_downloads_contain_only_published_profiles_and_public_contact_data(client, world):
    mo = world.mo
    mo.email_visibility, mo.phone_visibility, mo.street_visibility = (
        "institutions",
        "hidden",
        "public",
    )
    mo.save()
    Organisation.objects.filter(pk=world.other.pk).update(status="archived")
    client.force_login(
        world.users["institution"]
    )  # even a signed-in institution gets public data only
    text = "\n".join(",".join(r) for r in _csv(client)) + json.dumps(_json(client))
    assert "Hauptstraße 1" in text
    assert "info@kontakt.example" not in text and "+49 385 123456" not in text
    assert "Club Dialog e. V." not in text and "Zur Prüfung e. V." not in text
    for user in world.users.values():
        assert user.email not in text


def test_no_formula_reaches_a_spreadsheet(client, world):
    world.mo.name = '=HYPERLINK("http://evil.example")'
    world.mo.short_name = "+1+1"
    world.mo.city = "@SUM(A1)"
    world.mo.save()
    rows = _csv(client)
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell
    assert any(cell == '\'=HYPERLINK("http://evil.example")' for row in rows for cell in row)


def test_the_dump_files_are_served_once_generated(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assert client.get(reverse("hsds-dump", args=["hsds.json"])).status_code == 404
    call_command("export_open_data", verbosity=0)
    response = client.get(reverse("hsds-dump", args=["hsds.json"]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert client.get(reverse("hsds-dump", args=["hsds-tabular.zip"])).status_code == 200
    assert client.get("/api/hsds/dump/settings.py").status_code == 404
    assert client.get("/api/hsds/dump/..%2Fsettings.py").status_code == 404


def test_the_widget_shows_a_fixed_selection_and_only_it_may_be_framed(client, world):
    response = client.get(reverse("widget"), {"state": "berlin", "role": "kooperationspartner"})
    html = response.content.decode()
    assert "Club Dialog e. V." in html and "Kontakt e. V." not in html
    assert "X-Frame-Options" not in response
    assert client.get(reverse("directory:organisation_list"))["X-Frame-Options"] == "DENY"
    assert client.get(reverse("home"))["X-Frame-Options"] == "DENY"


def test_the_directory_offers_downloads_and_a_snippet_for_its_result(client, world):
    html = client.get(reverse("directory:organisation_list"), {"state": "hamburg"}).content.decode()
    assert f"{reverse('export_csv')}?state=hamburg" in html
    assert f"{reverse('export_json')}?state=hamburg" in html
    assert f"{reverse('widget')}?state=hamburg" in html
