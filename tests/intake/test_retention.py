"""Data protection of imports: the rows' values (names, addresses, e-mails of a
list) are purged IMPORT_RETENTION_DAYS after a job is through or left standing;
the report stays, undo is no longer offered. A job that imported nothing can be
deleted by a coordinator, after a confirmation."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from directory.models import Organisation
from intake import services
from intake.models import ImportJob, ImportRow, ImportUpload
from portal.management.commands.run_worker import DAILY
from tests.intake.listfile import as_csv, generate
from tests.warm import warm

pytestmark = pytest.mark.django_db

DAYS = 90


@pytest.fixture(autouse=True)
def retention(settings):
    settings.IMPORT_RETENTION_DAYS = DAYS


def _run(job):
    while services.run_jobs(seconds=300, job_id=job.pk):
        pass
    job.refresh_from_db()


def _job(coordinator, *, until, rows=60, name="Liste"):
    """A job brought as far as ``until``: mapping, checked or done."""
    data = generate(rows, existing=0)
    job = services.job_upload(
        source_name=name, file_name="l.csv", data=as_csv(data, encoding="utf-8"), by=coordinator
    )
    _run(job)
    if until == ImportJob.State.MAPPING:
        return job
    services.job_map(job=job, mapping=job.mapping, check=True)
    _run(job)
    if until == ImportJob.State.CHECKED:
        return job
    services.job_start(job=job, publish=True, seen=job.changed_at)
    _run(job)
    assert job.state == ImportJob.State.DONE
    return job


def _age(job, days):
    ImportJob.objects.filter(pk=job.pk).update(
        changed_at=timezone.now() - datetime.timedelta(days=days)
    )
    job.refresh_from_db()


def _report(job):
    return list(
        job.rows.order_by("number").values_list(
            "number", "planned", "result", "organisation_pk", "candidates", "version_after"
        )
    )


def _reason_codes(job):
    return [[r["code"] for r in reasons] for reasons in job.rows.values_list("reasons", flat=True)]


def test_the_purge_keeps_the_report_and_drops_the_values(
    client, coordinator, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(services, "PURGE_BATCH", 7)  # several batches
    job = _job(coordinator, until=ImportJob.State.DONE)
    report, codes = _report(job), _reason_codes(job)
    assert job.rows.filter(result="update").exists() or job.rows.filter(result="create").exists()
    quoting = [r for reasons in job.rows.values_list("reasons", flat=True) for r in reasons]
    assert any("value" in r for r in quoting)  # the list's broken values are quoted
    client.force_login(coordinator)
    page = client.get(reverse("intake:job", args=[job.pk])).content.decode()
    until = (job.changed_at + datetime.timedelta(days=DAYS)).date()
    assert "werden bis zum" in page and "Rückgängig machen ist bis zum" in page
    assert f"{until.day}. " in page and str(until.year) in page
    assert reverse("intake:undo", args=[job.pk]) in page
    assert reverse("intake:delete", args=[job.pk]) not in page  # it created profiles

    _age(job, DAYS - 1)
    call_command("purge_imports", stdout=io.StringIO())
    job.refresh_from_db()
    assert job.purged_at is None and job.rows.exclude(values=[]).exists()  # not yet

    _age(job, DAYS + 1)
    out = io.StringIO()
    call_command("purge_imports", stdout=out)
    assert f"1 imports purged ({job.total} rows)" in out.getvalue()
    job.refresh_from_db()
    assert job.purged_at is not None and job.state == ImportJob.State.DONE
    assert not job.rows.exclude(values=[]).exists()
    assert not job.rows.filter(before__isnull=False).exists()
    assert _report(job) == report and _reason_codes(job) == codes
    assert not any(
        "value" in r for reasons in job.rows.values_list("reasons", flat=True) for r in reasons
    )
    assert Organisation.objects.filter(source_name="Liste").exists()  # profiles untouched
    # Once more: nothing left to do.
    assert services.purge_due() == (0, 0)

    with django_assert_max_num_queries(14):
        page = client.get(reverse("intake:job", args=[job.pk])).content.decode()
    assert "wurden am" in page and "gelöscht" in page
    assert "Rückgängig machen ist nur 90 Tage lang möglich" in page
    assert reverse("intake:undo", args=[job.pk]) not in page
    assert "Wert gelöscht" in page  # the reason without the quoted value
    # The same in English.
    client.cookies["django_language"] = "en"
    page = client.get(reverse("intake:job", args=[job.pk])).content.decode()
    assert "An import can only be undone for 90 days" in page
    assert "were deleted on" in page and "value deleted" in page


def test_undo_is_refused_after_the_period_even_before_the_purge(client, coordinator):
    job = _job(coordinator, until=ImportJob.State.DONE, rows=20)
    _age(job, DAYS + 1)
    assert job.undo_expired and not services.job_undo(job=job)
    client.force_login(coordinator)
    response = client.post(reverse("intake:undo", args=[job.pk]), follow=True)
    assert "Rückgängig machen ist nur 90 Tage lang möglich" in response.content.decode()
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    # After the purge as well, whatever the clock says.
    services.purge_due()
    ImportJob.objects.filter(pk=job.pk).update(changed_at=timezone.now())
    job.refresh_from_db()
    assert job.purged_at is not None and not services.job_undo(job=job)
    assert job.state == ImportJob.State.DONE


def test_young_jobs_and_working_jobs_are_left_alone(coordinator):
    young = _job(coordinator, until=ImportJob.State.DONE, rows=10, name="Jung")
    _age(young, DAYS - 1)
    working = _job(coordinator, until=ImportJob.State.CHECKED, rows=10, name="Läuft")
    ImportJob.objects.filter(pk=working.pk).update(state=ImportJob.State.QUEUED)
    _age(working, DAYS + 5)
    abandoned = _job(coordinator, until=ImportJob.State.MAPPING, rows=10, name="Liegen")
    _age(abandoned, DAYS + 1)
    failed = ImportJob.objects.create(source_name="Kaputt", file_name="k.csv", state="failed")
    _age(failed, DAYS + 1)
    assert services.purge_due() == (2, 10)
    for job in (young, working, abandoned, failed):
        job.refresh_from_db()
    assert young.purged_at is None and not young.rows.filter(values=[]).exists()
    assert working.purged_at is None and not working.rows.filter(values=[]).exists()
    assert abandoned.purged_at is not None and not abandoned.rows.exclude(values=[]).exists()
    assert failed.purged_at is not None
    # An abandoned job cannot go on without its values: no mapping, no dry run.
    assert not services.job_map(job=abandoned, mapping=abandoned.mapping, check=True)
    abandoned.refresh_from_db()
    assert abandoned.state == ImportJob.State.MAPPING


def test_a_purged_abandoned_job_shows_its_page_and_can_be_deleted(client, coordinator):
    job = _job(coordinator, until=ImportJob.State.CHECKED, rows=10)
    _age(job, DAYS + 1)
    services.purge_due()
    client.force_login(coordinator)
    assert client.get(reverse("intake:mapping", args=[job.pk])).url == reverse(
        "intake:job", args=[job.pk]
    )
    page = client.get(reverse("intake:job", args=[job.pk])).content.decode()
    assert "wurden am" in page and reverse("intake:delete", args=[job.pk]) in page
    assert reverse("intake:start", args=[job.pk]) not in page  # nothing to decide or start
    assert reverse("intake:resolve", args=[job.pk]) not in page
    response = client.post(reverse("intake:start", args=[job.pk]), {"publish": "0"}, follow=True)
    assert "nicht mehr starten" in response.content.decode()
    job.refresh_from_db()
    assert job.state == ImportJob.State.CHECKED  # not started without values


def test_the_worker_purges_in_its_daily_round(coordinator):
    assert ("purge_imports", []) in DAILY
    job = _job(coordinator, until=ImportJob.State.MAPPING, rows=10)
    _age(job, DAYS + 1)
    call_command("run_worker", "--once", stdout=io.StringIO())
    job.refresh_from_db()
    assert job.purged_at is not None and not job.rows.exclude(values=[]).exists()


@pytest.mark.parametrize("state", ["failed", "mapping", "checked"])
def test_a_job_that_imported_nothing_can_be_deleted_after_a_confirmation(
    client, coordinator, state, django_assert_num_queries
):
    if state == "failed":
        job = ImportJob.objects.create(source_name="Liste", file_name="l.csv", state=state)
        ImportUpload.objects.create(job=job, data=b"Name\nA\n")
    else:
        job = _job(coordinator, until=state, rows=10)
    assert job.deletable
    client.force_login(coordinator)
    page = client.get(reverse("intake:job", args=[job.pk]), follow=True).content.decode()
    assert reverse("intake:delete", args=[job.pk]) in page
    warm()  # the vocabulary and the footer's operator slot, as in production
    with django_assert_num_queries(6):
        response = client.get(reverse("intake:delete", args=[job.pk]))
    assert response.status_code == 200
    assert "Endgültig löschen" in response.content.decode()
    assert ImportJob.objects.filter(pk=job.pk).exists()  # the GET deletes nothing
    key = "k" * 24
    response = client.post(reverse("intake:delete", args=[job.pk]), {"submit_key": key})
    assert response.url == reverse("intake:list")
    assert not ImportJob.objects.filter(pk=job.pk).exists()
    assert not ImportRow.objects.filter(job_id=job.pk).exists()
    assert not ImportUpload.objects.filter(job_id=job.pk).exists()
    # A double click: the first answer again, never a 500.
    again = client.post(reverse("intake:delete", args=[job.pk]), {"submit_key": key})
    assert again.status_code == 302 and again["Location"] == reverse("intake:list")
    # Without a key (a second tab): the job is gone, a clean 404.
    assert client.post(reverse("intake:delete", args=[job.pk])).status_code == 404


@pytest.mark.parametrize("state", ["done", "undone", "reading", "queued", "running"])
def test_a_job_that_imported_or_is_at_work_cannot_be_deleted(client, coordinator, state):
    if state in ("done", "undone"):
        job = _job(coordinator, until=ImportJob.State.DONE, rows=10)
        if state == "undone":
            services.job_undo(job=job)
            _run(job)
        assert job.state == state
    else:
        job = ImportJob.objects.create(source_name="Liste", file_name="l.csv", state=state)
    assert not job.deletable
    client.force_login(coordinator)
    response = client.get(reverse("intake:delete", args=[job.pk]))
    assert response.status_code == 409
    page = response.content.decode()
    assert "Endgültig löschen" not in page
    if state == "done":
        assert "Machen Sie ihn zuerst rückgängig" in page
    response = client.post(reverse("intake:delete", args=[job.pk]), follow=True)
    assert "Dieser Import lässt sich nicht löschen." in response.content.decode()
    assert ImportJob.objects.filter(pk=job.pk).exists()
    assert not services.job_delete(job=job)


def test_only_coordinators_may_delete(client, member, institution_user):
    job = ImportJob.objects.create(source_name="Liste", file_name="l.csv", state="failed")
    url = reverse("intake:delete", args=[job.pk])
    for user in (member, institution_user):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url).status_code == 403
    client.logout()
    assert client.post(url).status_code == 302
    assert ImportJob.objects.filter(pk=job.pk).exists()


def test_the_job_list_costs_the_same_queries_for_more_jobs(
    client, coordinator, django_assert_num_queries
):
    client.force_login(coordinator)

    by = coordinator

    def jobs(n):
        ImportJob.objects.bulk_create(
            ImportJob(source_name=f"L{i}", file_name="l.csv", state="failed", created_by=by)
            for i in range(n)
        )

    jobs(2)
    warm()  # the vocabulary and the footer's operator slot, as in production
    with django_assert_num_queries(6):
        assert client.get(reverse("intake:list")).status_code == 200
    jobs(40)
    warm()  # the vocabulary and the footer's operator slot, as in production
    with django_assert_num_queries(6):
        assert client.get(reverse("intake:list")).status_code == 200
