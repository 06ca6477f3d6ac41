"""An import of an MO list: the job (file, mapping, state, progress) and its rows
(the values as read, the planned and the actual outcome, what undo needs)."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    class State(models.TextChoices):
        READING = "reading", _("Datei wird gelesen")
        FAILED = "failed", _("Datei nicht lesbar")
        MAPPING = "mapping", _("Zuordnung offen")
        CHECKING = "checking", _("Probelauf läuft")
        CHECKED = "checked", _("Probelauf fertig")
        QUEUED = "queued", _("Import wartet")
        RUNNING = "running", _("Import läuft")
        DONE = "done", _("Importiert")
        UNDO_QUEUED = "undo_queued", _("Rückgängig: wartet")
        UNDOING = "undoing", _("Rückgängig: läuft")
        UNDONE = "undone", _("Rückgängig gemacht")

    # The worker's phases: a state it picks up, the state while it works, the
    # state when it is through.
    PHASES = {
        State.READING: (State.READING, State.MAPPING),
        State.CHECKING: (State.CHECKING, State.CHECKED),
        State.QUEUED: (State.RUNNING, State.DONE),
        State.UNDO_QUEUED: (State.UNDOING, State.UNDONE),
    }

    source_name = models.CharField(
        _("Quelle"),
        max_length=200,
        help_text=_("Woher die Liste kommt, z. B. „Integrationsrat Köln 2025“."),
    )
    file_name = models.CharField(_("Datei"), max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Angelegt von"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("Angelegt am"), default=timezone.now)
    state = models.CharField(_("Stand"), max_length=12, choices=State.choices, default="reading")
    publish = models.BooleanField(
        _("Neue Profile sofort veröffentlichen"),
        default=False,
        help_text=_("Sonst warten neue Profile in der Prüfung."),
    )
    header = models.JSONField(_("Spalten"), default=list)
    # {"columns": {"<index>": "<field>"}, "values": {"<field>": {"<value>": "<slug>|''"}}}
    mapping = models.JSONField(_("Zuordnung"), default=dict, blank=True)
    # What the mapping page shows of the columns, computed once when the file is
    # read (intake.suggest.column_values): samples, distinct values with counts.
    column_values = models.JSONField(_("Werte der Spalten"), default=dict, blank=True)
    total = models.PositiveIntegerField(_("Zeilen"), default=0)
    # The worker's place in the current phase: this many rows are done (the
    # data rows up to row number position + 1; the header is row 1).
    position = models.PositiveIntegerField(_("Bearbeitet bis Zeile"), default=0)
    # Who works on the job (a worker's lease), so that two workers never do a row twice.
    lease = models.CharField(max_length=40, blank=True, default="")
    lease_until = models.DateTimeField(null=True, blank=True)
    # Why the worker could not read the file (state "failed"): the German
    # message and its values, translated when shown (intake.reading.ReadError).
    error = models.JSONField(_("Fehler beim Lesen"), default=dict, blank=True)
    checked_at = models.DateTimeField(_("Probelauf am"), null=True, blank=True)
    started_at = models.DateTimeField(_("Import gestartet am"), null=True, blank=True)
    finished_at = models.DateTimeField(_("Import fertig am"), null=True, blank=True)
    undone_at = models.DateTimeField(_("Rückgängig gemacht am"), null=True, blank=True)
    # The last change of state or mapping: the retention clock of a job that is
    # through (done, undone, failed) or left standing (mapping, checked).
    changed_at = models.DateTimeField(_("Zuletzt geändert"), default=timezone.now)
    # When the rows' values (and what undo needed) were deleted (settings.IMPORT_RETENTION_DAYS).
    purged_at = models.DateTimeField(_("Werte gelöscht am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Import")
        verbose_name_plural = _("Importe")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.source_name} ({self.file_name})"

    @property
    def busy(self) -> bool:
        return self.state in {
            self.State.READING,
            self.State.CHECKING,
            self.State.QUEUED,
            self.State.RUNNING,
            self.State.UNDO_QUEUED,
            self.State.UNDOING,
        }

    # The states whose rows' values are kept IMPORT_RETENTION_DAYS after the last
    # change, then purged; and those a coordinator may delete (nothing imported).
    KEPT = (State.DONE, State.UNDONE, State.FAILED, State.MAPPING, State.CHECKED)
    DELETABLE = (State.FAILED, State.MAPPING, State.CHECKED)

    @property
    def keep_until(self) -> datetime.datetime | None:
        """Until when the rows' values are kept (None: while the worker works,
        or purged already). For a finished import also the end of its undo."""
        if self.purged_at is not None or self.state not in self.KEPT:
            return None
        return self.changed_at + datetime.timedelta(days=settings.IMPORT_RETENTION_DAYS)

    @property
    def undo_expired(self) -> bool:
        """A finished import whose values are (or are due to be) purged: no undo."""
        if self.state != self.State.DONE:
            return False
        until = self.keep_until
        return until is None or until <= timezone.now()

    @property
    def retention_days(self) -> int:
        return int(settings.IMPORT_RETENTION_DAYS)

    @property
    def deletable(self) -> bool:
        return self.state in self.DELETABLE

    @property
    def error_text(self) -> str:
        """The reader's message, in the language of the page that shows it."""
        from intake.reading import ReadError

        return str(ReadError(self.error.get("message", ""), self.error.get("params") or {}))

    @property
    def percent(self) -> int:
        return round(100 * self.position / self.total) if self.total else 100


class ImportUpload(models.Model):
    """The uploaded file while it waits for the worker to read it.

    The bytes live in the database, not under MEDIA_ROOT: the request that
    stores them and the worker that reads them may run on different machines
    (several web servers behind a proxy, the worker on its own host), and the
    database is the one store they all share without a shared file system. A
    file is at most intake.reading.MAX_BYTES (10 MB). The row goes as soon as
    the worker has stored the rows (or found the file unreadable), in the same
    transaction: the list's personal data is kept no longer than needed, and
    never twice."""

    job = models.OneToOneField(
        ImportJob, on_delete=models.CASCADE, primary_key=True, related_name="upload"
    )
    data = models.BinaryField()

    class Meta:
        verbose_name = _("Hochgeladene Datei")
        verbose_name_plural = _("Hochgeladene Dateien")

    def __str__(self) -> str:
        return str(self.job_id)


class ImportRow(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("Neu anlegen")
        UPDATE = "update", _("Vorhandenes Profil aktualisieren")
        SKIP = "skip", _("Überspringen")

    class Resolution(models.TextChoices):
        NONE = "", _("Noch nicht entschieden (wird übersprungen)")
        UPDATE = "update", _("Vorhandenes Profil aktualisieren")
        CREATE = "create", _("Trotzdem neu anlegen")
        SKIP = "skip", _("Überspringen")

    class Undo(models.TextChoices):
        NONE = "", _("–")
        DONE = "done", _("Rückgängig gemacht")
        LEFT = "left", _("Nicht rückgängig gemacht")

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField(_("Zeile"))  # in the file (the header is row 1)
    values = models.JSONField(_("Werte"), default=list)
    # The dry run: what would happen and why (see intake.plan).
    planned = models.CharField(_("Geplant"), max_length=6, choices=Action.choices, blank=True)
    reasons = models.JSONField(_("Gründe"), default=list, blank=True)
    candidates = models.JSONField(_("Mögliche Dubletten"), default=list, blank=True)
    duplicate_of_row = models.PositiveIntegerField(_("Dublette von Zeile"), null=True, blank=True)
    resolution = models.CharField(
        _("Entscheidung"), max_length=6, choices=Resolution.choices, blank=True, default=""
    )
    resolution_target = models.PositiveBigIntegerField(null=True, blank=True)
    # The import: what happened.
    result = models.CharField(_("Ergebnis"), max_length=6, choices=Action.choices, blank=True)
    organisation_pk = models.PositiveBigIntegerField(_("Profil"), null=True, blank=True)
    before = models.JSONField(_("Werte vorher"), null=True, blank=True)
    version_after = models.PositiveIntegerField(null=True, blank=True)
    undo = models.CharField(_("Rückgängig"), max_length=4, choices=Undo.choices, blank=True)
    undo_reason = models.CharField(_("Warum nicht rückgängig"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Importzeile")
        verbose_name_plural = _("Importzeilen")
        ordering = ["job", "number"]
        constraints = [
            models.UniqueConstraint(fields=["job", "number"], name="intake_row_unique_number")
        ]
        indexes = [models.Index(fields=["job", "planned"], name="intake_row_planned")]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.number}"
