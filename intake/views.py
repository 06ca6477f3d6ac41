"""The coordinators' import pages: list and upload, mapping, dry run, job."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.access import permission_required_or_403
from directory.models import Organisation
from intake import fields as F
from intake import services
from intake.access import PERMISSION, job_for_coordinator
from intake.forms import StartForm, UploadForm, field_choices, term_choices
from intake.models import ImportJob, ImportRow
from intake.reading import ReadError
from intake.report import UNDO_REASONS, candidate_reasons, reason_text
from intake.suggest import listed_values

ROWS_PER_PAGE = 100
FORM_MARGIN = 20  # the mapping form's fields besides columns and values
OUTCOMES = {
    "create": ImportRow.Action.CREATE,
    "update": ImportRow.Action.UPDATE,
    "skip": ImportRow.Action.SKIP,
}


@permission_required_or_403(PERMISSION)
def job_list(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.job_upload(
                source_name=form.cleaned_data["source_name"],
                file_name=upload.name,
                data=upload.read(),
                by=request.user,  # type: ignore[arg-type]
            )
        except ReadError as error:
            form.add_error("file", str(error))
        else:
            # The worker reads the file; the job page shows how far it is.
            return redirect("intake:job", pk=job.pk)
    status = 400 if request.method == "POST" else 200
    jobs = ImportJob.objects.select_related("created_by").defer("column_values")[:50]
    return render(request, "intake/list.html", {"form": form, "jobs": jobs}, status=status)


def _columns(job: ImportJob, values: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    chosen = job.mapping.get("columns", {})
    return [
        {
            "index": index,
            "header": header or f"#{index + 1}",
            "field": chosen.get(str(index), ""),
            "samples": values.get(str(index), {}).get("samples", []),
        }
        for index, header in enumerate(job.header)
    ]


def _posted_mapping(
    request: HttpRequest, job: ImportJob
) -> tuple[dict[str, str], dict[str, dict[str, str]], list[str], set[tuple[str, str]]]:
    """The columns and the values' choices of a posted mapping, with what is
    wrong in them. Whatever else is posted (unknown keys, a column the file does
    not have, a field that does not exist or has no vocabulary, a value the
    column does not hold) is ignored: the page never posts it.

    Returns columns (index as text -> field), the values' choices (field ->
    value key -> slug or ''), the messages, and the (field, value key) pairs
    whose slug is not a term of the field's vocabulary."""
    columns: dict[str, str] = {}
    for index in range(len(job.header)):
        name = request.POST.get(f"column-{index}", "")
        if name in F.BY_NAME:
            columns[str(index)] = name
    errors: list[str] = []
    named = list(columns.values())
    if len(set(named)) != len(named):
        errors.append(_("Jedes Feld kann nur einer Spalte zugeordnet werden."))
    chosen: dict[str, dict[str, str]] = {}
    wrong: set[tuple[str, str]] = set()
    slugs: dict[str, set[str]] = {}
    for key in request.POST:
        name, separator, value = key.removeprefix("value-").partition("-")
        spec = F.BY_NAME.get(name)
        if not key.startswith("value-") or not separator or spec is None or not spec.term_kind:
            continue
        if name not in slugs:
            slugs[name] = {slug for slug, _label in term_choices(spec.term_kind)}
        slug = request.POST.get(key, "")
        if slug in slugs[name]:
            chosen.setdefault(name, {})[value] = slug
        else:
            wrong.add((name, value))
    for name in sorted({name for name, _value in wrong}):
        errors.append(
            _("Bitte wählen Sie für „%(field)s“ nur Begriffe aus der Liste.")
            % {"field": F.BY_NAME[name].label}
        )
    return columns, chosen, errors, wrong


def _value_sections(
    job: ImportJob,
    column_values: dict[str, dict[str, Any]],
    wrong: set[tuple[str, str]] | None = None,
) -> list[dict[str, Any]]:
    sections = []
    values = job.mapping.get("values", {})
    # One select per value, all in one form: the form must stay under Django's
    # limit of fields per request (else the page could not be saved at all).
    budget = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS - len(job.header) - FORM_MARGIN
    for index, name in sorted(job.mapping.get("columns", {}).items(), key=lambda i: int(i[0])):
        spec = F.BY_NAME.get(name)
        if spec is None or spec.kind not in (F.TERM, F.TERMS):
            continue
        every = sorted(
            listed_values(column_values, index, many=spec.kind == F.TERMS), key=lambda e: -e[2]
        )
        listed = every[: max(budget, 0)]  # the most frequent first
        budget -= len(listed)
        entries = [
            {
                "n": n,
                "value": value,
                "key": key,
                "count": count,
                "slug": values.get(name, {}).get(key, ""),
                "wrong": (name, key) in (wrong or set()),
            }
            for n, (key, value, count) in enumerate(listed)
        ]
        entries.sort(key=lambda e: (e["slug"] != "", e["value"].lower()))
        sections.append(
            {
                "field": name,
                "label": spec.label,
                "entries": entries,
                "unknown": sum(1 for e in entries if not e["slug"]),
                "choices": term_choices(spec.term_kind),
                "more": column_values.get(index, {}).get("more", False) or len(listed) < len(every),
            }
        )
    return sections


@permission_required_or_403(PERMISSION)
def job_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    job = job_for_coordinator(request, pk)
    if job.state not in (ImportJob.State.MAPPING, ImportJob.State.CHECKED) or job.purged_at:
        return redirect("intake:job", pk=job.pk)
    errors: list[str] = []
    wrong: set[tuple[str, str]] = set()  # (field, value key): a slug not of its vocabulary
    status = 200
    if request.method == "POST":
        columns, chosen, errors, wrong = _posted_mapping(request, job)
        check = request.POST.get("action") == "check"
        if check and "name" not in columns.values():
            errors.append(_("Bitte ordnen Sie eine Spalte dem Feld „Name“ zu."))
        if errors:
            status = 400
        else:
            mapping = services.suggest_mapping(job, columns, values=chosen)
            if not services.job_map(job=job, mapping=mapping, check=check):
                messages.info(request, _("Diese Zuordnung ist schon abgeschlossen."))
                return redirect("intake:job", pk=job.pk)
            if check:
                return redirect("intake:job", pk=job.pk)
            messages.success(request, _("Die Spalten sind gespeichert. Prüfen Sie nun die Werte."))
            return redirect(reverse("intake:mapping", args=[job.pk]) + "#werte")
    column_values = services.job_column_values(job)
    return render(
        request,
        "intake/mapping.html",
        {
            "job": job,
            "columns": _columns(job, column_values),
            "sections": _value_sections(job, column_values, wrong),
            "field_choices": field_choices(),
            "errors": errors,
        },
        status=status,
    )


def _rows_page(request: HttpRequest, job: ImportJob, column: str) -> tuple[Any, str]:
    rows = job.rows.order_by("number")
    shown = request.GET.get("ergebnis", "")
    if shown in OUTCOMES:
        rows = rows.filter(**{column: OUTCOMES[shown]})
    elif shown == "dubletten":
        rows = rows.exclude(candidates=[])
    elif shown == "offen":
        rows = rows.exclude(candidates=[]).filter(resolution="")
    elif shown == "nicht-rueckgaengig":
        rows = rows.filter(undo=ImportRow.Undo.LEFT)
    else:
        shown = ""
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    pks = [row.organisation_pk for row in page if row.organisation_pk]
    slugs = dict(Organisation.objects.filter(pk__in=pks).values_list("pk", "slug"))
    name_index = _name_index(job)
    for row in page:
        done = row.organisation_pk if row.result != "skip" else None
        row.slug = slugs.get(done) if done else None  # type: ignore[attr-defined]
        row.reason_texts = [reason_text(r) for r in row.reasons]  # type: ignore[attr-defined]
        for candidate in row.candidates:
            candidate["why"] = candidate_reasons(candidate["reasons"])
        # A short row, or one whose values are purged (IMPORT_RETENTION_DAYS): no name.
        named = name_index is not None and name_index < len(row.values)
        row.name = row.values[name_index] if named else ""  # type: ignore[attr-defined]
        row.undo_text = UNDO_REASONS.get(row.undo_reason, "")  # type: ignore[attr-defined]
    return page, shown


def _name_index(job: ImportJob) -> int | None:
    for index, name in job.mapping.get("columns", {}).items():
        if name == "name":
            return int(index)
    return None


def _counts(job: ImportJob, column: str) -> dict[str, int]:
    from django.db.models import Count

    counts = dict(job.rows.values_list(column).annotate(n=Count("pk")).values_list(column, "n"))
    return {key: counts.get(value, 0) for key, value in OUTCOMES.items()}


@permission_required_or_403(PERMISSION)
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The job: its progress while the worker works; the dry run's report with
    the duplicates to decide and the start; after the import every row's
    outcome and the undo."""
    job = job_for_coordinator(request, pk)
    if job.state == ImportJob.State.MAPPING and job.purged_at is None:
        return redirect("intake:mapping", pk=job.pk)
    if job.state in (ImportJob.State.READING, ImportJob.State.FAILED):
        # No rows yet: the page says that the file is being read, or why it
        # could not be (and leads back to the upload).
        return render(request, "intake/job.html", {"job": job, "reading": True})
    imported = job.state in (
        ImportJob.State.RUNNING,
        ImportJob.State.DONE,
        ImportJob.State.UNDO_QUEUED,
        ImportJob.State.UNDOING,
        ImportJob.State.UNDONE,
    )
    column = "result" if imported else "planned"
    page, shown = _rows_page(request, job, column)
    context = {
        "job": job,
        "page": page,
        "shown": shown,
        "counts": _counts(job, column),
        "imported": imported,
        "open_duplicates": job.rows.exclude(candidates=[]).filter(resolution="").count()
        if job.state == ImportJob.State.CHECKED
        else 0,
        "left": job.rows.filter(undo=ImportRow.Undo.LEFT).count()
        if job.state == ImportJob.State.UNDONE
        else 0,
        # The dry run's decisions and the start (not once the values are purged).
        "deciding": job.state == ImportJob.State.CHECKED and job.purged_at is None,
        "start_form": StartForm.of(job.changed_at),
        "undo_expired_text": undo_expired_text() if job.undo_expired else "",
        "resolutions": ImportRow.Resolution.choices,
        "filters": [
            ("", _("Alle")),
            ("create", _("Neu")),
            ("update", _("Aktualisiert")),
            ("skip", _("Übersprungen")),
            ("dubletten", _("Mögliche Dubletten")),
            *([("offen", _("Nicht entschieden"))] if not imported else []),
            *([("nicht-rueckgaengig", _("Nicht rückgängig"))] if job.state == "undone" else []),
        ],
    }
    return render(request, "intake/job.html", context)


@permission_required_or_403(PERMISSION)
@require_POST
def job_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    job = job_for_coordinator(request, pk)
    decisions: dict[int, tuple[str, int | None]] = {}
    allowed = {c for c, _label in ImportRow.Resolution.choices}
    for key in request.POST:
        value = request.POST.get(key, "")
        if not key.startswith("row-"):
            continue
        try:
            number = int(key.removeprefix("row-"))
        except ValueError:
            continue
        resolution, _sep, target = value.partition(":")
        if resolution not in allowed:
            continue
        decisions[number] = (resolution, int(target) if target.isdigit() else None)
    if not decisions:
        return redirect("intake:job", pk=job.pk)
    try:
        changed = services.job_resolve(job=job, decisions=decisions)
    except services.JobStateError:
        messages.info(request, _("Der Probelauf ist schon abgeschlossen."))
        return redirect("intake:job", pk=job.pk)
    saved = ngettext(
        "%(n)s Entscheidung gespeichert.", "%(n)s Entscheidungen gespeichert.", changed
    )
    messages.success(request, saved % {"n": changed})
    query = request.POST.get("next_query", "")
    return redirect(reverse("intake:job", args=[job.pk]) + (f"?{query}" if query else ""))


@permission_required_or_403(PERMISSION)
@require_POST
def job_start(request: HttpRequest, pk: int) -> HttpResponse:
    job = job_for_coordinator(request, pk)
    form = StartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bitte wählen Sie, was mit neuen Profilen geschieht."))
        return redirect("intake:job", pk=job.pk)
    started = services.job_start(
        job=job, publish=form.cleaned_data["publish"], seen=form.cleaned_data["plan"]
    )
    if started:
        messages.success(request, _("Der Import ist gestartet. Diese Seite zeigt den Fortschritt."))
    elif job.purged_at is not None:
        messages.error(
            request,
            _(
                "Dieser Import lässt sich nicht mehr starten: "
                "Die Werte seiner Zeilen sind gelöscht."
            ),
        )
    elif job.state in (ImportJob.State.MAPPING, ImportJob.State.CHECKING, ImportJob.State.CHECKED):
        messages.error(
            request,
            _(
                "Der Import ist nicht gestartet: Die Zuordnung oder eine Entscheidung zu "
                "Dubletten wurde geändert, nachdem dieser Probelauf angezeigt wurde. Prüfen "
                "Sie den aktuellen Probelauf und starten Sie den Import dann."
            ),
        )
    else:
        messages.info(request, _("Der Import war schon gestartet."))
    return redirect("intake:job", pk=job.pk)


@permission_required_or_403(PERMISSION)
@require_POST
def job_undo(request: HttpRequest, pk: int) -> HttpResponse:
    job = job_for_coordinator(request, pk)
    if services.job_undo(job=job):
        messages.success(request, _("Der Import wird rückgängig gemacht."))
    elif job.undo_expired:
        messages.error(request, undo_expired_text())
    else:
        messages.info(request, _("Das Rückgängigmachen war schon gestartet."))
    return redirect("intake:job", pk=job.pk)


def undo_expired_text() -> str:
    days = settings.IMPORT_RETENTION_DAYS
    return ngettext(
        "Rückgängig machen ist nur %(days)s Tag lang möglich. Die Werte der Zeilen, die "
        "dafür nötig sind, werden danach gelöscht.",
        "Rückgängig machen ist nur %(days)s Tage lang möglich. Die Werte der Zeilen, die "
        "dafür nötig sind, werden danach gelöscht.",
        days,
    ) % {"days": days}


@permission_required_or_403(PERMISSION)
def job_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a job that imported nothing (failed, or left in its mapping or
    dry run), after a confirmation. A job that created profiles is undone
    instead; the page says so."""
    job = job_for_coordinator(request, pk)
    if request.method == "POST":
        if services.job_delete(job=job):
            messages.success(
                request,
                _("Der Import „%(name)s“ ist gelöscht, mit allen Zeilen.")
                % {"name": job.source_name},
            )
            return redirect("intake:list")
        messages.error(request, _("Dieser Import lässt sich nicht löschen."))
        return redirect("intake:job", pk=job.pk)
    status = 200 if job.deletable else 409
    return render(request, "intake/delete.html", {"job": job}, status=status)


@permission_required_or_403(PERMISSION)
@require_POST
def job_remap(request: HttpRequest, pk: int) -> HttpResponse:
    job = job_for_coordinator(request, pk)
    services.job_remap(job=job)
    return redirect("intake:mapping", pk=job.pk)
