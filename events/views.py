"""The calendar (/veranstaltungen/), an event's page, announcing, editing,
cancelling and hiding, and the iCalendar feeds (per filter and per MO)."""

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.roles import is_institution
from core.concurrency import CONFLICT_STATUS, Conflict, conflict_context, expected_version
from core.pagecache import anonymous_page
from directory.access import is_reviewer
from directory.models import Organisation
from events import access, ical, services
from events.forms import EventFilterForm, EventForm, FeedForm, OrganiserForm
from events.models import Event, ImportedFeed

PAGE_SIZE = 20


def _filtered(form: EventFilterForm, *, since: datetime.datetime) -> QuerySet[Event]:
    """Public events that have not ended before ``since`` (or the chosen date),
    filtered; an invalid filter form filters nothing but the time."""
    events = Event.objects.public().select_related("organisation", "state")
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("start"):
        since = datetime.datetime.combine(
            data["start"], datetime.time.min, tzinfo=timezone.get_current_timezone()
        )
    events = events.filter(ends_at__gte=since)
    if data.get("q"):
        text = data["q"]
        events = events.filter(
            Q(title__icontains=text)
            | Q(description__icontains=text)
            | Q(organiser_name__icontains=text)
            | Q(organisation__name__icontains=text)
            | Q(city__icontains=text)
            | Q(venue__icontains=text)
        )
    if data.get("format"):
        events = events.filter(format=data["format"])
    if data.get("state"):
        events = events.filter(state=data["state"])
    if data.get("organisation"):
        events = events.filter(organisation__slug=data["organisation"])
    if data.get("online"):
        events = events.filter(online=True)
    return events.order_by("starts_at", "pk")


@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None)
    events = _filtered(form, since=timezone.now())
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    feed_url = reverse("events:feed") + (f"?{query.urlencode()}" if query else "")
    return render(
        request,
        "events/calendar.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "feed_url": feed_url,
            "can_announce": access.may_announce(request.user),
            "is_coordinator": is_reviewer(request.user),
        },
    )


def _feed_response(events: QuerySet[Event], *, name: str, key: str) -> HttpResponse:
    body = ical.calendar_bytes(events[: ical.MAX_EVENTS], name=name, key=key)
    return HttpResponse(body, content_type=ical.CONTENT_TYPE)


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    """Set outside the page cache, which keeps only the body and its type."""
    if response.status_code == 200:
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# The feeds are polled by every subscriber's calendar: one built per generation of
# the events (services.event_save and the import bump it) and of the profiles
# (an MO's name, an MO no longer published), served from the page cache to all.
FEED_NAMESPACES = (services.CACHE_NAMESPACE, "directory")


@anonymous_page(*FEED_NAMESPACES)
def _calendar_feed(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest(
            _("Ungültige Filter: %(fields)s") % {"fields": ", ".join(form.errors)},
            content_type="text/plain; charset=utf-8",
        )
    since = timezone.now() - datetime.timedelta(days=ical.PAST_DAYS)
    return _feed_response(
        _filtered(form, since=since),
        name=_("MO-Portal: Veranstaltungen"),
        key=request.get_full_path(),
    )


@require_GET
def feed(request: HttpRequest) -> HttpResponse:
    """The calendar's events as iCalendar, with the calendar's filters."""
    return _attachment(_calendar_feed(request), "veranstaltungen.ics")


@anonymous_page(*FEED_NAMESPACES)
def _organisation_feed(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation.objects.published(), slug=slug)
    since = timezone.now() - datetime.timedelta(days=ical.PAST_DAYS)
    events = (
        Event.objects.public()
        .filter(organisation=organisation, ends_at__gte=since)
        .select_related("organisation", "state")
        .order_by("starts_at", "pk")
    )
    return _feed_response(
        events,
        name=_("%(name)s: Veranstaltungen") % {"name": organisation.name},
        key=request.path,
    )


@require_GET
def organisation_feed(request: HttpRequest, slug: str) -> HttpResponse:
    """The events of one published MO as iCalendar."""
    return _attachment(_organisation_feed(request, slug), f"{slug}.ics")


def _event(request: HttpRequest, uid: Any) -> Event:
    """The event, or 404 where the user may not see it (hidden events exist only
    for those who may edit them)."""
    event = get_object_or_404(
        Event.objects.select_related("organisation", "state", "feed"), uid=uid
    )
    if not access.may_see(request.user, event):
        raise Http404
    return event


@require_GET
def detail(request: HttpRequest, uid: Any) -> HttpResponse:
    event = _event(request, uid)
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "languages": list(event.languages.all()),
            "may_edit": access.may_edit(request.user, event),
            "is_coordinator": is_reviewer(request.user),
            "is_public": access.is_public(event),
        },
    )


@login_required
def new(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not access.may_announce(user):
        raise PermissionDenied
    organiser = OrganiserForm(
        request.POST or None,
        organisations=access.announcing_organisations(user),
        institution_name=(user.institution_name or user.name if is_institution(user) else None),
        coordinator=is_reviewer(user),
    )
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and organiser.is_valid():
        event = form.save(commit=False)
        event.organisation = organiser.cleaned_data["organisation"]
        event.organiser_name = organiser.cleaned_data.get("organiser_name", "")
        services.event_save(
            event=event,
            by=user,
            expected_version=None,
            languages=form.cleaned_data["languages"],
        )
        messages.success(request, _("Die Veranstaltung ist veröffentlicht."))
        return redirect(event)
    return render(
        request,
        "events/form.html",
        {"form": form, "organiser": organiser, "event": None, "conflict": None},
        status=400 if request.method == "POST" else 200,
    )


def _editable(request: HttpRequest, uid: Any) -> Event:
    event = _event(request, uid)
    if not access.may_edit(request.user, event):
        raise PermissionDenied
    return event


@login_required
def edit(request: HttpRequest, uid: Any) -> HttpResponse:
    user: Any = request.user
    event = _editable(request, uid)
    form = EventForm(request.POST or None, instance=event)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = form.save(commit=False)
            services.event_save(
                event=saved,
                by=user,
                expected_version=expected_version(form),
                languages=form.cleaned_data["languages"],
            )
        except Conflict as stale:
            event = stale.current
            conflict = _conflict(form, event)
        else:
            messages.success(request, _("Die Änderungen sind gespeichert."))
            return redirect(saved)
    return render(
        request,
        "events/form.html",
        {"form": form, "organiser": None, "event": event, "conflict": conflict},
        status=CONFLICT_STATUS if conflict else 400 if request.method == "POST" else 200,
    )


def _conflict(form: EventForm, current: Event) -> dict[str, Any]:
    stored: dict[str, Any] = {}
    for name in form.fields:
        value = getattr(current, name, None)
        if value is not None and hasattr(value, "all"):  # languages
            value = list(value.all())
        stored[name] = value
    return conflict_context(form, current_version=current.version, stored=stored)


@login_required
def cancel(request: HttpRequest, uid: Any) -> HttpResponse:
    user: Any = request.user
    event = _editable(request, uid)
    if request.method == "POST":
        if event.is_cancelled:
            messages.info(request, _("Die Veranstaltung war schon abgesagt."))
        else:
            services.event_cancel(event=event, by=user)
            messages.success(request, _("Die Veranstaltung ist abgesagt."))
        return redirect(event)
    return render(request, "events/cancel.html", {"event": event})


@login_required
def hide(request: HttpRequest, uid: Any) -> HttpResponse:
    """A coordinator hides an event from the public, or shows it again."""
    user: Any = request.user
    if not is_reviewer(user):
        raise PermissionDenied
    event = _event(request, uid)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    hidden = not event.hidden
    services.event_hide(event=event, by=user, hidden=hidden)
    if hidden:
        messages.success(request, _("Die Veranstaltung ist ausgeblendet."))
    else:
        messages.success(request, _("Die Veranstaltung ist wieder sichtbar."))
    return redirect(event)


def _coordinator(request: HttpRequest) -> Any:
    user: Any = request.user
    if not is_reviewer(user):
        raise PermissionDenied
    return user


def _feed_form(request: HttpRequest, feed: ImportedFeed | None) -> tuple[FeedForm, bool]:
    """The form, and whether it was saved."""
    form = FeedForm(request.POST or None, instance=feed)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.organisation = form.cleaned_data["organisation_slug"]
        services.feed_save(feed=saved, by=_coordinator(request))
        return form, True
    return form, False


@login_required
def feeds(request: HttpRequest) -> HttpResponse:
    """Coordinators: the external calendars imported, and a new one."""
    _coordinator(request)
    form, saved = _feed_form(request, None)
    if saved:
        messages.success(request, _("Der Kalender wird beim nächsten Lauf importiert."))
        return redirect("events:feeds")
    listed = ImportedFeed.objects.select_related("organisation").annotate(
        event_count=Count("events")
    )
    return render(
        request,
        "events/feeds.html",
        {"feeds": listed, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def feed_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _coordinator(request)
    feed = get_object_or_404(ImportedFeed.objects.select_related("organisation"), pk=pk)
    form, saved = _feed_form(request, feed)
    if saved:
        messages.success(request, _("Die Änderungen sind gespeichert."))
        return redirect("events:feeds")
    return render(
        request,
        "events/feed_form.html",
        {"feed": feed, "form": form},
        status=400 if request.method == "POST" else 200,
    )
