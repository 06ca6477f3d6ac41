"""How a message reaches an organisation: its team in the portal, else its
e-mail address on record (relayed by the portal, never shown to the sender),
else nobody (coordinators must step in)."""

from __future__ import annotations

import enum

from django.db.models import Exists, OuterRef, QuerySet

from directory.models import Membership, Organisation


class Reach(enum.StrEnum):
    TEAM = "team"
    ADDRESS = "address"
    NONE = "none"


def has_team(organisation: Organisation) -> bool:
    return organisation.memberships.filter(user__is_active=True).exists()


def reach_of(organisation: Organisation) -> Reach:
    if has_team(organisation):
        return Reach.TEAM
    if organisation.email:
        return Reach.ADDRESS
    return Reach.NONE


def unreachable() -> QuerySet[Organisation]:
    """Published profiles that nobody can be told about: no active team member
    and no e-mail address on record."""
    team = Membership.objects.filter(organisation=OuterRef("pk"), user__is_active=True)
    return (
        Organisation.objects.published()
        .filter(email="")
        .exclude(Exists(team))
        .select_related("state")
        .order_by("name")
    )
