"""The events' part of an MO's profile page (directory.extensions.profile_panels):
links to the MO's events in the calendar and to its iCalendar feed, for its team
to announce one. Only links: no query on the profile page."""

from typing import Any

from django.template.loader import render_to_string

from directory.models import Organisation


def profile_panel(
    request: Any, organisation: Organisation, membership: Any = None, **kwargs: Any
) -> str:
    if not organisation.is_published:
        return ""
    return render_to_string(
        "events/includes/profile_panel.html",
        {"organisation": organisation, "own_team": membership is not None},
    )
