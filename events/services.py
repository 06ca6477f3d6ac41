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
import http.client
import ipaddress
import re
import socket
import time
import urllib.parse
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
from core.pagecache import bump
from events.models import Event, ImportedFeed

if TYPE_CHECKING:
    from accounts.models import User
    from directory.models import Term

PAST_DAYS = 30
HORIZON_DAYS = 366
MAX_OCCURRENCES = 52
MAX_EVENTS_PER_FEED = 1000
FETCH_TIMEOUT = 20  # seconds, for each connect and read
FETCH_DEADLINE = 60  # seconds, for the whole download (redirects included)
MAX_FEED_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
# A recurrence rule is walked from its DTSTART: at most this many starts are
# generated (before, in and after the window), and none finer than daily.
MAX_CANDIDATES = 5000
ALLOWED_FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
# The page cache's namespace of the calendar's feeds (core.pagecache).
CACHE_NAMESPACE = "events"
UNREADABLE = "Die Datei ist kein gültiger iCalendar-Kalender."
FAILED = "Der Import ist fehlgeschlagen (unerwarteter Fehler, siehe Server-Log)."


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
def event_save(
    *,
    event: Event,
    by: User,
    expected_version: int | None,
    languages: Iterable[Term] | None = None,
) -> Event:
    """Save a new or edited event; an edit only if the event is still at the
    version the form was loaded from (else ``core.concurrency.Conflict``). Each
    edit raises the iCalendar SEQUENCE. ``languages``, if given, replace the
    event's languages (None: left as they are)."""
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
    if languages is not None:
        event.languages.set(languages)
    bump(CACHE_NAMESPACE)
    return event


def _change(event: Event, **changes: Any) -> Event:
    event.version = advance_version(
        Event, event.pk, None, sequence=F("sequence") + 1, updated_at=timezone.now(), **changes
    )
    event.refresh_from_db(fields=[*changes, "sequence", "updated_at"])
    bump(CACHE_NAMESPACE)
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
        "organisation_id": feed.organisation_id,
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


DAYS_IN_MONTH = {
    1: 31,
    2: 29,
    3: 31,
    4: 30,
    5: 31,
    6: 30,
    7: 31,
    8: 31,
    9: 30,
    10: 31,
    11: 30,
    12: 31,
}


def _numbers(recur: Any, name: str) -> list[int]:
    value = recur.get(name) or []
    return [int(v) for v in (value if isinstance(value, list) else [value])]


def _check_feasible(recur: Any) -> None:
    """Refuse a rule that can never (or almost never) produce a date: dateutil
    would search up to the year 9999 for it (seconds per rule). Year days and
    week numbers are never in an event calendar's rules; a day of the month must
    exist in one of the months asked for (February counted with 29 days)."""
    if recur.get("BYYEARDAY") or recur.get("BYWEEKNO"):
        raise ValueError("RRULE with BYYEARDAY or BYWEEKNO is not supported")
    days = _numbers(recur, "BYMONTHDAY")
    if not days:
        return
    months = _numbers(recur, "BYMONTH") or list(DAYS_IN_MONTH)
    if not any(0 < abs(day) <= DAYS_IN_MONTH.get(month, 0) for day in days for month in months):
        raise ValueError("RRULE: no such day in these months")


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
    after = timezone.localtime(since, wall).replace(tzinfo=None)
    before = timezone.localtime(until, wall).replace(tzinfo=None)
    rules = rruleset()
    found = master.get("RRULE")
    for recur in found if isinstance(found, list) else [found]:
        frequency = recur.get("FREQ")
        frequency = str(frequency[0] if isinstance(frequency, list) else frequency).upper()
        if frequency not in ALLOWED_FREQUENCIES:
            # SECONDLY, MINUTELY, HOURLY: never an event of ours, and a walk of
            # millions of starts from an old DTSTART.
            raise ValueError(f"RRULE FREQ={frequency[:20]} is not supported")
        _check_feasible(recur)
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
    result: list[datetime.date | datetime.datetime] = []
    # Walked from DTSTART, every generated start counted (not only those kept).
    for walked, when in enumerate(rules, start=1):
        if walked > MAX_CANDIDATES:
            raise ValueError(f"RRULE: more than {MAX_CANDIDATES} occurrences from DTSTART")
        if when < after:
            continue
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
    "organisation_id",  # the id: comparing never loads the MO
    "organiser_name",
    "format",
]


def _upsert(
    feed: ImportedFeed,
    uid: str,
    occurrence: _Occurrence,
    existing: Event | None,
    now: datetime.datetime,
    report: ImportReport,
) -> Event | None:
    """The event to create (not saved yet), or None: ``existing`` is changed in
    place (kept for one bulk update) or left as it is."""
    values = occurrence.values
    if existing is None:
        report.created += 1
        return Event(
            feed=feed,
            external_uid=uid,
            recurrence_id=occurrence.recurrence_id,
            created_at=now,
            updated_at=now,
            **{name: values[name] for name in FIELDS},
        )
    changed = [name for name in FIELDS if getattr(existing, name) != values[name]]
    if not changed:
        report.unchanged += 1
        return None
    for name in changed:
        setattr(existing, name, values[name])
    existing.sequence += 1
    existing.version += 1
    existing.updated_at = now
    report.updated += 1
    return None


def parse_feed(data: bytes) -> Calendar:
    """The feed's first VCALENDAR. The parser's messages quote the offending
    line of the feed: never kept (``last_error``), a fixed text instead."""
    try:
        calendars = Calendar.from_ical(data, multiple=True)
    except Exception as error:  # icalendar raises what it likes on garbage
        raise FeedError(UNREADABLE) from error
    calendar = calendars[0] if calendars else None
    if not isinstance(calendar, Calendar):  # e.g. a bare VEVENT
        raise FeedError(UNREADABLE)
    return calendar


@transaction.atomic
def import_feed(
    *, feed: ImportedFeed, data: bytes, now: datetime.datetime | None = None
) -> ImportReport:
    """Read the feed's VEVENTs into events (see the module's docstring). A fixed
    number of queries however many events: the feed's events are read once,
    new ones created and changed ones updated in bulk."""
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
    stored = {(e.external_uid, e.recurrence_id): e for e in Event.objects.filter(feed=feed)}
    seen: set[tuple[str, str]] = set()
    failed: set[str] = set()
    new: dict[tuple[str, str], Event] = {}
    changed: dict[tuple[str, str], Event] = {}
    for uid, (masters, overrides) in groups.items():
        if len(seen) >= MAX_EVENTS_PER_FEED:
            failed.add(uid)  # left out, and left as it is
            continue
        try:
            occurrences = _occurrences(masters[0] if masters else None, overrides, feed, now)
            for occurrence in occurrences:
                values = occurrence.values
                values["starts_at"].astimezone(datetime.UTC)  # storable (no overflow)
                values["ends_at"].astimezone(datetime.UTC)
                if values["organisation_id"] is None and not values["organiser_name"]:
                    raise ValueError("no organiser")
        except Exception as error:  # never one broken event for the whole feed
            failed.add(uid)
            report.skipped += 1
            report.errors.append(f"{uid}: {error}")
            continue
        for occurrence in occurrences:
            key = (uid, occurrence.recurrence_id)
            if key in seen:  # the same occurrence twice in the feed: the first counts
                continue
            seen.add(key)
            existing = stored.get(key)
            before = existing.version if existing else None
            created = _upsert(feed, uid, occurrence, existing, now, report)
            if created is not None:
                new[key] = created
            elif existing is not None and existing.version != before:
                changed[key] = existing
    if len(seen) >= MAX_EVENTS_PER_FEED and failed:
        report.errors.append(f"more than {MAX_EVENTS_PER_FEED} events: the rest left out")
    Event.objects.bulk_create(new.values(), batch_size=200)
    Event.objects.bulk_update(
        changed.values(), [*FIELDS, "sequence", "version", "updated_at"], batch_size=200
    )
    # Future events that vanished from the feed (those of a UID that failed this
    # time are left as they are).
    vanished = [
        event.pk
        for key, event in stored.items()
        if key not in seen
        and event.external_uid not in failed
        and event.starts_at >= now
        and event.status == Event.Status.PUBLISHED
    ]
    report.cancelled = (
        Event.objects.filter(pk__in=vanished).update(
            status=Event.Status.CANCELLED,
            sequence=F("sequence") + 1,
            version=F("version") + 1,
            updated_at=now,
        )
        if vanished
        else 0
    )
    feed.last_fetched_at = now
    feed.last_error = "\n".join(report.errors)[:4000]
    feed.save(update_fields=["last_fetched_at", "last_error"])
    if new or changed or vanished:
        bump(CACHE_NAMESPACE)
    return report


# Fetching -------------------------------------------------------------------------
#
# Only public addresses: the worker must not be made to read the portal's own
# services or the internal network (SSRF). Every address a host name resolves to
# is checked, again at every redirect, and the connection is made to an address
# checked (no second lookup that could answer differently).


def _refused(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # without an IPv6 zone
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        not ip.is_global
        or ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
    )


def _public_addresses(host: str, port: int) -> list[tuple[Any, ...]]:
    """The resolved addresses of ``host`` (getaddrinfo tuples); FeedError if
    any of them is not a public one."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise FeedError(f"Abruf fehlgeschlagen: {host} nicht gefunden") from error
    if not found:
        raise FeedError(f"Abruf fehlgeschlagen: {host} nicht gefunden")
    for *_rest, sockaddr in found:
        if _refused(str(sockaddr[0])):
            raise FeedError(f"Abruf verweigert: {host} ist keine öffentliche Adresse.")
    return found


def check_url(url: str) -> None:
    """FeedError unless ``url`` is http(s) to a host with public addresses only."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise FeedError("Abruf verweigert: keine gültige Adresse.") from error
    if parts.scheme not in ("http", "https"):
        raise FeedError(f"Nur http und https: {url[:200]}")
    if not parts.hostname:
        raise FeedError("Abruf verweigert: keine gültige Adresse.")
    _public_addresses(parts.hostname, port)


def _connect(
    address: tuple[str, int], timeout: Any = None, source_address: Any = None
) -> socket.socket:
    """socket.create_connection to a checked address of the host."""
    host, port = address
    error: OSError | None = None
    for family, kind, proto, _name, sockaddr in _public_addresses(host, port):
        sock = socket.socket(family, kind, proto)
        try:
            if timeout is not None:
                sock.settimeout(timeout)
            sock.connect(sockaddr)
            return sock
        except OSError as failed:
            error = failed
            sock.close()
    raise error or OSError(f"no address for {host}")


class _HTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _connect


class _HTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _connect


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_HTTPConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(
            _HTTPSConnection,
            req,
            context=self._context,  # type: ignore[attr-defined]
        )


class RedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to http(s) and a public host, before the deadline."""

    max_redirections = MAX_REDIRECTS

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        if time.monotonic() > self.deadline:
            raise FeedError("Abruf fehlgeschlagen: Zeit überschritten")
        check_url(urllib.parse.urljoin(req.full_url, newurl))
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener(deadline: float) -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({}),  # straight to the checked address
        _HTTPHandler(),
        _HTTPSHandler(),
        RedirectHandler(deadline),
    )


def fetch(
    url: str,
    *,
    timeout: float = FETCH_TIMEOUT,
    limit: int = MAX_FEED_BYTES,
    deadline: float = FETCH_DEADLINE,
) -> bytes:
    """The feed's bytes (http and https to public addresses only), at most
    ``limit`` bytes, within ``deadline`` seconds for the whole download."""
    check_url(url)
    until = time.monotonic() + deadline
    request = urllib.request.Request(url, headers={"User-Agent": "MO-Portal event import"})
    chunks: list[bytes] = []
    size = 0
    try:
        with _opener(until).open(request, timeout=timeout) as response:
            while size <= limit:
                if time.monotonic() > until:
                    raise FeedError("Abruf fehlgeschlagen: Zeit überschritten")
                chunk: bytes = response.read1(min(65536, limit + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
    except FeedError:
        raise
    except (OSError, ValueError, http.client.HTTPException) as error:
        raise FeedError(f"Abruf fehlgeschlagen: {error}") from error
    if size > limit:
        raise FeedError(f"Der Kalender ist größer als {limit} Bytes.")
    return b"".join(chunks)


def record_failure(*, feed: ImportedFeed, error: str) -> None:
    feed.last_fetched_at = timezone.now()
    feed.last_error = error[:4000]
    feed.save(update_fields=["last_fetched_at", "last_error"])


def feeds_due(*, hours: int) -> Iterable[ImportedFeed]:
    """Active feeds not fetched within the last ``hours``."""
    since = timezone.now() - datetime.timedelta(hours=hours)
    return ImportedFeed.objects.filter(active=True).exclude(last_fetched_at__gte=since)
