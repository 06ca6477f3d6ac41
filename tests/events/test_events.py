"""The calendar, an event's page, who may announce, edit, cancel and hide, and
the iCalendar feeds, read back with the icalendar library's parser."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from directory.models import Membership, Organisation
from events import services
from events.models import Event
from tests import personas
from tests.factories import make_organisation, term

BERLIN = ZoneInfo("Europe/Berlin")

pytestmark = pytest.mark.django_db


def make_event(*, by, organisation=None, organiser_name="", days=7, **values):
    start = timezone.now().astimezone(BERLIN).replace(
        hour=10, minute=0, second=0, microsecond=0
    ) + datetime.timedelta(days=days)
    event = Event(
        title=values.pop("title", "Fachtag Arbeitsmarkt"),
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=values.pop("hours", 2)),
        organisation=organisation,
        organiser_name=organiser_name,
        city=values.pop("city", "Schwerin"),
        **values,
    )
    return services.event_save(event=event, by=by, expected_version=None)


def form_data(**values):
    start = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    data = {
        "title": "Open Space: Ehrenamt",
        "format": "open_space",
        "description": "Themen bringen alle mit.",
        "starts_at": f"{start}T10:00",
        "ends_at": f"{start}T15:00",
        "venue": "Rathaus",
        "street": "Am Markt 1",
        "postal_code": "19055",
        "city": "Schwerin",
        "state": str(term("state", "mecklenburg-vorpommern").pk),
    }
    data.update(values)
    return data


@pytest.fixture
def event_a(mo_a, editor_a):
    return make_event(by=editor_a, organisation=mo_a)


# Who may announce ---------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(reverse("events:new"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_plain_users_and_unverified_institutions_may_not_announce(
    client, member, unverified_institution
):
    for user in (member, unverified_institution):
        client.force_login(user)
        assert client.get(reverse("events:new")).status_code == 403
        assert client.post(reverse("events:new"), form_data()).status_code == 403
    assert not Event.objects.exists()


def test_the_team_of_a_draft_profile_may_not_announce(client, member):
    draft = make_organisation("Entwurf e. V.", status="draft")
    Membership.objects.create(user=member, organisation=draft, role="owner")
    client.force_login(member)
    assert client.get(reverse("events:new")).status_code == 403


def test_an_mo_editor_announces_for_the_mo(client, editor_a, mo_a):
    client.force_login(editor_a)
    page = client.get(reverse("events:new"))
    assert page.status_code == 200 and mo_a.name in page.content.decode()
    response = client.post(
        reverse("events:new"), form_data(organiser=f"mo-{mo_a.pk}", languages=[])
    )
    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"] == event.get_absolute_url()
    assert event.organisation == mo_a and event.created_by == editor_a
    assert event.starts_at.astimezone(BERLIN).hour == 10
    assert event.status == Event.Status.PUBLISHED


def test_an_editor_cannot_announce_for_another_mo(client, editor_a, mo_b):
    client.force_login(editor_a)
    response = client.post(reverse("events:new"), form_data(organiser=f"mo-{mo_b.pk}"))
    assert response.status_code == 400
    assert "organiser" in response.context["organiser"].errors
    assert not Event.objects.exists()


def test_a_verified_institution_announces_in_its_own_name(client, institution_user):
    client.force_login(institution_user)
    response = client.post(
        reverse("events:new"), form_data(organiser="institution", format="labour_market_talk")
    )
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.organisation is None and event.organiser_name == "Jobcenter Schwerin"


def test_a_coordinator_announces_for_an_organiser_by_name(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("events:new"), form_data(organiser="name"))
    assert response.status_code == 400  # the name is missing
    assert "organiser_name" in response.context["organiser"].errors
    response = client.post(
        reverse("events:new"), form_data(organiser="name", organiser_name="Fach AG MO")
    )
    assert response.status_code == 302
    assert Event.objects.get().organiser == "Fach AG MO"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"ends_at": "2020-01-01T10:00"}, "ends_at"),
        ({"starts_at": "morgen"}, "starts_at"),
        ({"city": ""}, "city"),
        ({"title": "x" * 201}, "title"),
        ({"description": "x" * 4001}, "description"),
        ({"online": "on", "online_url": "javascript:alert(1)"}, "online_url"),
        ({"format": "party"}, "format"),
        ({"state": "999999"}, "state"),
    ],
)
def test_bad_input_is_shown_next_to_the_field(client, editor_a, mo_a, change, field):
    client.force_login(editor_a)
    response = client.post(reverse("events:new"), form_data(organiser=f"mo-{mo_a.pk}", **change))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Event.objects.exists()


def test_an_all_day_event_runs_from_midnight_to_midnight(client, editor_a, mo_a):
    client.force_login(editor_a)
    day = timezone.localdate() + datetime.timedelta(days=3)
    client.post(
        reverse("events:new"),
        form_data(
            organiser=f"mo-{mo_a.pk}",
            all_day="on",
            starts_at=f"{day.isoformat()}T09:00",
            ends_at=f"{day.isoformat()}T09:00",
        ),
    )
    event = Event.objects.get()
    midnight = datetime.datetime.combine(day, datetime.time.min, tzinfo=BERLIN)
    assert event.starts_at == midnight
    assert event.ends_at == midnight + datetime.timedelta(days=1)
    assert event.last_day == day


# Who may edit, cancel and hide --------------------------------------------------


def test_who_may_edit_and_cancel(
    client, event_a, editor_b, institution_user, unverified_institution, member, coordinator
):
    edit = reverse("events:edit", args=[event_a.uid])
    cancel = reverse("events:cancel", args=[event_a.uid])
    assert client.get(edit).status_code == 302  # to the login
    for user in (editor_b, institution_user, unverified_institution, member):
        client.force_login(user)
        assert client.get(edit).status_code == 403
        assert client.post(cancel).status_code == 403
    client.force_login(coordinator)
    assert client.get(edit).status_code == 200
    event_a.refresh_from_db()
    assert event_a.status == Event.Status.PUBLISHED


def test_another_team_member_edits_and_the_sequence_rises(client, event_a, mo_a):
    helper = personas.create("member")
    Membership.objects.create(user=helper, organisation=mo_a, role="editor")
    client.force_login(helper)
    edit = reverse("events:edit", args=[event_a.uid])
    page = client.get(edit)
    assert page.status_code == 200
    data = form_data(title="Fachtag Arbeitsmarkt (neuer Raum)", version=event_a.version)
    response = client.post(edit, data)
    assert response.status_code == 302
    event = Event.objects.get(pk=event_a.pk)
    assert event.title.endswith("(neuer Raum)") and event.sequence == event_a.sequence + 1
    # A save against the older version is a conflict, not an overwrite.
    stale = client.post(edit, form_data(title="Alt", version=event_a.version))
    assert stale.status_code == 409
    assert Event.objects.get(pk=event_a.pk).title.endswith("(neuer Raum)")


def test_the_creator_cancels_and_the_event_stays_visible(client, editor_a, event_a):
    client.force_login(editor_a)
    cancel = reverse("events:cancel", args=[event_a.uid])
    assert client.get(cancel).status_code == 200
    assert client.post(cancel).status_code == 302
    event = Event.objects.get(pk=event_a.pk)
    assert event.status == Event.Status.CANCELLED and event.sequence == event_a.sequence + 1
    client.logout()
    page = client.get(event.get_absolute_url())
    assert page.status_code == 200 and "abgesagt" in page.content.decode()


def test_only_coordinators_hide_and_a_hidden_event_is_404_to_the_public(
    client, event_a, editor_a, coordinator
):
    hide = reverse("events:hide", args=[event_a.uid])
    client.force_login(editor_a)
    assert client.post(hide).status_code == 403
    client.force_login(coordinator)
    assert client.get(hide).status_code == 405
    assert client.post(hide).status_code == 302
    assert Event.objects.get(pk=event_a.pk).hidden
    client.logout()
    assert client.get(event_a.get_absolute_url()).status_code == 404
    assert event_a.title not in client.get(reverse("events:calendar")).content.decode()
    client.force_login(editor_a)  # its team still sees it
    assert client.get(event_a.get_absolute_url()).status_code == 200
    client.force_login(coordinator)
    services.event_cancel(event=event_a, by=coordinator)
    client.post(hide)  # shown again: still cancelled
    shown = Event.objects.get(pk=event_a.pk)
    assert not shown.hidden and shown.status == Event.Status.CANCELLED


def test_events_of_a_profile_no_longer_published_are_not_public(client, event_a, mo_a):
    Organisation.objects.filter(pk=mo_a.pk).update(status=Organisation.Status.ARCHIVED)
    assert client.get(event_a.get_absolute_url()).status_code == 404
    assert not Event.objects.public().exists()


def test_an_unknown_event_is_404(client):
    assert client.get("/veranstaltungen/00000000-0000-0000-0000-000000000000/").status_code == 404


# The calendar and its filters ---------------------------------------------------


@pytest.fixture
def program(mo_a, mo_b, editor_a, coordinator):
    berlin = term("state", "berlin")
    return {
        "fachtag": make_event(by=editor_a, organisation=mo_a, format="conference", days=3),
        "open_space": make_event(
            by=coordinator,
            organiser_name="Fach AG MO",
            title="Open Space Netzwerk",
            format="open_space",
            state=berlin,
            city="Berlin",
            days=20,
        ),
        "online": make_event(
            by=coordinator,
            organisation=mo_b,
            title="Online-Austausch",
            format="exchange",
            online=True,
            online_url="https://meet.example.org/x",
            days=40,
        ),
        "past": make_event(by=editor_a, organisation=mo_a, title="Vorbei", days=-10),
    }


def _titles(response):
    return [e.title for e in response.context["page"].object_list]


def test_the_calendar_lists_upcoming_events_in_order(client, program):
    response = client.get(reverse("events:calendar"))
    assert response.status_code == 200
    assert _titles(response) == ["Fachtag Arbeitsmarkt", "Open Space Netzwerk", "Online-Austausch"]
    html = response.content.decode()
    assert 'for="id_format"' in html and 'for="id_q"' in html  # labelled filters


@pytest.mark.parametrize(
    "query, titles",
    [
        ({"format": "open_space"}, ["Open Space Netzwerk"]),
        ({"q": "austausch"}, ["Online-Austausch"]),
        ({"q": "Fach AG"}, ["Open Space Netzwerk"]),
        ({"organisation": "verein-a"}, ["Fachtag Arbeitsmarkt"]),
        ({"online": "on"}, ["Online-Austausch"]),
        (
            {"start": "2000-01-01"},
            ["Vorbei", "Fachtag Arbeitsmarkt", "Open Space Netzwerk", "Online-Austausch"],
        ),
    ],
)
def test_the_calendar_filters(client, program, query, titles):
    assert _titles(client.get(reverse("events:calendar"), query)) == titles


def test_the_state_filter(client, program):
    berlin = term("state", "berlin")
    response = client.get(reverse("events:calendar"), {"state": berlin.pk})
    assert _titles(response) == ["Open Space Netzwerk"]


def test_a_bad_filter_is_shown_not_a_500(client, program):
    response = client.get(reverse("events:calendar"), {"start": "gestern", "format": "x"})
    assert response.status_code == 200
    assert "start" in response.context["form"].errors
    response = client.get(reverse("events:feed"), {"start": "gestern"})
    assert response.status_code == 400


def test_the_calendar_page_has_a_fixed_number_of_queries(
    client, program, mo_a, editor_a, django_assert_max_num_queries
):
    for day in range(25):
        make_event(by=editor_a, organisation=mo_a, title=f"Treffen {day}", days=day + 1)
    # The count and the page (with organisation and state), the vocabulary.
    with django_assert_max_num_queries(3):
        response = client.get(reverse("events:calendar"))
    assert response.status_code == 200 and len(response.context["page"].object_list) == 20
    client.force_login(editor_a)  # + session, account, memberships, permissions
    with django_assert_max_num_queries(8):
        assert client.get(reverse("events:calendar"), {"page": 2}).status_code == 200


# The iCalendar feeds ------------------------------------------------------------


def _read(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return calendar, {str(e["UID"]): e for e in calendar.events}


def test_the_feed_round_trips_through_the_icalendar_parser(client, program, editor_a):
    services.event_cancel(event=program["online"], by=editor_a)
    calendar, events = _read(client.get(reverse("events:feed")))
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == "-//MO-Portal//Veranstaltungen//DE"
    assert str(calendar["X-WR-CALNAME"]) == "MO-Portal: Veranstaltungen"
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Berlin"]
    # The past event (10 days ago) is within the last 30 days: feeds keep it.
    assert set(events) == {str(e.uid) for e in program.values()}
    for event in program.values():
        event.refresh_from_db()
        component = events[str(event.uid)]
        assert str(component["SUMMARY"]) == event.title
        assert component.start == event.starts_at and component.end == event.ends_at
        assert component["DTSTART"].params["TZID"] == "Europe/Berlin"
        assert component["SEQUENCE"] == event.sequence
        assert component.stamp == event.updated_at.replace(microsecond=0)
        assert component.last_modified == event.updated_at.replace(microsecond=0)
        assert component["URL"] == "http://testserver" + event.get_absolute_url()
    assert str(events[str(program["online"].uid)]["STATUS"]) == "CANCELLED"
    assert str(events[str(program["fachtag"].uid)]["STATUS"]) == "CONFIRMED"
    assert str(events[str(program["fachtag"].uid)]["LOCATION"]) == "Schwerin"
    assert "Fach AG MO" in str(events[str(program["open_space"].uid)]["DESCRIPTION"])


def test_the_feed_honours_the_filters(client, program):
    _calendar, events = _read(client.get(reverse("events:feed"), {"format": "open_space"}))
    assert set(events) == {str(program["open_space"].uid)}


def test_the_feed_has_no_hidden_event(client, program, coordinator):
    services.event_hide(event=program["fachtag"], by=coordinator, hidden=True)
    _calendar, events = _read(client.get(reverse("events:feed")))
    assert str(program["fachtag"].uid) not in events and len(events) == 3


def test_the_feed_is_stable(client, program):
    first = client.get(reverse("events:feed")).content
    assert client.get(reverse("events:feed")).content == first


def test_escaping_and_all_day_events_in_the_feed(client, mo_a, editor_a):
    event = make_event(
        by=editor_a,
        organisation=mo_a,
        title="Fachtag; Arbeit, Ausbildung – Übergänge",
        description="Zeile 1, mit Komma\nZeile 2; mit Semikolon\\ und Backslash",
        all_day=True,
        venue="Rathaus, Festsaal",
    )
    _calendar, events = _read(client.get(reverse("events:feed")))
    component = events[str(event.uid)]
    assert str(component["SUMMARY"]) == event.title
    assert event.description in str(component["DESCRIPTION"])
    assert str(component["LOCATION"]) == "Rathaus, Festsaal, Schwerin"
    day = event.starts_at.astimezone(BERLIN).date()
    assert component.start == day and component.end == day + datetime.timedelta(days=1)


def test_the_organisation_feed(client, program, mo_a):
    response = client.get(reverse("events:organisation_feed", args=[mo_a.slug]))
    calendar, events = _read(response)
    assert set(events) == {str(program["fachtag"].uid), str(program["past"].uid)}
    assert str(calendar["X-WR-CALNAME"]) == "Verein A e. V.: Veranstaltungen"
    draft = make_organisation("Entwurf e. V.", slug="entwurf", status="draft")
    assert client.get(reverse("events:organisation_feed", args=[draft.slug])).status_code == 404


def test_the_feed_has_a_fixed_number_of_queries(
    client, program, mo_a, editor_a, django_assert_max_num_queries
):
    for day in range(30):
        make_event(by=editor_a, organisation=mo_a, title=f"Treffen {day}", days=day + 1)
    with django_assert_max_num_queries(1):  # the events with organisation and state
        response = client.get(reverse("events:feed"))
    assert len(Calendar.from_ical(response.content).events) == 34
    with django_assert_max_num_queries(2):  # the organisation, its events
        client.get(reverse("events:organisation_feed", args=[mo_a.slug]))


def test_editing_an_all_day_event_keeps_its_days(client, editor_a, mo_a):
    event = make_event(by=editor_a, organisation=mo_a, all_day=True, hours=50)
    first = event.starts_at.astimezone(BERLIN).date()
    assert event.last_day == first + datetime.timedelta(days=2)
    client.force_login(editor_a)
    edit = reverse("events:edit", args=[event.uid])
    form = client.get(edit).context["form"]
    assert form.initial["ends_at"].date() == event.last_day  # the last day, not the midnight after
    data = form_data(
        all_day="on",
        starts_at=f"{first.isoformat()}T00:00",
        ends_at=f"{event.last_day.isoformat()}T00:00",
        version=event.version,
    )
    assert client.post(edit, data).status_code == 302
    saved = Event.objects.get(pk=event.pk)
    assert (saved.starts_at, saved.ends_at) == (event.starts_at, event.ends_at)


def test_the_data_export_lists_the_events_announced(client, editor_a, event_a, editor_b):
    client.force_login(editor_a)
    data = client.get(reverse("export_data")).json()
    assert [e["title"] for e in data["events_announced"]] == [event_a.title]
    client.force_login(editor_b)
    assert client.get(reverse("export_data")).json()["events_announced"] == []


def test_the_profile_page_links_to_the_events_without_a_query_more(client, mo_a, editor_a):
    html = client.get(mo_a.get_absolute_url()).content.decode()
    assert reverse("events:organisation_feed", args=[mo_a.slug]) in html
    assert reverse("events:new") not in html
    client.force_login(editor_a)
    assert reverse("events:new") in client.get(mo_a.get_absolute_url()).content.decode()
