"""The import of an external iCalendar feed (events.services.import_feed).

The fixture ``tests/fixtures/events-google-calendar-export.ics`` has the shape of a
public Google Calendar export ("Export" / the public iCal address of a calendar):
``PRODID:-//Google Inc//Google Calendar 70.9054//EN``, ``METHOD:PUBLISH``,
``X-WR-CALNAME``/``X-WR-TIMEZONE``, Google's VTIMEZONE with ``X-LIC-LOCATION``,
``@google.com`` UIDs, CRLF line ends and lines folded at 75 octets (also inside
umlauts' neighbours), escaped commas and ``\\n`` in DESCRIPTION and LOCATION. It holds
a Fachtag with TZID, an all-day event (DATE values), a weekly series (RRULE with a
UTC UNTIL across the change to summer time, an EXDATE and one moved occurrence with
RECURRENCE-ID), a cancelled event, an event in UTC with an online link as LOCATION,
an event in floating time without DTSTAMP-like extras (as Outlook writes), a past
event, one with an impossible date and one without UID.
"""

import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from events import services
from events.models import Event, ImportedFeed

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "events-google-calendar-export.ics"
BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime.datetime(2027, 1, 10, 12, 0, tzinfo=datetime.UTC)
SERIES = "7p9r1t3v5x7z9b1d3f5h7k9m1n@google.com"

pytestmark = pytest.mark.django_db


@pytest.fixture
def feed(mo_a):
    return ImportedFeed.objects.create(
        url="https://calendar.google.com/calendar/ical/netzwerk/public/basic.ics",
        organiser_name="Interkulturelles Netzwerk Schwerin",
        organisation=mo_a,
        default_format=Event.Format.EXCHANGE,
    )


def _run(feed, data=None, now=NOW):
    return services.import_feed(feed=feed, data=data or FIXTURE.read_bytes(), now=now)


def test_a_real_world_export_is_imported(feed):
    report = _run(feed)
    # 1 Fachtag + 1 all-day + 11 occurrences and 1 moved one + cancelled + UTC + floating
    assert (report.created, report.updated, report.cancelled) == (17, 0, 0)
    assert report.skipped == 2  # the impossible date and the missing UID
    assert any("kaputt-0001@google.com" in error for error in report.errors)
    assert any("no UID" in error for error in report.errors)
    feed.refresh_from_db()
    assert feed.last_fetched_at == NOW and "kaputt-0001" in feed.last_error
    assert not Event.objects.filter(title="Sommerfest 2026").exists()  # long past

    fachtag = Event.objects.get(external_uid="3q1v8k2m0fh6s4n7c5e9a1b2d3@google.com")
    assert fachtag.title == (
        "Fachtagung: Migrantenorganisationen und Arbeitsmarkt – Übergänge gestalten"
    )
    assert fachtag.starts_at == datetime.datetime(2027, 2, 18, 9, 30, tzinfo=BERLIN)
    assert fachtag.ends_at == datetime.datetime(2027, 2, 18, 16, 0, tzinfo=BERLIN)
    assert fachtag.venue == ("Rathaus Schwerin, Festsaal, Am Markt 14, 19055 Schwerin, Deutschland")
    assert "Jobcenter, Kammern und Vereinen?\n\nProgramm:" in fachtag.description
    assert "Grußwort der Oberbürgermeisterin" in fachtag.description
    assert fachtag.organisation == feed.organisation
    assert fachtag.organiser_name == "Interkulturelles Netzwerk Schwerin"
    assert fachtag.format == Event.Format.EXCHANGE
    assert fachtag.status == Event.Status.PUBLISHED and fachtag.recurrence_id == ""

    day = Event.objects.get(title="Tag der offenen Tür im Interkulturellen Zentrum")
    assert day.all_day
    assert day.starts_at == datetime.datetime(2027, 3, 6, tzinfo=BERLIN)
    assert day.ends_at == datetime.datetime(2027, 3, 7, tzinfo=BERLIN)
    assert day.last_day == datetime.date(2027, 3, 6)

    cancelled = Event.objects.get(title="Arbeitsmarktgespräch mit dem Jobcenter")
    assert cancelled.status == Event.Status.CANCELLED

    online = Event.objects.get(title="Infoabend Anerkennung (online)")
    assert online.starts_at == datetime.datetime(2027, 1, 20, 17, 0, tzinfo=datetime.UTC)
    assert online.online and online.online_url.startswith("https://meet.example.org/")
    assert online.venue == ""

    floating = Event.objects.get(title="Open Space: Ehrenamt stärken")
    assert floating.starts_at == datetime.datetime(2027, 3, 13, 10, 0, tzinfo=BERLIN)


def test_a_weekly_series_is_expanded_with_its_exception_and_moved_occurrence(feed):
    _run(feed)
    series = list(Event.objects.filter(external_uid=SERIES).order_by("starts_at"))
    starts = [timezone_berlin(e.starts_at) for e in series]
    assert [s.date() for s in starts] == [
        datetime.date(2027, 1, 5),
        datetime.date(2027, 1, 12),
        datetime.date(2027, 1, 19),
        # 26 January: EXDATE
        datetime.date(2027, 2, 2),
        datetime.date(2027, 2, 9),  # moved to 19:00
        datetime.date(2027, 2, 16),
        datetime.date(2027, 2, 23),
        datetime.date(2027, 3, 2),
        datetime.date(2027, 3, 9),
        datetime.date(2027, 3, 16),
        datetime.date(2027, 3, 23),
        datetime.date(2027, 3, 30),  # summer time: still 18:00 in Berlin (UNTIL 17:00 UTC)
    ]
    assert [s.hour for s in starts].count(18) == 11
    moved = series[4]
    assert (timezone_berlin(moved.starts_at).hour, moved.title) == (
        19,
        "Netzwerktreffen MO – mit der IHK",
    )
    assert moved.recurrence_id == "20270209T170000Z"
    assert series[-1].starts_at == datetime.datetime(2027, 3, 30, 16, 0, tzinfo=datetime.UTC)
    assert all(e.ends_at - e.starts_at == datetime.timedelta(minutes=90) for e in series)


def timezone_berlin(value):
    return value.astimezone(BERLIN)


def test_importing_again_changes_nothing(feed):
    _run(feed)
    before = {e.pk: (e.sequence, e.updated_at, e.title) for e in Event.objects.all()}
    report = _run(feed)
    assert (report.created, report.updated, report.cancelled) == (0, 0, 0)
    assert report.unchanged == 17
    after = {e.pk: (e.sequence, e.updated_at, e.title) for e in Event.objects.all()}
    assert after == before


def test_a_changed_event_is_updated_and_its_sequence_raised(feed):
    _run(feed)
    data = FIXTURE.read_bytes()
    changed = data.replace(
        b"SEQUENCE:1\r\nSTATUS:CONFIRMED\r\nSUMMARY:Fachtagung:",
        b"SEQUENCE:2\r\nSTATUS:CONFIRMED\r\nSUMMARY:Neu: Fachtagung:",
    ).replace(b"20270218T160000", b"20270218T170000")
    assert changed != data
    fachtag = Event.objects.get(external_uid="3q1v8k2m0fh6s4n7c5e9a1b2d3@google.com")
    report = _run(feed, changed)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 16)
    updated = Event.objects.get(pk=fachtag.pk)
    assert updated.title.startswith("Neu: Fachtagung:")
    assert updated.ends_at == datetime.datetime(2027, 2, 18, 17, 0, tzinfo=BERLIN)
    assert updated.sequence == fachtag.sequence + 1
    assert updated.uid == fachtag.uid  # our UID stays: subscribers see an update


def test_future_events_that_vanished_are_cancelled(feed):
    _run(feed)
    data = FIXTURE.read_bytes()
    start = data.index(b"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270306")
    end = data.index(b"END:VEVENT\r\n", start) + len(b"END:VEVENT\r\n")
    report = _run(feed, data[:start] + data[end:])
    assert report.cancelled == 1
    day = Event.objects.get(title="Tag der offenen Tür im Interkulturellen Zentrum")
    assert day.status == Event.Status.CANCELLED and day.sequence == 1


def test_a_hidden_event_stays_hidden_after_a_reimport(feed, coordinator):
    _run(feed)
    day = Event.objects.get(title="Tag der offenen Tür im Interkulturellen Zentrum")
    services.event_hide(event=day, by=coordinator, hidden=True)
    _run(feed, FIXTURE.read_bytes().replace(b"Den ganzen Tag", b"Ganztags"))
    day.refresh_from_db()
    assert day.hidden and day.description.startswith("Ganztags")


def test_an_unreadable_feed_is_refused_as_a_whole(feed):
    with pytest.raises(services.FeedError):
        _run(feed, b"<html><body>Not found</body></html>")
    assert not Event.objects.exists()


def test_the_command_records_a_failing_fetch(feed, monkeypatch):
    from django.core.management import call_command

    def refuse(url, **kwargs):
        raise services.FeedError("Abruf fehlgeschlagen: timed out")

    monkeypatch.setattr(services, "fetch", refuse)
    call_command("import_event_feeds", "--all", verbosity=0)
    feed.refresh_from_db()
    assert feed.last_error == "Abruf fehlgeschlagen: timed out" and feed.last_fetched_at


def test_the_command_imports_due_feeds_only(feed, monkeypatch):
    from django.core.management import call_command

    calls = []

    def serve(url, **kwargs):
        calls.append(url)
        return FIXTURE.read_bytes()

    monkeypatch.setattr(services, "fetch", serve)
    call_command("import_event_feeds", verbosity=0)
    call_command("import_event_feeds", verbosity=0)  # fetched just now: not due
    assert calls == [feed.url]
    assert Event.objects.filter(feed=feed).exists()


def test_fetch_refuses_other_schemes_and_large_answers(monkeypatch):
    with pytest.raises(services.FeedError):
        services.fetch("file:///etc/passwd")

    class Answer:
        def __enter__(self):
            return self

        def __exit__(self, *args):
            return False

        def read(self, size):
            return b"x" * size

    monkeypatch.setattr(services.urllib.request, "urlopen", lambda *a, **k: Answer())
    with pytest.raises(services.FeedError):
        services.fetch("https://example.org/big.ics", limit=10)


def _feed_data(**values):
    return {
        "url": "https://kalender.example.org/b.ics",
        "organiser_name": "IHK",
        "default_format": "conference",
        "organisation_slug": "",
        "active": "on",
        **values,
    }


def test_only_coordinators_manage_the_feeds(client, feed, editor_a, institution_user, coordinator):
    for user in (editor_a, institution_user):
        client.force_login(user)
        assert client.get(reverse("events:feeds")).status_code == 403
        assert client.post(reverse("events:feed_edit", args=[feed.pk]), {}).status_code == 403
    client.force_login(coordinator)
    page = client.get(reverse("events:feeds"))
    assert page.status_code == 200 and feed.url in page.content.decode()
    response = client.post(reverse("events:feeds"), _feed_data(organisation_slug="gibt-es-nicht"))
    assert response.status_code == 400
    assert "organisation_slug" in response.context["form"].errors
    bad = client.post(reverse("events:feeds"), _feed_data(url="ftp://x.example/a.ics"))
    assert bad.status_code == 400 and "url" in bad.context["form"].errors
    assert client.post(reverse("events:feeds"), _feed_data()).status_code == 302
    assert ImportedFeed.objects.get(organiser_name="IHK").organisation is None
    _run(feed)
    edit = reverse("events:feed_edit", args=[feed.pk])
    assert client.get(edit).context["form"].initial["organisation_slug"] == "verein-a"
    data = _feed_data(
        url=feed.url, organiser_name=feed.organiser_name, organisation_slug="verein-a"
    )
    del data["active"]
    assert client.post(edit, data).status_code == 302
    feed.refresh_from_db()
    assert not feed.active and feed.last_fetched_at is None  # fetched anew when active again


def test_a_description_written_as_html_is_read_as_plain_text(feed):
    data = FIXTURE.read_bytes().replace(
        b"DESCRIPTION:Den ganzen Tag: Vereine stellen sich vor",
        b"DESCRIPTION:<b>Den ganzen Tag</b>:<br>Vereine &amp; Initiativen stellen sich vor",
    )
    _run(feed, data)
    day = Event.objects.get(title="Tag der offenen Tür im Interkulturellen Zentrum")
    assert day.description.startswith("Den ganzen Tag:\nVereine & Initiativen stellen sich vor")
