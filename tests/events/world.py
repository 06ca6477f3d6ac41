"""An event of the page world's MO (Kontakt e. V.), announced by its owner; made
on first use (the permission table of tests/house/test_permissions.py)."""

import datetime

from django.utils import timezone

from events import services
from events.models import Event, ImportedFeed


def world_event(world) -> Event:
    event = Event.objects.filter(organisation=world.mo).first()
    if event is not None:
        return event
    start = timezone.now() + datetime.timedelta(days=14)
    return services.event_save(
        event=Event(
            title="Fachtag Arbeitsmarkt",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=3),
            organisation=world.mo,
            city="Schwerin",
        ),
        by=world.users["editor"],
        expected_version=None,
    )


def world_feed(world) -> ImportedFeed:
    feed, _created = ImportedFeed.objects.get_or_create(
        url="https://kalender.example.org/netzwerk.ics",
        defaults={"organiser_name": "Netzwerk Schwerin", "organisation": world.mo},
    )
    return feed
