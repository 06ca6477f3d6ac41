"""A coordinator imports an MO list: uploads a CSV (the worker reads it while
the job page says so), maps the columns, sees the dry run, decides two
duplicates (one "update the existing profile", one "skip"), starts the import;
the worker's step runs; the result is on the job page and the new profile shows
its source. With the mouse and with the keyboard alone; axe finds nothing on the
upload, reading, mapping, dry-run and job pages."""

import pytest

from directory.models import Organisation
from intake.models import ImportJob
from intake.services import run_jobs
from tests.browser.conftest import screenshot
from tests.browser.keyboard import Actor
from tests.browser.test_accessibility import _axe
from tests.factories import make_organisation

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

LIST = (
    "Name;PLZ;Ort;E-Mail;Sprachen\n"
    "Club Dialog eV;10117;Berlin;info@club-dialog.de;Russisch\n"
    "Türkischer Elternverein;20095;Hamburg;;Türkisch\n"
    "Eritreische Gemeinschaft Köln;50667;Köln;kontakt@eritrea-koeln.de;Tigrinya, Klingonisch\n"
    "Kurdisches Kulturzentrum Hannover;30159;Hannover;;Kurdisch\n"
).encode("cp1252")


@pytest.mark.parametrize("mode", ["mouse", "keyboard"])
def test_a_coordinator_imports_a_list_and_decides_two_duplicates(world, open_page, mode, tmp_path):
    dialog = make_organisation(
        "Club Dialog e. V.", slug="club-dialog-import", city="Berlin", postal_code="10117"
    )
    parents = make_organisation(
        "Türkischer Elternverein e. V.", slug="elternverein", city="Hamburg", postal_code="20095"
    )
    page = open_page(world.users["coordinator"], bypass_csp=True)
    act = Actor(page, mode)

    act.goto("/koordination/")
    act.submit_and_wait(page.get_by_role("link", name="Import", exact=True))
    assert page.locator("h1").inner_text() == "Import von MO-Listen"
    assert _axe(page) == []
    act.fill(page.get_by_label("Quelle der Liste"), "Integrationsrat Köln 2025")
    upload = tmp_path / "liste.csv"
    upload.write_bytes(LIST)
    if mode == "keyboard":
        act._tab_to(page.locator("#id_file"))
    page.locator("#id_file").set_input_files(str(upload))
    act.submit_and_wait(page.get_by_role("button", name="Hochladen und Spalten zuordnen"))

    # The request only stored the file: the job page says it is being read.
    assert page.locator("#job-state").inner_text() == "Datei wird gelesen"
    assert _axe(page) == []
    assert run_jobs(seconds=60) > 0  # the worker's step reads the file
    act.submit_and_wait(page.get_by_role("link", name="Stand aktualisieren"))

    # Mapping: the columns are suggested, the unknown language is listed.
    assert page.locator("h1").inner_text() == "Spalten zuordnen"
    assert page.get_by_label("Name", exact=True).input_value() == "name"
    assert page.get_by_label("PLZ").input_value() == "postal_code"
    assert page.get_by_label("„Klingonisch“ unbekannt").input_value() == ""
    assert page.get_by_label("„Türkisch“").input_value() == "tr"
    assert _axe(page) == []
    screenshot(page, f"import-mapping-{mode}")
    act.submit_and_wait(
        page.get_by_role("button", name="Zuordnung speichern und Probelauf starten")
    )
    job = ImportJob.objects.get()
    assert page.locator("#job-state").inner_text() == "Probelauf läuft"
    assert run_jobs(seconds=60) > 0  # the worker's step
    act.submit_and_wait(page.get_by_role("link", name="Stand aktualisieren"))

    # The dry run: two possible duplicates to decide.
    assert page.locator("h1").inner_text().startswith("Probelauf")
    main = page.locator("main").inner_text()
    assert "2 mögliche Dubletten sind noch nicht entschieden" in main
    assert "Unbekannter Wert bei „Gesprochene Sprachen“ wird nicht übernommen" in main
    assert _axe(page) == []
    act.click(page.locator(f"#r2-u{dialog.pk}"))
    act.click(page.locator("#r3-s"))
    act.submit_and_wait(page.get_by_role("button", name="Entscheidungen speichern"))
    assert "mögliche Dublette" not in page.locator(".alert-warning").all_inner_texts().__str__()
    act.click(page.get_by_label("sofort veröffentlichen"))
    act.submit_and_wait(page.get_by_role("button", name="Import starten"))
    assert page.locator("#job-state").inner_text() == "Import wartet"
    assert run_jobs(seconds=60) > 0
    act.submit_and_wait(page.get_by_role("link", name="Stand aktualisieren"))

    # The result, row by row.
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    assert page.locator("#job-state").inner_text() == "Importiert"
    summary = page.locator("section[aria-labelledby=h-summary]").inner_text()
    assert "Neu angelegt: 2" in summary and "Aktualisiert: 1" in summary
    assert "Übersprungen: 1" in summary
    assert _axe(page) == []
    screenshot(page, f"import-done-{mode}")
    act.submit_and_wait(page.get_by_role("link", name="Übersprungen", exact=True))
    assert page.locator("#row-3").count() == 1 and page.locator("#row-2").count() == 0
    dialog.refresh_from_db()
    assert dialog.source_name == "Integrationsrat Köln 2025"
    assert Organisation.objects.filter(name__startswith="Türkischer Elternverein").count() == 1
    parents.refresh_from_db()
    assert parents.source_name == ""
    created = Organisation.objects.get(name="Eritreische Gemeinschaft Köln")
    assert created.is_published
    act.goto(created.get_absolute_url())
    assert "Quelle: Integrationsrat Köln 2025 (übernommen am" in page.locator("main").inner_text()
    assert "noch nicht von der Organisation bestätigt" in page.locator("main").inner_text()


@pytest.mark.parametrize("mode", ["mouse", "keyboard"])
def test_a_coordinator_deletes_a_list_that_was_not_imported(world, open_page, mode):
    """A dry run left standing: its page says until when the rows' values are
    kept; the coordinator deletes it after a confirmation."""
    job = ImportJob.objects.create(
        source_name="Alte Liste",
        file_name="alt.csv",
        state=ImportJob.State.CHECKED,
        header=["Name"],
        mapping={"columns": {"0": "name"}, "values": {}},
        total=1,
    )
    job.rows.create(number=2, values=["Verein A"], planned="create")
    page = open_page(world.users["coordinator"], bypass_csp=True)
    act = Actor(page, mode)
    act.goto(f"/koordination/import/{job.pk}/")
    assert "aufbewahrt und dann gelöscht" in page.locator("#retention").inner_text()
    act.submit_and_wait(page.get_by_role("link", name="Import löschen"))
    assert page.locator("h1").inner_text() == "Import löschen: Alte Liste"
    assert _axe(page) == []
    act.submit_and_wait(page.get_by_role("button", name="Endgültig löschen"))
    assert page.locator("h1").inner_text() == "Import von MO-Listen"
    assert "ist gelöscht" in page.locator("main").inner_text()
    assert not ImportJob.objects.filter(pk=job.pk).exists()
