"""Verified identity (issue 19): what an MO says it is (legal form, register
court and number, charitable status with the date of its latest notice of
exemption) and whether a coordinator checked it.

A check (``IdentityVerification``) covers the values it saw: it stores them as
``identity_key``, and a profile counts as verified while its own
``identity_key`` (derived from its current values by
services.organisation_recorded) equals the key of one of its checks. When the
team changes any of these values, the badge goes away until a coordinator
checks again; should the team put back exactly the values once checked, that
check counts again (it saw these values).

Read only: the write is services.identity_verify.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils import formats
from django.utils.translation import gettext as _

from directory.duplicates import court_key, number_key, register_key
from directory.models import IdentityVerification, Organisation

FIELDS = ("legal_form", "register_court", "register_number", "charitable_status",
          "charitable_notice_date")  # fmt: skip


def identity_key(organisation: Organisation | IdentityVerification) -> str:
    """The identity values as a check covers them: court and number as
    compared (case, spaces, "Amtsgericht" ignored), legal form, charitable
    status and the notice's date."""
    notice = organisation.charitable_notice_date
    if isinstance(notice, str):  # laid over from a pending revision (JSON)
        notice = datetime.date.fromisoformat(notice) if notice else None
    parts = (
        court_key(organisation.register_court),
        number_key(organisation.register_number),
        organisation.legal_form,
        organisation.charitable_status,
        notice.isoformat() if notice else "",
    )
    return "|".join(parts)[:255]


def keys(organisation: Organisation) -> tuple[str, str]:
    """The derived ``register_key`` and ``identity_key`` of a profile."""
    return (
        register_key(organisation.register_number, organisation.register_court),
        identity_key(organisation),
    )


def verified_condition() -> Q:
    """Profiles with a check that covers their current values (for filters)."""
    return Q(
        Exists(
            IdentityVerification.objects.filter(
                organisation=OuterRef("pk"), identity_key=OuterRef("identity_key")
            )
        )
    )


def current_check(organisation: Organisation) -> IdentityVerification | None:
    """The latest check that covers the profile's current values."""
    return (
        IdentityVerification.objects.filter(
            organisation=organisation, identity_key=organisation.identity_key
        )
        .select_related("verified_by")
        .first()
    )


def attach(organisations: Iterable[Organisation]) -> None:
    """Set ``identity_check`` (the latest covering check, or None) on each
    profile of a list: one query for the whole list."""
    rows = list(organisations)
    for organisation in rows:
        organisation.identity_check = None  # type: ignore[attr-defined]
        organisation.identity_badge = None  # type: ignore[attr-defined]
    if not rows:
        return
    by_pk = {o.pk: o for o in rows}
    checks = IdentityVerification.objects.filter(organisation_id__in=list(by_pk)).order_by(
        "-verified_at", "-pk"
    )
    for check in checks:
        profile = by_pk[check.organisation_id]
        if check.identity_key == profile.identity_key and profile.identity_check is None:  # type: ignore[attr-defined]
            profile.identity_check = check  # type: ignore[attr-defined]
            profile.identity_badge = badge(check)  # type: ignore[attr-defined]


def as_data(check: IdentityVerification | None) -> dict[str, Any]:
    """A covering check as open data (API, HSDS): verified, when, what."""
    checked = []
    if check is not None and check.register_checked:
        checked.append("register")
    if check is not None and check.exemption_checked:
        checked.append("exemption")
    return {
        "verified": check is not None,
        "verified_at": check.verified_at.date().isoformat() if check is not None else None,
        "checked": checked,
    }


@dataclass(frozen=True)
class Badge:
    """What the badge says: the short label and the sentence of what and when."""

    label: str
    text: str
    date: datetime.date


def badge(check: IdentityVerification | None) -> Badge | None:
    """The badge of a covering check, in plain German (or English)."""
    if check is None:
        return None
    date = check.verified_at.date()
    when = formats.date_format(date, "DATE_FORMAT")
    if check.register_checked and check.exemption_checked:
        text = _("Eintrag im Register und Gemeinnützigkeit am %(date)s geprüft.")
    elif check.register_checked:
        text = _("Eintrag im Register am %(date)s geprüft.")
    else:
        text = _("Gemeinnützigkeit (Freistellungsbescheid) am %(date)s geprüft.")
    return Badge(label=_("Identität geprüft"), text=text % {"date": when}, date=date)


# The identifier scheme of a register entry (org-id.guide: the Common Register
# Portal of the German federal states), in HSDS and in the profiles' JSON-LD.
REGISTER_SCHEME = "DE-CR"
