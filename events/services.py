"""Announcing, editing, cancelling and hiding events; the import of external
iCalendar feeds.

The import (``import_feed``) parses a feed with ``icalendar`` and upserts its
VEVENTs by (feed, UID, occurrence): a re-import updates, never duplicates. Times
with TZID keep their zone, floating times are read in Europe/Berlin, DATE values
are all-day events. A recurring event (RRULE, with EXDATE and overriding
RECURRENCE-ID components) is expanded with dateutil into its occurrences from
``PAST_DAYS`` ago to ``HORIZON_DAYS`` ahead, at most ``MAX_OCCURRENCES`` each.
Future events that vanished from the feed are cancelled (they stay in our feeds
with STATUS:CANCELLED). A broken VEVENT is skipped, counted and its error kept
(``ImportedFeed.last_error``); it never stops the import of the others.
"""

from __future__ import annotations

import datetime
import html
import re
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from dateutil.rrule import rruleset, rrulestr  # type: ignore[import-untyped]
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import strip_tags
from icalendar import Calendar, vRecur
from icalendar import Event as VEvent

from core.concurrency import advance_version
from events.models import Event, ImportedFeed

if TYPE_CHECKING:
    from accounts.models import User

PAST_DAYS = 30
HORIZON_DAYS = 366
MAX_OCCURRENCES = 52
MAX_EVENTS_PER_FEED = 1000
FETCH_TIMEOUT = 20  # seconds
MAX_FEED_BYTES = 5 * 1024 * 1024


class FeedError(Exception):
    """The feed as a whole could not be read; the message is for coordinators."""


# Announcing and editing ---------------------------------------------------------


def _normalise_all_day(event: Event) -> None:
    """An all-day event runs from the midnight of its first day to the midnight
    after its last day (local time); the dates of start and end count (the edit
    form shows the last day as the end, events.forms)."""
    if not event.all_day:
        return
    zone = timezone.get_current_timezone()
    first = timezone.localtime(event.starts_at, zone).date()
    last = max(timezone.localtime(event.ends_at, zone).date(), first)
    event.starts_at = _midnight(first, zone)
    event.ends_at = _midnight(last + datetime.timedelta(days=1), zone)


def _midnight(day: datetime.date, zone: datetime.tzinfo) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)


@transaction.atomic
def event_save(*, event: Event, by: User, expected_version: int | None) -> Event:
    """Save a new or edited event; an edit only if the event is still at the
    version the form was loaded from (else ``core.concurrency.Conflict``). Each
    edit raises the iCalendar SEQUENCE. Languages are set by the caller in the
    same transaction."""
    _normalise_all_day(event)
    now = timezone.now()
    if event.pk is None:
        event.created_by = by
        event.created_at = now
    else:
        event.version = advance_version(
            Event, event.pk, expected_version, sequence=F("sequence") + 1
        )
        event.sequence = Event.objects.values_list("sequence", flat=True).get(pk=event.pk)
    event.updated_at = now
    event.save()
    return event


def _change(event: Event, **changes: Any) -> Event:
    event.version = advance_version(
        Event, event.pk, None, sequence=F("sequence") + 1, updated_at=timezone.now(), **changes
    )
    event.refresh_from_db(fields=[*changes, "sequence", "updated_at"])
    return event


@transaction.atomic
def event_cancel(*, event: Event, by: User) -> Event:
    """Cancelled: it stays on its page and in the feeds with STATUS:CANCELLED."""
    return _change(event, status=Event.Status.CANCELLED)


@transaction.atomic
def event_hide(*, event: Event, by: User, hidden: bool) -> Event:
    """A coordinator hides an event from the public (or shows it again): out of
    the calendar and the feeds, its page 404 for all but who may edit it. An
    import leaves the flag as it is."""
    return _change(event, hidden=hidden)


@transaction.atomic
def feed_save(*, feed: ImportedFeed, by: User) -> ImportedFeed:
    """A coordinator adds or changes an external feed; the worker imports it
    (``import_event_feeds``) on its next round."""
    if feed.pk is not None:
        feed.last_fetched_at = None  # fetched anew at the next round
    feed.save()
    return feed


def personal_data(user: User) -> dict[str, Any]:
    """The events a person announced (for the data export)."""
    events = Event.objects.filter(created_by=user).select_related("organisation")
    return {
        "events_announced": [
            {
                "title": event.title,
                "organiser": event.organiser,
                "starts_at": event.starts_at.isoformat(),
                "status": event.status,
                "url": event.get_absolute_url(),
            }
            for event in events.order_by("starts_at", "pk")
        ]
    }


# Import --------------------------------------------------------------------------


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    cancelled: int = 0  # vanished from the feed
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class _Occurrence:
    recurrence_id: str
    values: dict[str, Any]


BERLIN = ZoneInfo("Europe/Berlin")


def _aware(value: datetime.date | datetime.datetime) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):  # floating time: read in the portal's zone
            return value.replace(tzinfo=BERLIN)
        return value
    return _midnight(value, BERLIN)


def _key(value: datetime.date | datetime.datetime) -> str:
    """A stable text for an occurrence (its original start)."""
    if isinstance(value, datetime.datetime):
        return _aware(value).astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    return value.strftime("%Y%m%d")


def _text(component: VEvent, name: str, limit: int) -> str:
    value = component.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0]
    return str(value).strip()[:limit]


def _plain(text: str) -> str:
    """Plain text of a description that calendars (Google, Outlook) wrote as HTML."""
    if "<" not in text:
        return text
    text = re.sub(r"<br\s*/?>|</p>|</li>", "\n", text, flags=re.IGNORECASE)
    return html.unescape(strip_tags(text)).strip()


def _values(component: VEvent, feed: ImportedFeed) -> dict[str, Any]:
    """The fields of one VEVENT (start and end still as in the feed)."""
    title = _text(component, "SUMMARY", 200)
    if not title:
        raise ValueError("no SUMMARY")
    start = component.start
    end = component.end
    all_day = not isinstance(start, datetime.datetime)
    if all_day and isinstance(end, datetime.datetime):
        raise ValueError("DTSTART is a DATE, DTEND a DATE-TIME")
    description = _plain(_text(component, "DESCRIPTION", 8000))[:4000]
    url = _text(component, "URL", 500)
    if url and url not in description:
        description = f"{description}\n\n{url}".strip()[:4000]
    location = _text(component, "LOCATION", 200)
    online = location.startswith(("http://", "https://"))
    status = _text(component, "STATUS", 20).upper()
    return {
        "title": title,
        "description": description,
        "start": start,
        "end": end,
        "all_day": all_day,
        "venue": "" if online else location,
        "online": online,
        "online_url": location if online else "",
        "status": Event.Status.CANCELLED if status == "CANCELLED" else Event.Status.PUBLISHED,
        "organisation": feed.organisation,
        "organiser_name": feed.organiser_name[:200],
        "format": feed.default_format,
    }


def _finish(values: dict[str, Any]) -> dict[str, Any]:
    """Start and end as aware datetimes (all-day: midnight to midnight after)."""
    start, end = values.pop("start"), values.pop("end")
    starts_at, ends_at = _aware(start), _aware(end)
    if values["all_day"] and ends_at <= starts_at:
        ends_at = starts_at + datetime.timedelta(days=1)
    if ends_at < starts_at:
        raise ValueError("DTEND before DTSTART")
    return {**values, "starts_at": starts_at, "ends_at": ends_at}


def _recurrences(
    master: VEvent,
    start: datetime.date | datetime.datetime,
    since: datetime.datetime,
    until: datetime.datetime,
    overrides: dict[str, VEvent],
) -> list[datetime.date | datetime.datetime]:
    """The original starts of a recurring event within the window, without
    EXDATEs and overridden occurrences. Expanded in the wall time of its zone
    (10:00 stays 10:00 across daylight saving time)."""
    zone = start.tzinfo if isinstance(start, datetime.datetime) else None
    if isinstance(start, datetime.datetime):
        base = start.replace(tzinfo=None)
    else:
        base = datetime.datetime.combine(start, datetime.time.min)
    wall = zone or BERLIN
    rules = rruleset()
    found = master.get("RRULE")
    for recur in found if isinstance(found, list) else [found]:
        parts = {name: value for name, value in recur.items() if name.upper() != "UNTIL"}
        text = vRecur(parts).to_ical().decode()  # type: ignore[no-untyped-call]
        rule = rrulestr(text, dtstart=base)
        last = recur.get("UNTIL")
        if last:
            last = last[0] if isinstance(last, list) else last
            if not isinstance(last, datetime.datetime):
                last = datetime.datetime.combine(last, datetime.time.max)
            elif timezone.is_aware(last):
                last = last.astimezone(wall).replace(tzinfo=None)
            rule = rule.replace(until=last)
        rules.rrule(rule)
    exdates = {_key(value) for value in master.exdates}
    after = timezone.localtime(since, wall).replace(tzinfo=None)
    before = timezone.localtime(until, wall).replace(tzinfo=None)
    result: list[datetime.date | datetime.datetime] = []
    for when in rules.xafter(after, inc=True):
        if when > before or len(result) >= MAX_OCCURRENCES:
            break
        original: datetime.date | datetime.datetime
        if not isinstance(start, datetime.datetime):
            original = when.date()
        else:
            original = when.replace(tzinfo=zone)
        key = _key(original)
        if key not in exdates and key not in overrides:
            result.append(original)
    return result


def _occurrences(
    master: VEvent | None, overrides: dict[str, VEvent], feed: ImportedFeed, now: datetime.datetime
) -> list[_Occurrence]:
    """The occurrences of one UID within the window: the event itself, or the
    expanded recurrences of its RRULE with the overriding components."""
    since = now - datetime.timedelta(days=PAST_DAYS)
    until = now + datetime.timedelta(days=HORIZON_DAYS)
    result: list[_Occurrence] = []
    if master is not None:
        values = _values(master, feed)
        if "RRULE" not in master:
            result.append(_Occurrence("", _finish(values)))
        else:
            for original in _recurrences(master, values["start"], since, until, overrides):
                occurrence = {
                    **values,
                    "start": original,
                    "end": original + (values["end"] - values["start"]),
                }
                result.append(_Occurrence(_key(original), _finish(occurrence)))
    for key, component in overrides.items():
        result.append(_Occurrence(key, _finish(_values(component, feed))))
    return [o for o in result if o.values["ends_at"] >= since]


FIELDS = [
    "title",
    "description",
    "starts_at",
    "ends_at",
    "all_day",
    "venue",
    "online",
    "online_url",
    "status",
    "organisation",
    "organiser_name",
    "format",
]


def _upsert(feed: ImportedFeed, uid: str, occurrence: _Occurrence, report: ImportReport) -> None:
    values = occurrence.values
    existing = Event.objects.filter(
        feed=feed, external_uid=uid, recurrence_id=occurrence.recurrence_id
    ).first()
    now = timezone.now()
    if existing is None:
        Event.objects.create(
            feed=feed,
            external_uid=uid,
            recurrence_id=occurrence.recurrence_id,
            created_at=now,
            updated_at=now,
            **{name: values[name] for name in FIELDS},
        )
        report.created += 1
        return
    changed = [name for name in FIELDS if getattr(existing, name) != values[name]]
    if not changed:
        report.unchanged += 1
        return
    for name in changed:
        setattr(existing, name, values[name])
    existing.sequence += 1
    existing.version += 1
    existing.updated_at = now
    existing.save(update_fields=[*changed, "sequence", "version", "updated_at"])
    report.updated += 1


def parse_feed(data: bytes) -> Calendar:
    try:
        calendars = Calendar.from_ical(data, multiple=True)
    except (ValueError, IndexError, KeyError) as error:
        raise FeedError(f"Kein lesbarer iCalendar-Kalender: {error}") from error
    if not calendars:
        raise FeedError("Kein lesbarer iCalendar-Kalender")
    calendar: Calendar = calendars[0]
    return calendar


@transaction.atomic
def import_feed(
    *, feed: ImportedFeed, data: bytes, now: datetime.datetime | None = None
) -> ImportReport:
    """Read the feed's VEVENTs into events (see the module's docstring)."""
    now = now or timezone.now()
    calendar = parse_feed(data)
    report = ImportReport()
    groups: dict[str, tuple[list[VEvent], dict[str, VEvent]]] = {}
    for index, component in enumerate(calendar.events):
        uid = _text(component, "UID", 500)
        if not uid:
            report.skipped += 1
            report.errors.append(f"VEVENT {index + 1}: no UID")
            continue
        masters, overrides = groups.setdefault(uid, ([], {}))
        try:
            recurrence = component.get("RECURRENCE-ID")
            if recurrence is not None:
                overrides[_key(recurrence.dt)] = component
            else:
                masters.append(component)
        except Exception as error:  # a broken RECURRENCE-ID
            report.skipped += 1
            report.errors.append(f"{uid}: {error}")
    seen: set[int] = set()
    failed: set[str] = set()
    for uid, (masters, overrides) in groups.items():
        if len(seen) >= MAX_EVENTS_PER_FEED:
            failed.add(uid)  # left out, and left as it is
            continue
        try:
            with transaction.atomic():
                occurrences = _occurrences(masters[0] if masters else None, overrides, feed, now)
                for occurrence in occurrences:
                    _upsert(feed, uid, occurrence, report)
                seen.update(
                    Event.objects.filter(feed=feed, external_uid=uid)
                    .filter(recurrence_id__in=[o.recurrence_id for o in occurrences])
                    .values_list("pk", flat=True)
                )
        except Exception as error:  # never one broken event for the whole feed
            failed.add(uid)
            report.skipped += 1
            report.errors.append(f"{uid}: {error}")
    if len(seen) >= MAX_EVENTS_PER_FEED and failed:
        report.errors.append(f"more than {MAX_EVENTS_PER_FEED} events: the rest left out")
    # Future events that vanished from the feed (those of a UID that failed this
    # time are left as they are).
    report.cancelled = (
        Event.objects.filter(feed=feed, starts_at__gte=now, status=Event.Status.PUBLISHED)
        .exclude(pk__in=seen)
        .exclude(external_uid__in=failed)
        .update(
            status=Event.Status.CANCELLED,
            sequence=F("sequence") + 1,
            version=F("version") + 1,
            updated_at=now,
        )
    )
    feed.last_fetched_at = now
    feed.last_error = "\n".join(report.errors)[:4000]
    feed.save(update_fields=["last_fetched_at", "last_error"])
    return report


def fetch(url: str, *, timeout: float = FETCH_TIMEOUT, limit: int = MAX_FEED_BYTES) -> bytes:
    """The feed's bytes (http and https only), at most ``limit`` bytes."""
    if not url.startswith(("https://", "http://")):
        raise FeedError(f"Nur http und https: {url}")
    request = urllib.request.Request(url, headers={"User-Agent": "MO-Portal event import"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            data: bytes = response.read(limit + 1)
    except (OSError, ValueError) as error:
        raise FeedError(f"Abruf fehlgeschlagen: {error}") from error
    if len(data) > limit:
        raise FeedError(f"Der Kalender ist größer als {limit} Bytes.")
    return data


def record_failure(*, feed: ImportedFeed, error: str) -> None:
    feed.last_fetched_at = timezone.now()
    feed.last_error = error[:4000]
    feed.save(update_fields=["last_fetched_at", "last_error"])


def feeds_due(*, hours: int) -> Iterable[ImportedFeed]:
    """Active feeds not fetched within the last ``hours``."""
    since = timezone.now() - datetime.timedelta(hours=hours)
    return ImportedFeed.objects.filter(active=True).exclude(last_fetched_at__gte=since)
