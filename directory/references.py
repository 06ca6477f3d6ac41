"""Writing references (directory.reference_models): drafted by one side of a
finished cooperation, public while both sides confirm the same version.

Sides: ``MO`` is the MO the reference is about (its team), ``PARTNER`` the other
side (the institution, or the MO that asked for a tandem). Whoever writes or
changes the text confirms it by doing so and takes back the other side's
confirmation: nobody's name stands under a text they have not seen. Confirming
names the version that was shown; a change in between makes it a conflict
(core.concurrency), so the confirmation is never given to a newer text."""

from __future__ import annotations

import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from core.concurrency import Conflict, advance_version
from core.pagecache import bump
from core.types import User
from directory.reference_models import Reference

if TYPE_CHECKING:
    from directory.models import Organisation, Term


class Side(StrEnum):
    MO = "mo"
    PARTNER = "partner"


def _confirmation(side: Side, by: User | None) -> dict[str, object]:
    now = timezone.now() if by is not None else None
    if side is Side.MO:
        return {"mo_confirmed_at": now, "mo_confirmed_by": by}
    return {"partner_confirmed_at": now, "partner_confirmed_by": by}


def _other(side: Side) -> Side:
    return Side.PARTNER if side is Side.MO else Side.MO


@transaction.atomic
def reference_create(
    *,
    organisation: Organisation,
    partner_name: str,
    partner_type: Term | None,
    started_on: datetime.date,
    ended_on: datetime.date,
    summary: str,
    side: Side,
    by: User,
) -> Reference:
    """A new reference, confirmed by the side that wrote it."""
    reference = Reference.objects.create(
        organisation=organisation,
        partner_name=partner_name,
        partner_type=partner_type,
        started_on=started_on,
        ended_on=ended_on,
        summary=summary,
        **_confirmation(side, by),
    )
    return reference


@transaction.atomic
def reference_edit(
    *, reference: Reference, summary: str, side: Side, by: User, expected: int | None
) -> Reference:
    """A changed text: confirmed by the side that changed it, the other side's
    confirmation taken back (it confirmed another text). Raises Conflict when
    the reference changed since ``expected``."""
    changes = {"summary": summary, **_confirmation(side, by), **_confirmation(_other(side), None)}
    advance_version(Reference, reference.pk, expected, **changes)
    bump("directory")  # whatever this side saw: it may have been public a moment ago
    reference.refresh_from_db()
    return reference


@transaction.atomic
def reference_confirm(
    *, reference: Reference, side: Side, by: User, expected: int | None
) -> Reference:
    """``side`` confirms the version it was shown. Raises Conflict when the text
    changed since, or when no version is named (nobody confirms unseen text)."""
    if expected is None:
        raise Conflict(reference)
    advance_version(Reference, reference.pk, expected, **_confirmation(side, by))
    reference.refresh_from_db()
    if reference.is_confirmed:
        bump("directory")  # on the profile and in the finder from now on
    return reference


@transaction.atomic
def reference_withdraw(*, reference: Reference, side: Side) -> Reference:
    """``side`` takes back its confirmation: the reference leaves the profile."""
    advance_version(Reference, reference.pk, None, **_confirmation(side, None))
    bump("directory")  # whatever this side saw: the other may have confirmed just now
    reference.refresh_from_db()
    return reference


def confirmed_of(organisation_ids: list[int]) -> dict[int, list[Reference]]:
    """The confirmed references of these profiles, newest first (one query)."""
    found: dict[int, list[Reference]] = {pk: [] for pk in organisation_ids}
    rows = Reference.objects.confirmed().filter(organisation_id__in=organisation_ids)
    for reference in rows.select_related("partner_type"):
        found[reference.organisation_id].append(reference)
    return found
