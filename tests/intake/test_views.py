"""The import's pages: the upload only stores the file and the worker reads
it; obviously wrong files get a message next to the field, files the worker
cannot read a message on the job page; the job page's rows cost a fixed number
of queries, outsiders are turned away."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from intake import reading, services
from intake.models import ImportJob, ImportRow, ImportUpload
from tests.intake.listfile import as_csv, as_xlsx, generate
from tests.warm import warm

pytestmark = pytest.mark.django_db


def _upload(client, name, content):
    return client.post(
        reverse("intake:list"),
        {"source_name": "Liste", "file": SimpleUploadedFile(name, content)},
    )


def test_a_file_of_another_kind_or_broken_gets_a_message_next_to_the_field(client, coordinator):
    client.force_login(coordinator)
    response = _upload(client, "liste.pdf", b"%PDF-1.4")
    assert response.status_code == 400
    assert "Bitte laden Sie eine CSV- oder XLSX-Datei hoch." in response.content.decode()
    response = _upload(client, "liste.xlsx", b"not a zip")
    assert response.status_code == 400
    assert "Die Excel-Datei lässt sich nicht lesen." in response.content.decode()
    response = _upload(client, "leer.csv", b"\xef\xbb\xbf\r\n")
    assert response.status_code == 400
    assert "Die Datei ist leer." in response.content.decode()
    wide = ";".join(f"Spalte {i}" for i in range(61)).encode() + b"\nA;B\n"
    response = _upload(client, "breit.csv", wide)
    assert response.status_code == 400
    assert "Die Datei hat zu viele Spalten (höchstens 60)." in response.content.decode()
    assert not ImportJob.objects.exists() and not ImportUpload.objects.exists()


def _read(job):
    """The worker's step: it reads the file (once, whatever the rounds)."""
    while services.run_jobs(seconds=60, job_id=job.pk):
        pass
    job.refresh_from_db()


def test_too_many_rows_are_refused_by_the_worker_on_the_job_page(
    client, coordinator, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(reading, "MAX_ROWS", 10)
    client.force_login(coordinator)
    response = _upload(client, "liste.csv", as_csv(generate(11, existing=0), encoding="utf-8"))
    job = ImportJob.objects.get()
    assert response.url == reverse("intake:job", args=[job.pk])
    _read(job)
    assert job.state == ImportJob.State.FAILED and job.total == 0
    assert not job.rows.exists() and not ImportUpload.objects.exists()
    # The mapping is not there to be had; the job page says why.
    response = client.get(reverse("intake:mapping", args=[job.pk]))
    assert response.url == reverse("intake:job", args=[job.pk])
    warm()  # the vocabulary and the footer's operator slot, as in production
    with django_assert_num_queries(6):
        page = client.get(reverse("intake:job", args=[job.pk])).content.decode()
    assert "Datei nicht lesbar" in page and "Erlaubt sind höchstens 10" in page
    assert reverse("intake:list") in page
    # In the language of whoever looks at it, not the worker's.
    client.cookies["django_language"] = "en"
    page = client.get(reverse("intake:job", args=[job.pk])).content.decode()
    assert "At most 10 are allowed" in page and "Erlaubt sind" not in page


def test_an_excel_file_that_only_looks_like_one_fails_in_the_worker_with_a_message(
    client, coordinator
):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "kein XML")
    client.force_login(coordinator)
    response = _upload(client, "liste.xlsx", buffer.getvalue())
    assert response.status_code == 302  # the quick check cannot tell
    job = ImportJob.objects.get()
    _read(job)
    assert job.state == ImportJob.State.FAILED
    page = client.get(reverse("intake:job", args=[job.pk])).content.decode()
    assert "Die Excel-Datei lässt sich nicht lesen." in page
    assert not ImportUpload.objects.exists()


def test_the_upload_stores_the_file_and_the_worker_reads_it_once(
    client, coordinator, django_assert_num_queries
):
    client.force_login(coordinator)
    content = as_xlsx(generate(30, existing=0))
    response = _upload(client, "liste.xlsx", content)
    job = ImportJob.objects.get()
    assert response.url == reverse("intake:job", args=[job.pk])
    assert job.state == ImportJob.State.READING and job.file_name == "liste.xlsx"
    assert not job.rows.exists()
    assert bytes(ImportUpload.objects.get(job=job).data) == content
    warm()  # the vocabulary and the footer's operator slot, as in production
    with django_assert_num_queries(6):
        page = client.get(response.url).content.decode()
    assert "Datei wird gelesen" in page and "Stand aktualisieren" in page
    assert client.get(reverse("intake:mapping", args=[job.pk])).url == response.url

    # Two workers: the first claims the job; the second finds nothing to do.
    first = services.claim(job.pk)
    assert first is not None and services.claim(job.pk) is None
    # A worker whose lease is not the job's stores nothing.
    services.run_read(job_id=job.pk, lease="not-the-lease")
    assert not job.rows.exists() and ImportUpload.objects.filter(job=job).exists()
    # The first worker's lease runs out (a restart); another one takes over.
    ImportJob.objects.filter(pk=job.pk).update(lease_until=job.created_at)
    second = services.claim(job.pk)
    assert second is not None and second[1] != first[1]
    services.run_read(job_id=job.pk, lease=first[1])  # too late: lost its lease
    assert not job.rows.exists()
    services.run_read(job_id=job.pk, lease=second[1])
    services.run_read(job_id=job.pk, lease=second[1])  # once more: nothing twice
    assert services.run_jobs(seconds=60, job_id=job.pk) == 0
    job.refresh_from_db()
    assert job.state == ImportJob.State.MAPPING and job.lease == ""
    assert job.total == 30 and job.rows.count() == 30
    assert job.mapping["columns"]["0"] == "name"
    assert not ImportUpload.objects.exists()  # the bytes are gone once the rows are stored
    assert client.get(response.url).url == reverse("intake:mapping", args=[job.pk])


def test_upload_leads_to_the_mapping_with_suggestions(client, coordinator):
    client.force_login(coordinator)
    data = generate(20, existing=0)
    response = _upload(client, "liste.csv", as_csv(data, encoding="cp1252"))
    job = ImportJob.objects.get()
    assert response.url == reverse("intake:job", args=[job.pk])
    _read(job)
    page = client.get(reverse("intake:mapping", args=[job.pk])).content.decode()
    assert "Name der Organisation" in page and 'value="name" selected' in page
    # One field for two columns: a message, nothing stored.
    response = client.post(
        reverse("intake:mapping", args=[job.pk]),
        {"column-0": "name", "column-1": "name", "action": "check"},
    )
    assert response.status_code == 400
    assert "Jedes Feld kann nur einer Spalte zugeordnet werden." in response.content.decode()
    job.refresh_from_db()
    assert job.state == ImportJob.State.MAPPING


def test_the_job_page_costs_the_same_queries_for_many_rows(
    client, coordinator, django_assert_max_num_queries
):
    data = generate(250, existing=0)
    job = services.job_upload(
        source_name="L", file_name="l.csv", data=as_csv(data, encoding="utf-8"), by=coordinator
    )
    _read(job)
    services.job_map(job=job, mapping=job.mapping, check=True)
    while services.run_jobs(seconds=300, job_id=job.pk):
        pass
    client.force_login(coordinator)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("intake:job", args=[job.pk]))
    assert response.status_code == 200
    with django_assert_max_num_queries(14):
        response = client.get(reverse("intake:job", args=[job.pk]) + "?ergebnis=skip")
    assert response.status_code == 200


def test_members_and_institutions_may_not_import(client, member, institution_user):
    for user in (member, institution_user):
        client.force_login(user)
        assert client.get(reverse("intake:list")).status_code == 403
    client.logout()
    assert client.get(reverse("intake:list")).status_code == 302


def test_a_reader_crash_or_a_missing_file_fails_the_job_with_a_message(
    client, coordinator, monkeypatch, caplog
):
    client.force_login(coordinator)
    content = as_csv(generate(5, existing=0), encoding="utf-8")
    _upload(client, "kaputt.csv", content)
    _upload(client, "weg.csv", content)
    broken, gone = ImportJob.objects.order_by("pk")

    def crash(name, data):
        raise RuntimeError("the reader's library choked")

    monkeypatch.setattr(services, "read", crash)
    ImportUpload.objects.filter(job=gone).delete()
    _read(broken)
    _read(gone)
    assert broken.state == gone.state == ImportJob.State.FAILED
    assert "the file could not be read" in caplog.text  # logged for the operators
    page = client.get(reverse("intake:job", args=[broken.pk])).content.decode()
    assert "Die Datei lässt sich nicht lesen." in page and "choked" not in page
    page = client.get(reverse("intake:job", args=[gone.pk])).content.decode()
    assert "Die Datei ist nicht mehr da. Bitte laden Sie sie neu hoch." in page
    assert not ImportUpload.objects.exists() and not broken.rows.exists()


NOT_A_TABLE = "Diese Datei ist keine CSV- oder XLSX-Datei."


def _zip(*names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return buffer.getvalue()


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500
ODS = _zip("mimetype", "content.xml", "META-INF/manifest.xml")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("liste.xls", OLE2),
        ("liste.ods", ODS),
        ("liste.csv", OLE2),  # an .xls renamed
        ("liste.xlsx", OLE2),
        ("liste.csv", ODS),  # an .ods renamed
        ("liste.xlsx", ODS),
        ("liste.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"),  # a PDF renamed
        ("liste.csv", "Name;Ort\nVerein;Köln\n".encode("utf-16")),  # with its BOM
        ("liste.txt", "Name;Ort\nVerein;Köln\n".encode("utf-16-le")),  # without
        ("liste.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4),
    ],
)
def test_a_file_that_is_no_list_by_its_content_gets_its_own_message(
    client, coordinator, name, content
):
    client.force_login(coordinator)
    response = _upload(client, name, content)
    assert response.status_code == 400
    page = response.content.decode()
    assert NOT_A_TABLE in page and "„Excel-Arbeitsmappe (.xlsx)“" in page
    assert not ImportJob.objects.exists() and not ImportUpload.objects.exists()
    client.cookies["django_language"] = "en"
    page = _upload(client, name, content).content.decode()
    assert "This file is not a CSV or XLSX file." in page


@pytest.mark.parametrize(
    "content",
    [
        b"Name;Ort\r\nVerein;K\xf6ln\r\n\x1a",  # a short file with DOS's end-of-file mark
        b"Name;Notiz\n" + b"Verein;Zeile 1\x0bZeile 2\n" * 40,  # FileMaker
    ],
)
def test_real_lists_with_odd_control_characters_are_taken(client, coordinator, content):
    client.force_login(coordinator)
    assert _upload(client, "liste.csv", content).status_code == 302


def test_a_workbook_named_csv_is_read_as_a_workbook(client, coordinator):
    client.force_login(coordinator)
    assert _upload(client, "liste.csv", as_xlsx(generate(5, existing=0))).status_code == 302
    job = ImportJob.objects.get()
    _read(job)
    assert job.state == ImportJob.State.MAPPING and job.total == 5


def test_a_stored_file_that_is_no_list_fails_in_the_worker_never_hangs(
    client, coordinator, monkeypatch, caplog
):
    """Files stored before the content check, and rows the database refuses."""
    jobs = []
    for content in (OLE2, "Name;Ort\nVerein;Köln\n".encode("utf-16")):
        job = ImportJob.objects.create(source_name="L", file_name="l.csv", created_by=coordinator)
        ImportUpload.objects.create(job=job, data=content)
        jobs.append(job)
    for job in jobs:
        _read(job)
        assert job.state == ImportJob.State.FAILED
        assert job.error["message"].startswith(NOT_A_TABLE)
    client.force_login(coordinator)
    page = client.get(reverse("intake:job", args=[jobs[0].pk])).content.decode()
    assert NOT_A_TABLE in page

    def refuse(*args, **kwargs):
        raise ValueError("the database refuses a value")

    monkeypatch.setattr(ImportRow.objects, "bulk_create", refuse)
    _upload(client, "liste.csv", as_csv(generate(5, existing=0), encoding="utf-8"))
    job = ImportJob.objects.latest("pk")
    _read(job)
    assert job.state == ImportJob.State.FAILED and job.lease == ""
    assert "the rows could not be stored" in caplog.text
    assert not job.rows.exists() and not ImportUpload.objects.filter(job=job).exists()
