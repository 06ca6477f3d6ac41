"""iCalendar (RFC 5545) output of the calendar, with the ``icalendar`` library
(escaping, folding, VTIMEZONE). Times are written in Europe/Berlin with TZID
and its VTIMEZONE; all-day events as DATE values (DTEND exclusive)."""

import datetime
import uuid
from collections.abc import Iterable

from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as VEvent

from core.siteurl import site_url
from events.models import Event

PRODID = "-//MO-Portal//Veranstaltungen//DE"
# Feeds are bounded: from this many days ago on, at most MAX_EVENTS events.
PAST_DAYS = 30
MAX_EVENTS = 500
CONTENT_TYPE = "text/calendar; charset=utf-8"


def _times(event: Event) -> tuple[datetime.date, datetime.date]:
    start = timezone.localtime(event.starts_at)
    end = timezone.localtime(event.ends_at)
    if event.all_day:
        first = start.date()
        # Stored: midnight after the last day; a DATE end is exclusive as well.
        return first, max(end.date(), first + datetime.timedelta(days=1))
    return start, end


def _description(event: Event) -> str:
    parts = [f"{event.get_format_display()} · {event.organiser}"]
    if event.description:
        parts.append(event.description)
    if event.online and event.online_url:
        parts.append(event.online_url)
    return "\n\n".join(parts)


def vevent(event: Event) -> VEvent:
    start, end = _times(event)
    location = event.location or (event.online_url if event.online else "")
    component = VEvent.new(
        uid=str(event.uid),
        summary=event.title,
        description=_description(event),
        start=start,
        end=end,
        stamp=event.updated_at,
        last_modified=event.updated_at,
        sequence=event.sequence,
        url=site_url() + event.get_absolute_url(),
        status="CANCELLED" if event.is_cancelled else "CONFIRMED",  # type: ignore[arg-type]
    )
    if location:
        component.add("LOCATION", location)
    component.add("CREATED", event.created_at)
    return component


def calendar_bytes(events: Iterable[Event], *, name: str, key: str) -> bytes:
    """The feed; ``key`` (the feed's path and filters) makes its UID stable."""
    calendar = Calendar.new(
        name=name,
        prodid=PRODID,
        uid=uuid.uuid5(uuid.NAMESPACE_URL, site_url() + key),
        refresh_interval=datetime.timedelta(hours=6),
    )
    calendar.add("X-WR-TIMEZONE", timezone.get_current_timezone_name())
    for event in events:
        calendar.add_component(vevent(event))
    calendar.add_missing_timezones()
    return calendar.to_ical()
