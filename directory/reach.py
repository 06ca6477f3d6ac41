"""How a message reaches an organisation: its team in the portal, else its
e-mail address on record (relayed by the portal, never shown to the sender),
else nobody (coordinators must step in).

The one place for "has a team" and for the two kinds of "unerreichbar":
``without_email`` (no team, no e-mail: no message reaches them, only a letter
if they have a postal address) and ``unreachable`` (not even a letter: no
team, no e-mail, no postal address)."""

from __future__ import annotations

import enum

from django.db.models import Exists, OuterRef, Q, QuerySet

from directory.models import Membership, Organisation


class Reach(enum.StrEnum):
    TEAM = "team"
    ADDRESS = "address"
    NONE = "none"


def active_team() -> Exists:
    """In a query over organisations: it has an active team member."""
    return Exists(Membership.objects.filter(organisation=OuterRef("pk"), user__is_active=True))


def has_team(organisation: Organisation | int) -> bool:
    """The profile (or the profile with this pk) has an active team member."""
    pk = organisation if isinstance(organisation, int) else organisation.pk
    return Membership.objects.filter(organisation_id=pk, user__is_active=True).exists()


def has_postal_address_q() -> Q:
    """A letter can be addressed: a street, and a postcode or a town."""
    return ~Q(street="") & (~Q(postal_code="") | ~Q(city=""))


def has_postal_address(organisation: Organisation) -> bool:
    return bool(organisation.street and (organisation.postal_code or organisation.city))


def reach_of(organisation: Organisation) -> Reach:
    if has_team(organisation):
        return Reach.TEAM
    if organisation.email:
        return Reach.ADDRESS
    return Reach.NONE


def without_team() -> QuerySet[Organisation]:
    """Published profiles without an active team member."""
    return Organisation.objects.published().exclude(active_team())


def without_email() -> QuerySet[Organisation]:
    """ "Ohne Team und ohne E-Mail": published profiles no message reaches (their
    reach is NONE; requests to them are refused). A letter may still reach them."""
    return without_team().filter(email="")


def unreachable() -> QuerySet[Organisation]:
    """ "Gar nicht erreichbar": without a team, an e-mail address and a postal
    address; somebody has to find the organisation."""
    return without_email().exclude(has_postal_address_q())
