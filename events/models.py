"""Events and exchange formats the guide names (Fachtagungen, Arbeitsmarktgespräche,
Open Space, Austauschplattformen), and the external iCalendar feeds imported.

Who announces, and what goes public when (events.access, events.services):

- The team of a *published* MO profile announces for its MO: the profile went
  through the coordinators' review, its team is known and accountable. A draft or
  archived profile announces nothing; the events of a profile that is no longer
  published leave the calendar and the feeds with it.
- A *verified* institution announces in its own name (``organiser_name``); an
  unverified institution account is an ordinary signed-in user and may not.
- Coordinators announce for anybody (a name) and manage the imported feeds.

An announced event is public at once (no review queue: a date is short-lived and
its organiser is already checked). Coordinators may hide any event (``hidden``:
out of the calendar and the feeds, its page 404 to the public) and show it again.
A cancelled event stays on its page and in the feeds with STATUS:CANCELLED, so
calendars that subscribed learn of the cancellation.
"""

import datetime
import uuid
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.concurrency import version_field
from directory.models import Organisation, Term, vocabulary_term, vocabulary_terms


class EventFormat(models.TextChoices):
    """The formats the guide names, and workshops and others."""

    CONFERENCE = "conference", _("Fachtagung")
    LABOUR_MARKET_TALK = "labour_market_talk", _("Arbeitsmarktgespräch")
    OPEN_SPACE = "open_space", _("Open Space")
    EXCHANGE = "exchange", _("Austauschplattform / Netzwerktreffen")
    WORKSHOP = "workshop", _("Workshop / Schulung")
    OTHER = "other", _("Sonstiges")


class ImportedFeed(models.Model):
    """An external iCalendar feed, fetched by the worker (``import_event_feeds``)."""

    url = models.URLField(_("Adresse des Kalenders (iCalendar)"), max_length=500, unique=True)
    organiser_name = models.CharField(_("Veranstalter"), max_length=200)
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_feeds",
        verbose_name=_("Migrantenorganisation"),
    )
    default_format = models.CharField(
        _("Format der Veranstaltungen"),
        max_length=30,
        choices=EventFormat.choices,
        default=EventFormat.OTHER,
    )
    active = models.BooleanField(_("Aktiv"), default=True)
    last_fetched_at = models.DateTimeField(_("Zuletzt abgerufen"), null=True, blank=True)
    last_error = models.TextField(_("Letzter Fehler"), blank=True)
    created_at = models.DateTimeField(_("Angelegt am"), default=timezone.now)

    class Meta:
        verbose_name = _("Importierter Kalender")
        verbose_name_plural = _("Importierte Kalender")
        ordering = ["organiser_name"]

    def __str__(self) -> str:
        return self.organiser_name


class EventQuerySet(models.QuerySet["Event"]):
    def public(self) -> Self:
        """Published and cancelled events, not hidden, of no MO or of a published MO."""
        return self.filter(hidden=False).filter(
            Q(organisation__isnull=True) | Q(organisation__status=Organisation.Status.PUBLISHED)
        )


class Event(models.Model):
    Format = EventFormat

    class Status(models.TextChoices):
        PUBLISHED = "published", _("Veröffentlicht")
        CANCELLED = "cancelled", _("Abgesagt")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), max_length=4000, blank=True)
    format = models.CharField(
        _("Format"), max_length=30, choices=Format.choices, default=Format.OTHER
    )
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))
    all_day = models.BooleanField(_("Ganztägig"), default=False)
    online = models.BooleanField(_("Online"), default=False)
    online_url = models.URLField(_("Link zur Online-Teilnahme"), max_length=500, blank=True)
    venue = models.CharField(_("Veranstaltungsort"), max_length=200, blank=True)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postal_code = models.CharField(_("PLZ"), max_length=10, blank=True)
    city = models.CharField(_("Ort"), max_length=100, blank=True)
    state = vocabulary_term(Term.Kind.STATE, _("Bundesland"))
    languages = vocabulary_terms(Term.Kind.LANGUAGE, _("Sprachen"))
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("Migrantenorganisation"),
    )
    organiser_name = models.CharField(_("Veranstalter"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    feed = models.ForeignKey(
        ImportedFeed, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    external_uid = models.CharField(max_length=500, blank=True)
    # The occurrence of a recurring external event ("" for a single event).
    recurrence_id = models.CharField(max_length=40, blank=True)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED
    )
    hidden = models.BooleanField(_("Von der Koordination ausgeblendet"), default=False)
    sequence = models.PositiveIntegerField(default=0)  # iCalendar SEQUENCE
    created_at = models.DateTimeField(_("Angelegt am"), default=timezone.now)
    updated_at = models.DateTimeField(_("Geändert am"), default=timezone.now)
    version = version_field()

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("Veranstaltung")
        verbose_name_plural = _("Veranstaltungen")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["starts_at"], name="event_starts_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | ~Q(organiser_name=""),
                name="event_has_an_organiser",
            ),
            models.UniqueConstraint(
                fields=["feed", "external_uid", "recurrence_id"],
                condition=Q(feed__isnull=False),
                name="event_imported_once",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"uid": self.uid})

    @property
    def organiser(self) -> str:
        return self.organisation.name if self.organisation else self.organiser_name

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def last_day(self) -> datetime.date:
        """The last day (of an all-day event, stored up to the midnight after it)."""
        end = timezone.localtime(self.ends_at)
        if self.all_day:
            end -= datetime.timedelta(microseconds=1)
        return max(end.date(), timezone.localtime(self.starts_at).date())

    @property
    def one_day(self) -> bool:
        return self.last_day == timezone.localtime(self.starts_at).date()

    @property
    def location(self) -> str:
        """The place in one line ("" for an event only online)."""
        town = " ".join(part for part in (self.postal_code, self.city) if part)
        return ", ".join(part for part in (self.venue, self.street, town) if part)
