"""Downloads of the directory result, the dump files, the embeddable widget."""

import csv
import datetime
import io
import json

import openpyxl
import pytest
from django.conf import settings
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
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def _xlsx(client, **params):
    response = client.get(reverse("export_xlsx"), params)
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return openpyxl.load_workbook(io.BytesIO(response.content))


def _json(client, **params):
    response = client.get(reverse("export_json"), params)
    assert response.status_code == 200
    return json.loads(b"".join(response.streaming_content))


def test_the_current_result_downloads_as_csv_and_json_with_the_licence(client, world):
    response = client.get(reverse("export_csv"), {"role": "projekttraeger"})
    assert response["Link"] == f'<{settings.OPEN_DATA_LICENCE_URL}>; rel="license"'
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text), delimiter=";")  # the header comes first
    assert [row["name"] for row in reader] == ["Club Dialog e. V."]
    assert reader.fieldnames is not None and reader.fieldnames[:2] == ["id", "name"]
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
    sheet = _xlsx(client).worksheets[0]
    text = "\n".join(",".join(r) for r in _csv(client)) + json.dumps(_json(client))
    text += "\n".join(str(cell.value) for row in sheet.iter_rows() for cell in row)
    assert "Hauptstraße 1" in text
    assert "info@kontakt.example" not in text and "+49 385 123456" not in text
    assert "Club Dialog e. V." not in text and "Zur Prüfung e. V." not in text
    for user in world.users.values():
        assert user.email not in text


def test_no_formula_reaches_a_spreadsheet(client, world):
    world.mo.name = '=HYPERLINK("http://evil.example")'
    world.mo.short_name = "+1+1"
    world.mo.city = "@SUM(A1)"
    world.mo.phone_visibility = "public"
    world.mo.save()
    rows = _csv(client)
    phone = rows[0].index("phone")
    for row in rows:
        for index, cell in enumerate(row):
            if index != phone:
                assert not cell.startswith(("=", "+", "-", "@")), cell
    assert any(cell == '\'=HYPERLINK("http://evil.example")' for row in rows for cell in row)
    assert "'+1+1" in [row[rows[0].index("short_name")] for row in rows]
    # A phone number keeps its plus sign: it cannot run anything.
    assert "+49 385 123456" in [row[phone] for row in rows]
    # In the workbook every text is a text cell: shown as written, never run.
    sheet = _xlsx(client).worksheets[0]
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    texts = {cell.value for cell in cells if cell.data_type == "s"}
    assert {'=HYPERLINK("http://evil.example")', "+1+1", "@SUM(A1)", "+49 385 123456"} <= texts


def test_date_like_texts_and_control_characters_do_not_break_the_workbook(client, world):
    world.mo.name = "2024-02-30"  # looks like a date, is none: stays the text
    world.mo.short_name = "Zeilen\x0bumbruch\x1f"  # Word's line break, a unit separator
    world.mo.save()
    sheet = _xlsx(client, role="informationsvermittler").worksheets[0]
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    (row,) = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2)]
    assert row["Name"].value == "2024-02-30" and row["Name"].data_type == "s"
    assert row["Kurzname"].value == "Zeilenumbruch"


def test_the_spreadsheet_download_has_labels_text_postcodes_and_typed_cells(client, world):
    world.mo.postal_code, world.mo.city = "01067", "Dresden"
    world.mo.save()
    workbook = _xlsx(client, role="informationsvermittler")
    sheet, about = workbook.worksheets
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert header[:3] == ["ID", "Name", "Kurzname"] and "Rollen" in header
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    (row,) = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2)]
    assert row["Name"].value == "Kontakt e. V."
    assert row["PLZ"].value == "01067" and row["PLZ"].data_type == "s"  # the zero stays
    assert row["Bundesland"].value == "Mecklenburg-Vorpommern"  # a label, not a slug
    assert "Kooperationspartner" in row["Rollen"].value
    assert row["Hauptamtliche Mitarbeitende"].value == 0
    assert row["Identität geprüft"].value == "ja"
    assert isinstance(row["Zuletzt bestätigt"].value, datetime.datetime)
    assert [c.value for c in about["A"]][:2] == [
        settings.OPEN_DATA_LICENCE_NAME,
        settings.OPEN_DATA_LICENCE_URL,
    ]
    csv_rows = _csv(client, role="informationsvermittler")
    assert csv_rows[1][csv_rows[0].index("postal_code")] == "01067"  # no apostrophe, no number


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
    assert f"{reverse('export_xlsx')}?state=hamburg" in html
    assert f'href="{settings.OPEN_DATA_LICENCE_URL}" rel="license"' in html
    assert f"{reverse('export_json')}?state=hamburg" in html
    assert f"{reverse('widget')}?state=hamburg" in html
