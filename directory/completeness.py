"""What a profile needs before it is published: the checks an MO's team sees
before it submits (with a link to the section that fixes each), and that the
services enforce on submission and on a coordinator's approval, so that an
empty profile is neither submitted nor published."""

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from directory.models import Organisation
from directory.vocabulary import terms_by_organisation

# A description shorter than this says nothing an institution can use.
MIN_DESCRIPTION = 80


@dataclass(frozen=True)
class Check:
    key: str
    label: str | Promise
    section: str  # the self-service section (directory.forms.SECTIONS) that fixes it
    done: bool


def checks(organisation: Organisation, terms: dict[str, list[Any]] | None = None) -> list[Check]:
    """Every check, done or not (``terms``: relation -> terms, read when not given)."""
    if terms is None:
        terms = terms_by_organisation([organisation.pk])[organisation.pk]
    description = (organisation.description or "").strip()
    return [
        Check(
            "description",
            ngettext(
                "Eine Beschreibung: wer Sie sind und was Sie tun (mindestens %(n)s Zeichen)",
                "Eine Beschreibung: wer Sie sind und was Sie tun (mindestens %(n)s Zeichen)",
                MIN_DESCRIPTION,
            )
            % {"n": MIN_DESCRIPTION},
            "identitaet",
            len(description) >= MIN_DESCRIPTION,
        ),
        Check(
            "fields",
            _("Mindestens ein Handlungsfeld: worin Ihre Organisation aktiv ist"),
            "identitaet",
            bool(terms.get("fields")),
        ),
        Check(
            "roles",
            _("Mindestens eine Rolle: was Sie in einer Kooperation übernehmen können"),
            "angebote",
            bool(terms.get("roles")),
        ),
        Check(
            "place",
            _("Ort und Bundesland"),
            "kontakt",
            bool((organisation.city or "").strip() and organisation.state_id),
        ),
        Check(
            "contact",
            _("Ein Weg, Sie zu erreichen: E-Mail-Adresse, Telefon oder Website"),
            "kontakt",
            bool(organisation.email or organisation.phone or organisation.website),
        ),
    ]


def missing(organisation: Organisation, terms: dict[str, list[Any]] | None = None) -> list[Check]:
    return [check for check in checks(organisation, terms) if not check.done]


def percent(all_checks: list[Check]) -> int:
    return round(100 * sum(check.done for check in all_checks) / len(all_checks))


class Incomplete(Exception):
    """A profile that lacks what it needs to be published (nothing was changed)."""

    def __init__(self, missing: list[Check]):
        super().__init__(", ".join(check.key for check in missing))
        self.missing = missing
