"""Findings of the events room's review: hostile feeds (endless recurrences,
non-calendars, addresses inside our network), a double submit, impossible years,
edit rights that outlive a membership, languages written by the service, the
import's queries and the feeds served from the page cache."""

import datetime
import ipaddress
import re
import signal
import socket
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from directory.models import Membership
from events import access, services
from events.models import Event, ImportedFeed
from tests.events.test_events import form_data, make_event
from tests.factories import term

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "events-google-calendar-export.ics"
NOW = datetime.datetime(2027, 1, 10, 12, 0, tzinfo=datetime.UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture
def feed(mo_a):
    return ImportedFeed.objects.create(
        url="https://kalender.example.org/netzwerk.ics",
        organiser_name="Netzwerk Schwerin",
        organisation=mo_a,
    )


def ics(*events: str) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//Test//DE"]
    for event in events:
        lines += ["BEGIN:VEVENT", *event.strip().splitlines(), "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def vevent(uid: str, start: str = "20270115T100000", rule: str = "", title: str = "Treffen"):
    text = f"UID:{uid}\nSUMMARY:{title}\nDTSTART:{start}\nDURATION:PT2H"
    return f"{text}\nRRULE:{rule}" if rule else text


@contextmanager
def within(seconds: float):
    """Fail (instead of hanging) if the block runs longer than ``seconds``."""

    def expired(signum, frame):
        # pytest.fail raises a BaseException: not caught by the import's
        # "never one broken event for the whole feed".
        pytest.fail(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# 1. Recurrences: no finer than daily, a bounded walk -------------------------------


def test_a_secondly_rule_from_1970_is_refused_at_once(feed):
    data = ics(
        vevent("endlos", start="19700101T000000", rule="FREQ=SECONDLY"),
        vevent("gut"),
    )
    with within(5):
        report = services.import_feed(feed=feed, data=data, now=NOW)
    assert report.skipped == 1 and any(e.startswith("endlos:") for e in report.errors)
    assert list(Event.objects.values_list("external_uid", flat=True)) == ["gut"]
    feed.refresh_from_db()
    assert "endlos" in feed.last_error


@pytest.mark.parametrize("frequency", ["SECONDLY", "MINUTELY", "HOURLY"])
def test_rules_finer_than_daily_are_skipped(feed, frequency):
    # Starts a day before the window: the old walk returned 52 occurrences.
    data = ics(vevent("fein", start="20261209T100000", rule=f"FREQ={frequency}"))
    report = services.import_feed(feed=feed, data=data, now=NOW)
    assert report.skipped == 1 and f"FREQ={frequency}" in report.errors[0]
    assert not Event.objects.exists()


def test_the_walk_from_dtstart_is_bounded(feed):
    # Daily since 1980: more than MAX_CANDIDATES starts before the window.
    data = ics(vevent("alt", start="19800101T100000", rule="FREQ=DAILY"), vevent("gut"))
    with within(5):
        report = services.import_feed(feed=feed, data=data, now=NOW)
    assert report.skipped == 1 and "alt:" in report.errors[0]
    assert list(Event.objects.values_list("external_uid", flat=True)) == ["gut"]


def test_weekly_series_still_expand(feed):
    data = ics(vevent("woche", start="20261201T100000", rule="FREQ=WEEKLY;COUNT=10"))
    report = services.import_feed(feed=feed, data=data, now=NOW)
    assert report.created == 8  # 1 and 8 December ended before the window (30 days)


# 2. Not a calendar; one feed never stops the others ------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"BEGIN:VEVENT\r\nUID:x\r\nSUMMARY:Nur ein Termin\r\nEND:VEVENT\r\n",
        b"\x00BEGIN:VEVENT\r\nEND:VEVENT\r\n",
        b"",
    ],
)
def test_what_is_not_a_calendar_is_a_feed_error(feed, data):
    with pytest.raises(services.FeedError) as refused:
        services.import_feed(feed=feed, data=data, now=NOW)
    assert str(refused.value) == services.UNREADABLE


def test_one_bad_feed_never_stops_the_others(mo_a, monkeypatch):
    first = ImportedFeed.objects.create(url="https://a.example.org/a.ics", organiser_name="A")
    broken = ImportedFeed.objects.create(url="https://b.example.org/b.ics", organiser_name="B")
    last = ImportedFeed.objects.create(url="https://c.example.org/c.ics", organiser_name="C")
    answers = {
        first.url: b"BEGIN:VEVENT\r\nUID:x\r\nSUMMARY:Nur ein Termin\r\nEND:VEVENT\r\n",
        last.url: FIXTURE.read_bytes(),
    }

    def serve(url, **kwargs):
        if url == broken.url:
            raise RuntimeError("unexpected")
        return answers[url]

    monkeypatch.setattr(services, "fetch", serve)
    call_command("import_event_feeds", "--all", verbosity=0)
    for feed in (first, broken, last):
        feed.refresh_from_db()
        assert feed.last_fetched_at is not None
    assert first.last_error == services.UNREADABLE
    assert broken.last_error == services.FAILED
    assert Event.objects.filter(feed=last).exists()


def test_a_parse_error_keeps_nothing_of_the_feed(feed, monkeypatch):
    secret = "root:x:0:0:geheim-passwort"
    monkeypatch.setattr(services, "fetch", lambda url, **kw: f"{secret}\r\n".encode())
    call_command("import_event_feeds", "--all", verbosity=0)
    feed.refresh_from_db()
    assert feed.last_error == services.UNREADABLE
    assert "geheim" not in feed.last_error and "root" not in feed.last_error


# 3. Fetching: only public addresses ----------------------------------------------


@pytest.fixture
def no_connections(monkeypatch):
    """Any attempt to open a connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("a connection was opened")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def resolve_to(monkeypatch, *addresses):
    def getaddrinfo(host, port, *args, **kwargs):
        try:  # a literal address resolves to itself
            found = [str(ipaddress.ip_address(host))]
        except ValueError:
            found = list(addresses)
        return [
            (
                socket.AF_INET6 if ":" in a else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (a, port or 0),
            )
            for a in found
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/kalender.ics",
        "http://10.0.0.1/kalender.ics",
        "https://192.168.1.5:8443/kalender.ics",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/kalender.ics",
        "http://[::ffff:127.0.0.1]/kalender.ics",
        "http://0.0.0.0/kalender.ics",
        "http://224.0.0.1/kalender.ics",
    ],
)
def test_fetch_refuses_internal_addresses_without_connecting(url, no_connections):
    with pytest.raises(services.FeedError, match="keine öffentliche Adresse"):
        services.fetch(url)


def test_fetch_refuses_a_name_that_resolves_to_loopback(monkeypatch, no_connections):
    resolve_to(monkeypatch, "127.0.0.1")
    with pytest.raises(services.FeedError, match="keine öffentliche Adresse"):
        services.fetch("https://kalender.example.org/intern.ics")


def test_fetch_refuses_a_name_with_one_private_address_among_public_ones(
    monkeypatch, no_connections
):
    resolve_to(monkeypatch, "93.184.216.34", "10.1.2.3")
    with pytest.raises(services.FeedError, match="keine öffentliche Adresse"):
        services.fetch("https://kalender.example.org/intern.ics")


def test_the_connection_goes_to_the_checked_address(monkeypatch):
    """A second lookup (DNS rebinding) is never made: the connection is to an
    address that was checked, and a name answering with loopback is refused."""
    answers = iter([["93.184.216.34"], ["127.0.0.1"]])

    def getaddrinfo(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in next(answers)]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    connected = []
    monkeypatch.setattr(socket.socket, "connect", lambda self, address: connected.append(address))
    services.check_url("http://kalender.example.org/a.ics")  # the first answer: public
    with pytest.raises(services.FeedError):
        services._connect(("kalender.example.org", 80), 1)  # the second: loopback
    assert connected == []


def test_a_redirect_to_an_internal_address_is_refused(monkeypatch, no_connections):
    resolve_to(monkeypatch, "93.184.216.34")
    handler = services.RedirectHandler(deadline=time.monotonic() + 60)
    request = urllib.request.Request("https://kalender.example.org/a.ics")
    for target in (
        "http://127.0.0.1/",
        "http://10.0.0.1/intern.ics",
        "http://[fd00::1]/",
        "file:///etc/passwd",
        "ftp://kalender.example.org/a.ics",
    ):
        with pytest.raises(services.FeedError):
            handler.redirect_request(request, None, 302, "Found", {}, target)
    followed = handler.redirect_request(
        request, None, 302, "Found", {}, "https://kalender.example.org/b.ics"
    )
    assert followed is not None and followed.full_url == "https://kalender.example.org/b.ics"


def test_a_redirect_after_the_deadline_is_refused(monkeypatch, no_connections):
    resolve_to(monkeypatch, "93.184.216.34")
    handler = services.RedirectHandler(deadline=time.monotonic() - 1)
    request = urllib.request.Request("https://kalender.example.org/a.ics")
    with pytest.raises(services.FeedError, match="Zeit"):
        handler.redirect_request(request, None, 302, "Found", {}, "https://example.org/b")


class Dripping:
    """An answer that sends a byte at a time, for ever."""

    def __init__(self, pause=0.01):
        self.pause = pause

    def __enter__(self):
        return self

    def __exit__(self, *args):
        return False

    def read1(self, size):
        time.sleep(self.pause)
        return b"x"


def test_the_whole_download_has_a_deadline(monkeypatch):
    resolve_to(monkeypatch, "93.184.216.34")

    class Opener:
        def open(self, request, timeout):
            return Dripping()

    monkeypatch.setattr(services, "_opener", lambda deadline: Opener())
    started = time.monotonic()
    with pytest.raises(services.FeedError, match="Zeit"):
        services.fetch("https://kalender.example.org/a.ics", deadline=0.2)
    assert time.monotonic() - started < 2


def test_fetch_refuses_other_schemes_and_large_answers(monkeypatch):
    with pytest.raises(services.FeedError):
        services.fetch("file:///etc/passwd")
    resolve_to(monkeypatch, "93.184.216.34")

    class Opener:
        def open(self, request, timeout):
            class Answer(Dripping):
                def read1(self, size):
                    return b"x" * size

            return Answer()

    monkeypatch.setattr(services, "_opener", lambda deadline: Opener())
    with pytest.raises(services.FeedError, match="größer"):
        services.fetch("https://example.org/big.ics", limit=10)


# 4. The new-event form is carried out once ---------------------------------------


def test_the_new_event_form_sent_twice_creates_one_event(client, editor_a, mo_a):
    client.force_login(editor_a)
    page = client.get(reverse("events:new")).content.decode()
    key = re.search(r'name="submit_key" value="([^"]+)"', page)
    assert key, "no submit key in the form"
    data = form_data(organiser=f"mo-{mo_a.pk}", submit_key=key.group(1))
    first = client.post(reverse("events:new"), data)
    second = client.post(reverse("events:new"), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Event.objects.count() == 1


# 5. Years the calendar can hold ------------------------------------------------


@pytest.mark.parametrize(
    "change, field",
    [
        ({"all_day": "on", "ends_at": "9999-12-31T00:00"}, "ends_at"),
        ({"ends_at": "9999-12-31T23:59"}, "ends_at"),
        ({"starts_at": "0001-01-01T00:00"}, "starts_at"),
        ({"starts_at": "1999-12-31T10:00"}, "starts_at"),
    ],
)
def test_impossible_years_are_a_field_error(client, editor_a, mo_a, change, field):
    client.force_login(editor_a)
    response = client.post(reverse("events:new"), form_data(organiser=f"mo-{mo_a.pk}", **change))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Event.objects.exists()


# 6. Edit rights end with the membership or the verification ---------------------


def test_a_creator_who_left_the_team_may_no_longer_edit(client, editor_a, mo_a):
    event = make_event(by=editor_a, organisation=mo_a)
    client.force_login(editor_a)
    assert client.get(reverse("events:edit", args=[event.uid])).status_code == 200
    Membership.objects.filter(user=editor_a, organisation=mo_a).delete()
    assert client.get(reverse("events:edit", args=[event.uid])).status_code == 403
    assert client.post(reverse("events:cancel", args=[event.uid])).status_code == 403
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED


def test_an_institution_whose_verification_was_revoked_may_no_longer_edit(
    client, institution_user, coordinator
):
    event = make_event(by=institution_user, organiser_name="Jobcenter Schwerin")
    assert access.may_edit(institution_user, event)
    client.force_login(institution_user)
    assert client.get(reverse("events:edit", args=[event.uid])).status_code == 200
    institution_user.institution_verification.delete()
    assert client.get(reverse("events:edit", args=[event.uid])).status_code == 403
    assert client.post(reverse("events:cancel", args=[event.uid])).status_code == 403
    client.force_login(coordinator)  # coordinators always
    assert client.get(reverse("events:edit", args=[event.uid])).status_code == 200


# 7. Languages are written by the service ---------------------------------------


def test_the_service_sets_the_languages(editor_a, mo_a):
    german, arabic = term("language", "de"), term("language", "ar")
    event = make_event(by=editor_a, organisation=mo_a)
    services.event_save(event=event, by=editor_a, expected_version=None, languages=[german])
    assert list(event.languages.all()) == [german]
    event.refresh_from_db()
    services.event_save(
        event=event, by=editor_a, expected_version=event.version, languages=[arabic]
    )
    assert list(event.languages.all()) == [arabic]
    event.refresh_from_db()
    services.event_save(event=event, by=editor_a, expected_version=event.version)
    assert list(event.languages.all()) == [arabic]  # None: left as they are


def test_the_views_save_the_languages(client, editor_a, mo_a, monkeypatch):
    german = term("language", "de")
    calls = []
    save = services.event_save

    def spy(**kwargs):
        calls.append(kwargs.get("languages"))
        return save(**kwargs)

    monkeypatch.setattr(services, "event_save", spy)
    client.force_login(editor_a)
    data = form_data(organiser=f"mo-{mo_a.pk}", languages=[str(german.pk)])
    assert client.post(reverse("events:new"), data).status_code == 302
    event = Event.objects.get()
    assert list(event.languages.all()) == [german] and list(calls[0]) == [german]
    edit = {**data, "version": str(event.version), "languages": []}
    assert client.post(reverse("events:edit", args=[event.uid]), edit).status_code == 302
    assert list(event.languages.all()) == [] and list(calls[1]) == []


# 8. The import's queries do not grow with the events -----------------------------


def _series(count: int) -> bytes:
    return ics(*(vevent(f"e{n}", start=f"202702{n + 1:02d}T100000") for n in range(count)))


def _queries(feed, data) -> int:
    with CaptureQueriesContext(connection) as captured:
        services.import_feed(feed=feed, data=data, now=NOW)
    return len(captured)


def test_the_import_has_a_fixed_number_of_queries(mo_a):
    small = ImportedFeed.objects.create(url="https://a.example.org/5.ics", organiser_name="A")
    large = ImportedFeed.objects.create(
        url="https://b.example.org/20.ics", organiser_name="B", organisation=mo_a
    )
    assert _queries(small, _series(5)) == _queries(large, _series(20))  # all new
    assert _queries(small, _series(5)) == _queries(large, _series(20))  # all unchanged
    changed = _series(20).replace(b"SUMMARY:Treffen", b"SUMMARY:Neu")
    assert _queries(small, _series(3)) == _queries(large, changed)  # vanished / updated
    assert Event.objects.filter(feed=large, title="Neu").count() == 20
    assert Event.objects.filter(feed=small, status=Event.Status.CANCELLED).count() == 2


def test_the_fixture_is_imported_with_a_pinned_number_of_queries(feed):
    data = FIXTURE.read_bytes()
    with CaptureQueriesContext(connection) as first:
        services.import_feed(feed=feed, data=data, now=NOW)
    with CaptureQueriesContext(connection) as again:
        services.import_feed(feed=feed, data=data, now=NOW)
    # the feed's events, the new ones in one INSERT, the feed itself (+ savepoint)
    assert len(first) <= 6, [q["sql"][:80] for q in first]
    assert len(again) <= 5, [q["sql"][:80] for q in again]


# 9. The feeds come from the page cache -------------------------------------------


def test_the_feeds_are_served_from_the_page_cache(
    client, editor_a, mo_a, commit, django_assert_num_queries
):
    commit(make_event, by=editor_a, organisation=mo_a, title="Erstes Treffen")
    for url in (reverse("events:feed"), reverse("events:organisation_feed", args=[mo_a.slug])):
        first = client.get(url)
        with django_assert_num_queries(0):
            second = client.get(url)
        assert second.status_code == 200 and second.content == first.content
        assert second["Content-Type"] == first["Content-Type"]
        assert second["Content-Disposition"] == first["Content-Disposition"]


def test_a_change_shows_in_the_feed_at_once(client, editor_a, mo_a, coordinator, commit):
    url = reverse("events:feed")
    event = commit(make_event, by=editor_a, organisation=mo_a, title="Erstes Treffen")
    assert len(Calendar.from_ical(client.get(url).content).events) == 1
    commit(make_event, by=editor_a, organisation=mo_a, title="Zweites Treffen")
    assert len(Calendar.from_ical(client.get(url).content).events) == 2
    commit(services.event_hide, event=event, by=coordinator, hidden=True)
    assert len(Calendar.from_ical(client.get(url).content).events) == 1
    commit(services.event_cancel, event=Event.objects.get(title="Zweites Treffen"), by=editor_a)
    assert b"STATUS:CANCELLED" in client.get(url).content


def test_an_import_shows_in_the_feed_at_once(client, feed, commit):
    url = reverse("events:feed")
    assert not Calendar.from_ical(client.get(url).content).events
    commit(services.import_feed, feed=feed, data=ics(vevent("neu", start="20990101T100000")))
    assert len(Calendar.from_ical(client.get(url).content).events) == 1


def test_a_change_in_the_admin_shows_in_the_feed_at_once(client, editor_a, mo_a, commit):
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    url = reverse("events:feed")
    event = commit(make_event, by=editor_a, organisation=mo_a, title="Erstes Treffen")
    assert b"Erstes Treffen" in client.get(url).content
    event.title = "Umbenannt"
    request = RequestFactory().post("/admin/")
    commit(site._registry[Event].save_model, request, event, None, True)
    assert b"Umbenannt" in client.get(url).content
    commit(site._registry[Event].delete_model, request, event)
    assert not Calendar.from_ical(client.get(url).content).events


def test_a_rule_that_never_matches_is_refused_at_once():
    """FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30 makes dateutil search to the year 9999
    (seconds per rule): refused before it is expanded."""
    from icalendar.prop import vRecur

    from events.services import _check_feasible

    for rule in (
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=YEARLY;BYYEARDAY=100",
        "FREQ=MONTHLY;BYMONTHDAY=32",
        "FREQ=YEARLY;BYWEEKNO=20",
    ):
        with pytest.raises(ValueError):
            _check_feasible(vRecur.from_ical(rule))
    for rule in (
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
        "FREQ=MONTHLY;BYMONTHDAY=-1",
        "FREQ=WEEKLY;BYDAY=TU",
    ):
        _check_feasible(vRecur.from_ical(rule))
