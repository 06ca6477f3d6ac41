"""Who may announce, edit, cancel and see an event (the policy: events.models)."""

from typing import Any

from accounts.roles import is_institution
from directory.access import is_reviewer, membership_of
from directory.models import Organisation
from events.models import Event


def announcing_organisations(user: Any) -> list[Organisation]:
    """The published MOs whose team the user belongs to (they announce for them)."""
    if not user.is_authenticated:
        return []
    return list(
        Organisation.objects.published().filter(memberships__user=user).distinct().order_by("name")
    )


def may_announce(user: Any) -> bool:
    if not user.is_authenticated:
        return False
    return is_reviewer(user) or is_institution(user) or bool(announcing_organisations(user))


def may_edit(user: Any, event: Event) -> bool:
    """Coordinators; the MO's team (for an event of an MO); the verified
    institution that announced it in its own name, while still verified. Whoever
    leaves the team or loses the verification loses the right, also for the
    events they created. Imported events change with their feed: only
    coordinators touch them (hide, cancel)."""
    if not user.is_authenticated:
        return False
    if is_reviewer(user):
        return True
    if event.feed_id is not None:
        return False
    if event.organisation is not None:
        return membership_of(user, event.organisation) is not None
    return event.created_by_id == user.pk and is_institution(user)


def is_public(event: Event) -> bool:
    if event.hidden:
        return False
    return event.organisation is None or event.organisation.is_published


def may_see(user: Any, event: Event) -> bool:
    return is_public(event) or may_edit(user, event)
