"""Imports of MO lists: upload, reading, mapping, dry run, import, undo.

The worker (``manage.py run_imports``, a job of the portal's worker every round)
does the long parts: reading the uploaded file (in one step), and in batches
the dry run, the import and the undo. A phase is
claimed with a lease (a conditional UPDATE), every batch runs in one transaction
that first checks the lease and ends by recording the position, so a double
click, a second worker or a restart never does a row twice: a batch is done
completely or not at all.

Writes to profiles go through directory.services (history, search, caches).
"""

from __future__ import annotations

import datetime
import logging
import secrets
import time
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from core.types import User
from directory.models import Organisation, Term, Visibility
from directory.reach import has_team
from directory.services import organisation_save, organisations_delete
from directory.usage import organisations_in_use
from directory.vocabulary import get_vocabulary
from intake import fields as F
from intake.models import ImportJob, ImportRow, ImportUpload
from intake.plan import Context, Plan, plan_row, store_plan
from intake.reading import ReadError, check, read
from intake.suggest import column_values, suggest_values

logger = logging.getLogger(__name__)

BATCH = 200
# A batch's write transaction ends after about this long (14 s for 200 rows
# of a busy PostgreSQL held the profiles' locks that long).
BATCH_SECONDS = 1.0
LEASE = datetime.timedelta(minutes=5)
SOURCE_FIELDS = ["source_name", "source_imported_at"]


class JobStateError(Exception):
    """An action that does not fit the job's state (shown as a message)."""


# --- upload and mapping --------------------------------------------------------


def job_upload(*, source_name: str, file_name: str, data: bytes, by: User | None) -> ImportJob:
    """Store the uploaded file in a new job that waits for the worker to read
    it (state "reading"); the quick checks run here (ReadError: why not).

    Reading every row and suggesting the mapping is the worker's (``run_read``):
    16,000 rows took 32 s in the request, longer than a proxy waits."""
    check(file_name, data)
    with transaction.atomic():
        job = ImportJob.objects.create(
            source_name=source_name,
            file_name=file_name[:255],
            created_by=by,
            state=ImportJob.State.READING,
        )
        ImportUpload.objects.create(job=job, data=data)
    return job


def run_read(*, job_id: int, lease: str) -> None:
    """The worker reads the job's file: the rows are stored, the mapping is
    suggested and the job waits for its mapping; or it failed with the
    reader's message. Either way the file's bytes are deleted, in the same
    transaction that checks the lease (a second worker never stores the rows twice)."""
    data = ImportUpload.objects.filter(job_id=job_id).values_list("data", flat=True).first()
    job = ImportJob.objects.get(pk=job_id)
    if job.lease != lease or job.state != ImportJob.State.READING:
        return
    header: list[str] = []
    rows: list[list[str]] = []
    failure: ReadError | None = None
    if data is None:
        failure = ReadError(
            gettext_noop("Die Datei ist nicht mehr da. Bitte laden Sie sie neu hoch.")
        )
    else:
        try:
            header, rows = read(job.file_name, bytes(data))
        except ReadError as error:
            failure = error
        except Exception:  # a file the reader's libraries choke on: say so, keep working
            logger.exception("import %s: the file could not be read", job_id)
            failure = ReadError(gettext_noop("Die Datei lässt sich nicht lesen."))
    del data
    values: dict[str, Any] = {}
    mapping: dict[str, Any] = {}
    if failure is None:
        try:
            values = column_values(len(header), rows)
            mapping = suggest_mapping(job, F.suggest_columns(header), column_values=values)
        except Exception:
            logger.exception("import %s: the columns could not be summed up", job_id)
            failure = ReadError(gettext_noop("Die Datei lässt sich nicht lesen."))
    try:
        _store_read(job_id, lease, header, rows, values, mapping, failure)
    except Exception:  # e.g. a value the database refuses: the job fails, it never hangs
        logger.exception("import %s: the rows could not be stored", job_id)
        _store_read(
            job_id,
            lease,
            [],
            [],
            {},
            {},
            ReadError(gettext_noop("Die Datei lässt sich nicht lesen.")),
        )


def _store_read(
    job_id: int,
    lease: str,
    header: list[str],
    rows: list[list[str]],
    values: dict[str, Any],
    mapping: dict[str, Any],
    failure: ReadError | None,
) -> None:
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job_id)
        if locked.lease != lease or locked.state != ImportJob.State.READING:
            return
        if failure is None:
            ImportRow.objects.bulk_create(
                (ImportRow(job=locked, number=i + 2, values=cells) for i, cells in enumerate(rows)),
                batch_size=1000,
            )
            locked.header, locked.total, locked.mapping = header, len(rows), mapping
            locked.column_values = values
            locked.state = ImportJob.State.MAPPING
        else:
            locked.error = failure.as_json()
            locked.state = ImportJob.State.FAILED
        locked.position, locked.lease, locked.lease_until = 0, "", None
        locked.changed_at = timezone.now()
        locked.save()
        ImportUpload.objects.filter(job_id=job_id).delete()


def job_column_values(job: ImportJob) -> dict[str, dict[str, Any]]:
    """What the mapping shows of the job's columns (``intake.suggest.column_values``).
    The worker computes it when it reads the file; a job read before that has
    it computed here, once, from its rows (and stored)."""
    stored: dict[str, dict[str, Any]] = job.column_values
    if stored or not job.header or job.purged_at is not None:
        return stored
    rows = job.rows.order_by("number").values_list("values", flat=True)
    stored = column_values(len(job.header), rows.iterator(chunk_size=2000))
    ImportJob.objects.filter(pk=job.pk).update(column_values=stored)
    job.column_values = stored
    return stored


def suggest_mapping(
    job: ImportJob,
    columns: dict[str, str],
    values: dict[str, dict[str, str]] | None = None,
    *,
    column_values: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The mapping for these columns: the values' suggestions, overridden by
    the choices made (``values``). ``column_values``: the file's (else the job's)."""
    if column_values is None:
        column_values = job_column_values(job)
    suggested = suggest_values(columns, column_values, get_vocabulary().by_id.values())
    for name, chosen in (values or {}).items():
        if name in suggested:
            suggested[name].update({k: v for k, v in chosen.items() if k in suggested[name]})
    return {"columns": columns, "values": suggested}


def job_map(*, job: ImportJob, mapping: dict[str, Any], check: bool) -> bool:
    """Store the mapping; with ``check`` the dry run starts (the worker runs it).
    Without, a job whose dry run was done goes back to its mapping: the dry
    run's report showed another mapping, so it is void and the import needs a
    fresh one (``job_start`` refuses it). False when the job is past its
    mapping (a second tab, a double click)."""
    changes: dict[str, Any] = {"mapping": mapping, "changed_at": timezone.now(), "checked_at": None}
    if check:
        changes.update(state=ImportJob.State.CHECKING, position=0, lease="", lease_until=None)
    else:
        changes.update(state=ImportJob.State.MAPPING)
    done = ImportJob.objects.filter(
        pk=job.pk,
        state__in=[ImportJob.State.MAPPING, ImportJob.State.CHECKED],
        purged_at__isnull=True,
    ).update(**changes)
    job.refresh_from_db()
    return bool(done)


def job_remap(*, job: ImportJob) -> bool:
    """Back from the dry run to the mapping (the dry run is void)."""
    done = ImportJob.objects.filter(
        pk=job.pk, state=ImportJob.State.CHECKED, purged_at__isnull=True
    ).update(state=ImportJob.State.MAPPING, checked_at=None, changed_at=timezone.now())
    job.refresh_from_db()
    return bool(done)


def job_resolve(*, job: ImportJob, decisions: dict[int, tuple[str, int | None]]) -> int:
    """Decide flagged duplicates: row number -> (resolution, target profile).
    The rows are planned again at once (the report shows the decision).
    Returns the number of rows changed."""
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.state != ImportJob.State.CHECKED or locked.purged_at is not None:
            raise JobStateError("state")
        rows = list(locked.rows.filter(number__in=list(decisions)).exclude(candidates=[]))
        if not rows:
            return 0
        # Rows with candidates are no duplicates inside the file (see plan_row).
        context = Context.of(locked, file_duplicates={})
        for row in rows:
            row.resolution, row.resolution_target = decisions[row.number]
            store_plan(row, plan_row(row, context))
        ImportRow.objects.bulk_update(
            rows,
            ["resolution", "resolution_target", "planned", "reasons", "candidates"],
        )
        # A new plan: a start from a page that showed the old one is refused.
        locked.changed_at = timezone.now()
        locked.save(update_fields=["changed_at"])
    job.refresh_from_db()
    return len(rows)


def job_start(*, job: ImportJob, publish: bool, seen: datetime.datetime | None) -> bool:
    """Queue the import after the dry run whose report was shown: ``seen`` is
    the job's ``changed_at`` on that page. False when the job is not waiting
    for its start (already started: a double click), or its plan is not the
    one shown any more (another tab changed the mapping, checked it again or
    decided duplicates): the import never runs with a plan nobody saw."""
    if seen is None:
        return False
    done = ImportJob.objects.filter(
        pk=job.pk, state=ImportJob.State.CHECKED, changed_at=seen, purged_at__isnull=True
    ).update(
        state=ImportJob.State.QUEUED,
        publish=publish,
        position=0,
        lease="",
        lease_until=None,
        changed_at=timezone.now(),
    )
    job.refresh_from_db()
    return bool(done)


def job_undo(*, job: ImportJob) -> bool:
    """Queue the undo of a finished import (False: already queued or done, or
    too old: undo needs the rows' values, kept IMPORT_RETENTION_DAYS)."""
    now = timezone.now()
    done = ImportJob.objects.filter(
        pk=job.pk,
        state=ImportJob.State.DONE,
        purged_at__isnull=True,
        changed_at__gt=now - _retention(),
    ).update(
        state=ImportJob.State.UNDO_QUEUED,
        position=0,
        lease="",
        lease_until=None,
        changed_at=now,
    )
    job.refresh_from_db()
    return bool(done)


def job_delete(*, job: ImportJob) -> bool:
    """Delete a job that imported nothing (failed, or left in its mapping or
    dry run) with its rows and any stored file. False when its state does not
    allow it (a job that created profiles is undone, not deleted). The rows go
    in one DELETE (no row refers to them; 16,000 rows in well under a second)."""
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().filter(pk=job.pk).first()
        if locked is None or not locked.deletable:
            return False
        ImportRow.objects.filter(job=locked).delete()
        ImportUpload.objects.filter(job=locked).delete()
        locked.delete()
    return True


# --- retention ---------------------------------------------------------------------

PURGE_BATCH = 1000


def _retention() -> datetime.timedelta:
    return datetime.timedelta(days=settings.IMPORT_RETENTION_DAYS)


def _without_values(reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in reason.items() if k != "value"} for reason in reasons]


def purge_job(*, job_id: int, now: datetime.datetime | None = None) -> int:
    """Delete one due job's row values: the values as read, the profile's
    values before the import (what undo needed) and the values quoted in the
    reasons. The report stays (row number, planned and actual outcome, the
    profile, the reasons' codes, the duplicate candidates, which are profiles of
    the directory). In batches of PURGE_BATCH rows, each its own short
    transaction; every batch checks that the job is still due (an undo queued
    in the last second keeps its values), so a restart simply goes on. Returns
    the number of rows purged (0: not due)."""
    now = now or timezone.now()
    due = ImportJob.objects.filter(
        pk=job_id,
        state__in=ImportJob.KEPT,
        purged_at__isnull=True,
        changed_at__lte=now - _retention(),
    )
    purged, after = 0, 0
    while True:
        with transaction.atomic():
            job = due.select_for_update().first()
            if job is None:
                return purged
            rows = list(
                ImportRow.objects.filter(job_id=job_id, number__gt=after)
                .order_by("number")
                .values_list("pk", "number", "reasons")[:PURGE_BATCH]
            )
            if not rows:
                # The mapping's samples and distinct values are the rows' values too.
                job.purged_at, job.column_values = now, {}
                job.save(update_fields=["purged_at", "column_values"])
                return purged
            quoting = [
                ImportRow(pk=pk, reasons=_without_values(reasons))
                for pk, _number, reasons in rows
                if any("value" in reason for reason in reasons)
            ]
            ImportRow.objects.bulk_update(quoting, ["reasons"])
            ImportRow.objects.filter(pk__in=[pk for pk, _n, _r in rows]).update(
                values=[], before=None
            )
            purged += len(rows)
            after = rows[-1][1]


def purge_due(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Purge every job whose rows' values are kept long enough (the worker's
    daily round, ``manage.py purge_imports``). Returns (jobs, rows)."""
    now = now or timezone.now()
    due = ImportJob.objects.filter(
        state__in=ImportJob.KEPT, purged_at__isnull=True, changed_at__lte=now - _retention()
    ).order_by("changed_at", "pk")
    jobs = rows = 0
    for job_id in list(due.values_list("pk", flat=True)):
        rows += purge_job(job_id=job_id, now=now)
        jobs += 1
    return jobs, rows


# --- the worker ------------------------------------------------------------------


def claim(job_id: int | None = None) -> tuple[ImportJob, str] | None:
    """Claim the oldest job the worker has to work on (or this one): one that
    waits, or whose worker's lease ran out (a restart)."""
    now = timezone.now()
    waiting = ImportJob.objects.filter(state__in=list(ImportJob.PHASES)) | ImportJob.objects.filter(
        state__in=[ImportJob.State.RUNNING, ImportJob.State.UNDOING], lease_until__lt=now
    )
    waiting = waiting.filter(Q(lease="") | Q(lease_until__lt=now))
    if job_id is not None:
        waiting = waiting.filter(pk=job_id)
    for job in waiting.order_by("created_at", "pk").defer("column_values")[:5]:
        lease = secrets.token_hex(8)
        phase = ImportJob.PHASES.get(ImportJob.State(job.state))
        running = phase[0] if phase else job.state
        taken = ImportJob.objects.filter(pk=job.pk, state=job.state, lease=job.lease).update(
            state=running, lease=lease, lease_until=now + LEASE
        )
        if taken:
            job.refresh_from_db()
            return job, lease
    return None


def _finished(job: ImportJob) -> ImportJob.State:
    for waiting, (running, finished) in ImportJob.PHASES.items():
        if job.state in (waiting, running):
            return finished
    raise JobStateError(job.state)


def _timed(rows: list[ImportRow], seconds: float) -> Iterator[ImportRow]:
    """The rows, until ``seconds`` have passed (at least one): a batch's write
    transaction stays short whatever one row costs."""
    deadline = time.monotonic() + seconds
    for number, row in enumerate(rows):
        if number and time.monotonic() >= deadline:
            return
        yield row


BATCH_FIELDS = [
    "position",
    "lease",
    "lease_until",
    "state",
    "started_at",
    "changed_at",
    "checked_at",
    "finished_at",
    "undone_at",
]


def run_batch(
    *,
    job_id: int,
    lease: str,
    context: Context | None = None,
    size: int = BATCH,
    seconds: float | None = None,
) -> bool:
    """One batch of the job's current phase, in one transaction: at most
    ``size`` rows and about ``seconds`` long. Returns whether there is more to
    do (False also when the lease was lost)."""
    seconds = BATCH_SECONDS if seconds is None else seconds
    with transaction.atomic():
        # Not the column values (up to a few MB): a batch neither reads nor writes them.
        job = ImportJob.objects.select_for_update().defer("column_values").get(pk=job_id)
        if job.lease != lease:
            return False
        if job.state == ImportJob.State.UNDOING:
            # The newest rows first: a profile two rows of the list updated goes
            # back step by step to what the first of them found.
            waiting = job.rows.filter(undo="", result__in=UNDOABLE)
            rows = list(waiting.order_by("-number")[:size])
        else:
            # Row numbers count the header as row 1: the data row n is the (n-1)th.
            rows = list(job.rows.filter(number__gt=job.position + 1).order_by("number")[:size])
        if job.state == ImportJob.State.CHECKING:
            context = context or Context.of(job)
            done = []
            for row in _timed(rows, seconds):
                store_plan(row, plan_row(row, context))
                done.append(row)
            ImportRow.objects.bulk_update(
                done, ["planned", "reasons", "candidates", "duplicate_of_row"]
            )
        elif job.state == ImportJob.State.RUNNING:
            context = context or Context.of(job)
            context.job = job
            if job.started_at is None:
                job.started_at = timezone.now()
            done = []
            for row in _timed(rows, seconds):
                if not row.result:
                    _import_row_safely(row, context)
                done.append(row)
            ImportRow.objects.bulk_update(
                done,
                ["result", "organisation_pk", "before", "version_after", "reasons", "candidates"],
            )
        elif job.state == ImportJob.State.UNDOING:
            done = _undo_rows(rows, job, seconds)
        else:
            return False
        more = len(done) < len(rows) or len(rows) == size
        if job.state == ImportJob.State.UNDOING:
            job.position = min(job.total, job.position + len(done))
        else:
            job.position = done[-1].number - 1 if done else job.position
        job.lease_until = timezone.now() + LEASE
        if not more:
            job.position = job.total
            job.state = _finished(job)
            job.lease, job.lease_until = "", None
            now = timezone.now()
            job.changed_at = now
            if job.state == ImportJob.State.CHECKED:
                job.checked_at = now
            elif job.state == ImportJob.State.DONE:
                job.finished_at = now
            elif job.state == ImportJob.State.UNDONE:
                job.undone_at = now
        job.save(update_fields=BATCH_FIELDS)
        return more


def run_jobs(*, seconds: float = 50.0, job_id: int | None = None) -> int:
    """Work on waiting jobs for about ``seconds`` (the worker's round); returns
    the number of batches done."""
    deadline = time.monotonic() + seconds
    batches = 0
    while time.monotonic() < deadline:
        claimed = claim(job_id)
        if claimed is None:
            return batches
        job, lease = claimed
        if job.state == ImportJob.State.READING:
            run_read(job_id=job.pk, lease=lease)  # one step: the file is read at once
            batches += 1
            continue
        context = Context.of(job) if job.state != ImportJob.State.UNDOING else None
        while True:
            more = run_batch(job_id=job.pk, lease=lease, context=context)
            batches += 1
            if not more or time.monotonic() >= deadline:
                break
    return batches


# --- one row ---------------------------------------------------------------------


def _terms(vocabulary: dict[str, dict[str, Term]], name: str, slugs: Iterable[str]) -> list[Term]:
    kind = F.BY_NAME[name].term_kind
    return [vocabulary[kind][s] for s in slugs if s in vocabulary.get(kind, {})]


def _json(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def _version(pk: int) -> int:
    return int(Organisation.objects.filter(pk=pk).values_list("version", flat=True).get())


def _import_row_safely(row: ImportRow, context: Context) -> None:
    """Import the row in its own savepoint: a value the database refuses all
    the same (a check the cleaning missed) skips this row with the reason
    "error" instead of failing the batch again and again."""
    try:
        with transaction.atomic():
            _import_row(row, plan_row(row, context), context)
    except (DataError, IntegrityError, ValidationError):
        # A value refused for good. A passing failure (a deadlock, a timeout, a
        # lock) is no reason: it fails the batch, which the worker runs again.
        logger.exception("import %s row %s failed", context.job.pk, row.number)
        row.result = ImportRow.Action.SKIP
        row.organisation_pk, row.before, row.version_after = None, None, None
        row.reasons = [{"code": "error"}]


def _street(changes: dict[str, Any], current: str = Visibility.PUBLIC) -> None:
    """An imported street is shown to signed-in institutions at most (it may
    be a volunteer's home); the team decides when it takes the profile over.
    A narrower visibility stays as it is."""
    if changes.get("street") and current == Visibility.PUBLIC:
        changes["street_visibility"] = Visibility.INSTITUTIONS


def _import_row(row: ImportRow, plan: Plan, context: Context) -> None:
    if row.result:  # done before (never twice, whatever the position says)
        return
    job = context.job
    row.result = plan.action
    row.reasons, row.candidates = plan.reasons, plan.candidates
    assert plan.cleaned is not None
    cleaned = plan.cleaned
    now = job.started_at or timezone.now()
    by = job.created_by
    if plan.action == ImportRow.Action.CREATE:
        values = dict(cleaned.fields)
        _street(values)
        organisation = Organisation(**values)
        organisation.status = (
            Organisation.Status.PUBLISHED if job.publish else Organisation.Status.IN_REVIEW
        )
        organisation.source_name = job.source_name
        organisation.source_imported_at = now
        terms = {
            name: _terms(context.vocabulary, name, slugs) for name, slugs in cleaned.terms.items()
        }
        organisation_save(organisation=organisation, by=by, relations=terms, reason="imported")
        row.organisation_pk = organisation.pk
        row.version_after = _version(organisation.pk)
        context.created.add(organisation.pk)
    elif plan.action == ImportRow.Action.UPDATE:
        assert plan.target is not None
        stored = Organisation.objects.select_for_update().get(pk=plan.target)
        # A profile with a team is the team's: the list only fills what is empty
        # (fields and term lists) and leaves the team's settings alone.
        team = has_team(stored)
        changes = {
            k: v
            for k, v in cleaned.fields.items()
            if getattr(stored, k) != v and not (team and getattr(stored, k) not in ("", None))
        }
        if not team:
            _street(changes, stored.street_visibility)
        changes.update(source_name=job.source_name, source_imported_at=now)
        before: dict[str, Any] = {
            "fields": {k: _json(getattr(stored, k)) for k in changes},
            "terms": {},
        }
        relations: dict[str, list[Term]] = {}
        for name, slugs in cleaned.terms.items():
            current = list(getattr(stored, name).values_list("slug", flat=True))
            if team and current:
                continue
            wanted = current + [s for s in slugs if s not in current]
            if wanted != current:
                before["terms"][name] = current
                relations[name] = _terms(context.vocabulary, name, wanted)
        for name, value in changes.items():
            setattr(stored, name, value)
        fields = [k.removesuffix("_id") for k in changes]
        organisation_save(
            organisation=stored, by=by, relations=relations, fields=fields, reason="imported"
        )
        row.organisation_pk = stored.pk
        row.before = before
        row.version_after = _version(stored.pk)


def _undo_rows(rows: list[ImportRow], job: ImportJob, seconds: float) -> list[ImportRow]:
    """Undo these rows (as many as ``seconds`` allow); returns those done.

    The profiles are locked first, in the order of their keys (two undos, or an
    undo and a merge, never wait for each other in a circle), and only then
    judged: a profile changed since the import keeps its values, a created
    profile in use (taken over, asked for, remembered: directory.usage) stays.
    Anything that refers to a profile locks it in PostgreSQL (a foreign key's
    share lock) or waits for this transaction, so nothing can start using a
    profile between the judgement and the deletion."""
    pks = sorted(
        {
            row.organisation_pk
            for row in rows
            if row.organisation_pk and not row.undo and row.result in UNDOABLE
        }
    )
    locked = {
        o.pk: o for o in Organisation.objects.select_for_update().filter(pk__in=pks).order_by("pk")
    }
    in_use = organisations_in_use(
        row.organisation_pk
        for row in rows
        if row.result == ImportRow.Action.CREATE and row.organisation_pk in locked
    )
    done, created = [], []
    for row in _timed(rows, seconds):
        gone = _undo_row(row, job, locked, in_use, rows)
        if gone is not None:
            created.append(gone)
        done.append(row)
    # The profiles the import created go in one cascade for the batch.
    organisations_delete(organisations=created, by=job.created_by, reason="import undone")
    ImportRow.objects.bulk_update(done, ["undo", "undo_reason"])
    return done


UNDOABLE = (ImportRow.Action.CREATE, ImportRow.Action.UPDATE)


def _undo_row(
    row: ImportRow,
    job: ImportJob,
    locked: dict[int, Organisation],
    in_use: set[int],
    batch: list[ImportRow],
) -> Organisation | None:
    """Undo one row; returns the profile the row created, for the caller to
    delete with the others of its batch."""
    if row.undo or row.result not in UNDOABLE:
        return None
    stored = locked.get(row.organisation_pk or 0)
    if stored is None:
        row.undo, row.undo_reason = ImportRow.Undo.LEFT, "gone"
        return None
    if stored.version != row.version_after:
        row.undo, row.undo_reason = ImportRow.Undo.LEFT, "changed"
        return None
    if row.result == ImportRow.Action.CREATE:
        if stored.pk in in_use:
            row.undo, row.undo_reason = ImportRow.Undo.LEFT, "in_use"
            return None
        row.undo = ImportRow.Undo.DONE
        return stored
    before = row.before or {"fields": {}, "terms": {}}
    for name, value in before["fields"].items():
        setattr(stored, name, value)
    vocabulary = {
        name: {t.slug: t for t in get_vocabulary().kind(F.BY_NAME[name].term_kind)}
        for name in before["terms"]
    }
    relations = {
        name: [vocabulary[name][s] for s in slugs if s in vocabulary[name]]
        for name, slugs in before["terms"].items()
    }
    organisation_save(
        organisation=stored,
        by=job.created_by,
        relations=relations,
        fields=[k.removesuffix("_id") for k in before["fields"]],
        reason="import undone",
        expected_version=row.version_after,
    )
    stored.version = _version(stored.pk)
    # An earlier row of this list that wrote the version this row found
    # (nobody saved in between) is undone against the version restored now.
    assert row.version_after is not None
    earlier = {
        "job": job,
        "organisation_pk": stored.pk,
        "result": ImportRow.Action.UPDATE,
        "undo": "",
        "version_after": row.version_after - 1,
        "number__lt": row.number,
    }
    ImportRow.objects.filter(**earlier).update(version_after=stored.version)
    for other in batch:
        if (
            other.organisation_pk == stored.pk
            and other.result == ImportRow.Action.UPDATE
            and other.number < row.number
            and not other.undo
            and other.version_after == row.version_after - 1
        ):
            other.version_after = stored.version
    row.undo = ImportRow.Undo.DONE
    return None
