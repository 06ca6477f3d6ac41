"""The done-when test of the import: a realistic list of 2,000 rows (umlauts,
cp1252 and UTF-8-BOM CSV and XLSX with date cells and Excel serial dates,
duplicates inside the file and against the database, unknown vocabulary,
broken rows). The dry run's report equals what the import does; duplicates
are flagged, not created; undo restores the previous state exactly."""

import os

import pytest
from django.db import connection

from directory.models import Membership, Offer, Organisation
from intake import services
from intake.models import ImportJob, ImportRow, ImportUpload
from intake.plan import Context
from tests.factories import make_organisation
from tests.intake.listfile import as_csv, as_xlsx, generate

pytestmark = pytest.mark.django_db(transaction=False)

N = int(os.environ.get("INTAKE_ROWS", "2000"))
# What every profile row holds apart from bookkeeping: the version counter and
# the time of the last save move on with every save, also with the undo's.
BOOKKEEPING = {"version", "updated_at"}


def _state():
    """Every row of the tables an import touches, by primary key."""
    tables = {
        "organisation": Organisation.objects.all(),
        "offer": Offer.objects.all(),
        "membership": Membership.objects.all(),
    }
    for relation in ("roles", "fields", "target_groups", "communities", "languages"):
        tables[relation] = getattr(Organisation, relation).through.objects.all()
    return {
        name: {
            row["id"]: {k: v for k, v in row.items() if k not in BOOKKEEPING}
            for row in rows.values()
        }
        for name, rows in tables.items()
    }


def _run(job):
    while services.run_jobs(seconds=600, job_id=job.pk):
        pass
    job.refresh_from_db()


def _upload(**kwargs):
    """The upload request stores the file; the worker's step reads it."""
    job = services.job_upload(**kwargs)
    assert job.state == ImportJob.State.READING and not job.rows.exists()
    _run(job)
    assert job.state == ImportJob.State.MAPPING, job.error
    assert not ImportUpload.objects.filter(job=job).exists()  # the bytes are gone
    return job


@pytest.fixture
def data():
    return generate(N)


@pytest.fixture
def existing(data, coordinator):
    created = [make_organisation(**values, slug=None) for values in data.existing]
    return created


def test_the_three_formats_read_alike(data, coordinator):
    files = {
        "liste.csv": as_csv(data, encoding="cp1252"),
        "liste-bom.csv": as_csv(data, encoding="utf-8-sig", delimiter=","),
        "liste.xlsx": as_xlsx(data),
    }
    cleaned = {}
    for name, content in files.items():
        job = _upload(source_name="Test", file_name=name, data=content, by=coordinator)
        assert job.total == N
        assert job.mapping["columns"]["0"] == "name"
        assert job.mapping["columns"]["9"] == "founding_year"
        context = Context.of(job)
        cleaned[name] = [
            (c.fields, c.terms) for c in map(context.clean, job.rows.order_by("number"))
        ]
    assert cleaned["liste.csv"] == cleaned["liste-bom.csv"] == cleaned["liste.xlsx"]
    first = cleaned["liste.csv"][0][0]
    assert first["name"] == data.rows[0][0]  # umlauts intact
    years = [fields.get("founding_year") for fields, _terms in cleaned["liste.xlsx"]]
    assert sum(1 for y in years if y and 1960 <= y <= 2024) > N * 0.9


def test_dry_run_matches_import_and_undo_restores(data, existing, coordinator):
    job = _upload(
        source_name="Integrationsrat Köln 2025",
        file_name="liste.xlsx",
        data=as_xlsx(data),
        by=coordinator,
    )
    mapping = job.mapping
    # Unknown values are listed; the coordinator maps one and ignores the rest.
    assert mapping["values"]["languages"]["klingonisch"] == ""
    assert mapping["values"]["languages"]["turkisch"] == "tr"
    assert mapping["values"]["languages"]["polish"] == "pl"
    assert mapping["values"]["fields"]["youth"] == "jugend"
    assert mapping["values"]["fields"]["kochen"] == ""
    mapping["values"]["fields"]["kochen"] = "kultur"
    assert services.job_map(job=job, mapping=mapping, check=True)
    _run(job)
    assert job.state == ImportJob.State.CHECKED
    rows = {r.number: r for r in job.rows.all()}
    # Broken rows are skipped with the reason.
    for number, problem in data.broken.items():
        assert rows[number].planned == ImportRow.Action.SKIP, (number, problem)
        codes = {r["code"] for r in rows[number].reasons}
        assert codes & {"missing_name", "invalid"}, (number, problem, rows[number].reasons)
    # Duplicates inside the file are skipped and point at an earlier row: the
    # one they were copied from, or one of its look-alikes (generated names of
    # one origin and kind in one town also resemble each other).
    assert len(data.file_duplicates) > N * 0.02
    same = 0
    assert set(data.file_duplicates) == {n for n, r in rows.items() if r.duplicate_of_row}
    for number, earlier in data.file_duplicates.items():
        assert rows[number].planned == ImportRow.Action.SKIP
        assert rows[number].duplicate_of_row is not None, (number, rows[number].values)
        assert rows[number].duplicate_of_row < number
        same += rows[number].duplicate_of_row == earlier
    assert same >= len(data.file_duplicates) * 0.9
    # Duplicates of existing profiles are flagged with the candidate and why.
    assert len(data.database_duplicates) >= 10
    flagged = []
    for number, name in data.database_duplicates.items():
        row = rows[number]
        assert row.planned == ImportRow.Action.SKIP
        assert row.candidates and row.candidates[0]["name"] == name
        assert "name_town" in row.candidates[0]["reasons"]
        flagged.append(number)
    # The coordinator decides some: update three, create two anyway, skip one.
    decisions = dict.fromkeys(flagged[:3], ("update", None))
    decisions |= dict.fromkeys(flagged[3:5], ("create", None))
    decisions[flagged[5]] = ("skip", None)
    assert services.job_resolve(job=job, decisions=decisions) == 6
    planned = dict(job.rows.values_list("number", "planned"))
    assert planned[flagged[0]] == ImportRow.Action.UPDATE
    assert planned[flagged[3]] == ImportRow.Action.CREATE
    unknown = [r for r in job.rows.all() if any(x["code"] == "unknown" for x in r.reasons)]
    assert unknown  # Klingonisch, Plattdeutsch: listed on the row, ignored

    before = _state()
    profiles_before = Organisation.objects.count()
    assert services.job_start(job=job, publish=True, seen=job.changed_at)
    assert not services.job_start(job=job, publish=True, seen=job.changed_at)  # a double click
    _run(job)
    assert job.state == ImportJob.State.DONE
    result = dict(job.rows.values_list("number", "result"))
    assert result == planned  # the dry run's report is what the import did
    creates = sum(1 for a in planned.values() if a == ImportRow.Action.CREATE)
    assert Organisation.objects.count() == profiles_before + creates
    assert creates > N * 0.85
    # Flagged duplicates were not created: one profile per existing name.
    for name in data.database_duplicates.values():
        base = name.replace(" e. V.", "")
        same = Organisation.objects.filter(name__startswith=base).count()
        assert same in (1, 2)  # 2 only where the coordinator said "create anyway"
    created = Organisation.objects.get(pk=job.rows.filter(result="create").first().organisation_pk)
    assert created.source_name == "Integrationsrat Köln 2025"
    assert created.is_published and created.source_unconfirmed
    updated = Organisation.objects.get(pk=rows[flagged[0]].candidates[0]["pk"])
    assert updated.source_name == "Integrationsrat Köln 2025"
    # A second run of the worker changes nothing (a restart, a second worker).
    assert services.run_jobs(seconds=60, job_id=job.pk) == 0

    assert services.job_undo(job=job)
    assert not services.job_undo(job=job)  # a double click
    _run(job)
    assert job.state == ImportJob.State.UNDONE
    assert not job.rows.filter(undo=ImportRow.Undo.LEFT).exists()
    after = _state()
    for table in before:
        assert after[table] == before[table], table


def test_undo_leaves_profiles_changed_since(existing, coordinator):
    data = generate(30, seed=3, existing=0)
    target = existing[0]
    data.rows[0][0] = target.name
    data.rows[0][3], data.rows[0][4] = target.postal_code, target.city
    job = _upload(
        source_name="Netzwerk",
        file_name="l.csv",
        data=as_csv(data, encoding="utf-8"),
        by=coordinator,
    )
    services.job_map(job=job, mapping=job.mapping, check=True)
    _run(job)
    services.job_resolve(job=job, decisions={2: ("update", target.pk)})
    services.job_start(job=job, publish=False, seen=job.changed_at)
    _run(job)
    created = job.rows.filter(result="create").order_by("number")
    assert Organisation.objects.get(pk=created[0].organisation_pk).status == "in_review"
    # Somebody edits the updated profile and one of the new ones.
    from directory.services import organisation_save

    for pk in (target.pk, created[0].organisation_pk):
        profile = Organisation.objects.get(pk=pk)
        profile.description = "Von Hand ergänzt"
        organisation_save(organisation=profile, by=coordinator, fields=["description"])
    services.job_undo(job=job)
    _run(job)
    left = dict(job.rows.filter(undo="left").values_list("number", "undo_reason"))
    assert left == {2: "changed", created[0].number: "changed"}
    assert Organisation.objects.get(pk=target.pk).description == "Von Hand ergänzt"
    assert Organisation.objects.filter(pk=created[1].organisation_pk).count() == 0
    assert connection.vendor in ("sqlite", "postgresql")
