"""What of a published profile waits for review, and how a pending revision
reads: the review table, the values of the live and the pending revision, and
their differences. (The writes are in directory.services: revision_save,
revision_approve, revision_send_back, revision_discard.)

A published profile's row is its live revision: every page, search, the API,
HSDS, the downloads and the widget read only the row. Changes the team makes to
what needs review wait in the profile's one open ``ProfileRevision``; changes
that must not wait are written to the row at once. ``REVIEW_RULES`` is the one
table that says which is which, and why (docs/review.md shows it;
tests/directory/test_revisions.py keeps the two equal and checks that every
field the profile forms write is in it exactly once).

A revision's ``content`` holds only what the team touched, by key: a field's
name, a vocabulary relation's name (its terms' slugs, sorted) or ``"offers"``
(as in the snapshot). The pending profile is the live one with that content
laid over it, so a change to the live profile that the team did not touch (a
term renamed by the coordinators, an immediate contact change) stays.
"""

import copy
import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import DateField
from django.db.models.fields.files import FieldFile
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from core.text import word_diff
from directory.models import Organisation, ProfileRevision, Term
from directory.relations import BY_FIELD, Text
from directory.vocabulary import TERM_RELATIONS, get_vocabulary

OFFERS = "offers"


@dataclass(frozen=True)
class ReviewRule:
    """Fields, vocabulary relations or the offers of a profile, whether a change
    of a published profile needs review, and why."""

    names: tuple[str, ...]
    reviewed: bool
    why: Text


# Chosen from the guide's trust argument: institutions choose partners by what
# an MO says it is and can do (its roles, ch. 4; its resources, ch. 3; its
# capacities for projects, ch. 4-6). Those statements are what the portal
# vouches for, so a change waits until a coordinator saw it. What only helps to
# reach the MO, or says that it is current or available, goes live at once:
# waiting would make the profile wrong (a request to an old address is lost)
# or keep personal data online against the person's will.
REVIEW_RULES: tuple[ReviewRule, ...] = (
    ReviewRule(
        ("name", "short_name", "legal_form", "founding_year", "area"),
        True,
        _(
            "Wer die Organisation ist: Ein umbenanntes Profil könnte sich als eine andere "
            "Organisation ausgeben."
        ),
    ),
    ReviewRule(
        ("register_court", "register_number", "charitable_status", "charitable_notice_date"),
        True,
        _(
            "Register und Gemeinnützigkeit: Institutionen fragen vor einer Kooperation danach; "
            "eine geänderte Angabe nimmt die Prüfung der Identität zurück, bis die Koordination "
            "sie erneut geprüft hat."
        ),
    ),
    ReviewRule(
        ("description", "description_en", "logo", "website"),
        True,
        _(
            "Was Institutionen zuerst lesen und sehen; freier Text, Bilder und Links sind "
            "auch das, womit ein Profil missbraucht werden kann."
        ),
    ),
    ReviewRule(
        (
            "roles",
            "resources",
            "fields",
            "target_groups",
            "communities",
            "languages",
            "advice_languages",
            OFFERS,
        ),
        True,
        _(
            "Rollen (Leitfaden Kap. 4), Ressourcen (Kap. 3) und Angebote sind die Aussagen, "
            "nach denen Institutionen Partner auswählen; auf sie verlässt sich die Suche."
        ),
    ),
    ReviewRule(
        (
            "paid_staff",
            "volunteers",
            "members",
            "budget_band",
            "has_rooms",
            "cooperation_experience",
        ),
        True,
        _(
            "Kapazitäten und Erfahrung entscheiden, ob eine Organisation ein Projekt tragen "
            "kann (Kap. 4 bis 6: hauptamtliche Strukturen)."
        ),
    ),
    ReviewRule(
        (
            "email",
            "email_visibility",
            "phone",
            "phone_visibility",
            "street",
            "street_visibility",
            "postal_code",
            "city",
            "state",
        ),
        False,
        _(
            "Kontakt und Adresse: Eine veraltete Angabe lässt Anfragen ins Leere laufen, und "
            "wer eine eigene Nummer oder Adresse zurückzieht, muss das sofort können "
            "(Datenschutz). Ob Anfragen ankommen, zeigt der Zustellstatus."
        ),
    ),
    ReviewRule(
        ("open_for_cooperation", "confirmed_at"),
        False,
        _(
            "Ob die Organisation gerade offen für Kooperationen ist und ob das Profil aktuell "
            "ist: Aussagen über jetzt, die beim Warten ihren Wert verlieren."
        ),
    ),
)

REVIEWED: frozenset[str] = frozenset(
    n for rule in REVIEW_RULES if rule.reviewed for n in rule.names
)
IMMEDIATE: frozenset[str] = frozenset(
    n for rule in REVIEW_RULES if not rule.reviewed for n in rule.names
)
REVIEWED_FIELDS: tuple[str, ...] = tuple(
    n for n in sorted(REVIEWED) if n not in TERM_RELATIONS and n != OFFERS
)


def needs_review(organisation: Organisation) -> bool:
    """Whether changes to the profile wait in a revision: it is published."""
    return organisation.status == Organisation.Status.PUBLISHED


def open_revision(organisation: Organisation) -> ProfileRevision | None:
    """The profile's open (pending or sent back) revision, if any."""
    return (
        ProfileRevision.objects.filter(
            organisation=organisation, state__in=ProfileRevision.OPEN_STATES
        )
        .select_related("updated_by")
        .first()
    )


def revision_token(revision: ProfileRevision | None) -> str:
    """What a form carries of the revision it was loaded from: "pk:version"."""
    return f"{revision.pk}:{revision.version}" if revision is not None else ""


def parse_token(token: str | None) -> tuple[int | None, int] | None:
    """(pk, version) of a revision token; (None, 0) for a form loaded while no
    revision was open; None for a POST without a token (saved unchecked) or a
    malformed one."""
    if token is None:
        return None
    if token == "":
        return (None, 0)
    pk, _sep, version = token.partition(":")
    if not (pk.isdigit() and version.isdigit()):
        return None
    return (int(pk), int(version))


def jsonable(value: Any) -> Any:
    """A field's value as the revision stores it."""
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, Term):
        return value.pk
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def live_value(organisation: Organisation, key: str) -> Any:
    """The live profile's value of a key of REVIEWED."""
    snapshot = organisation.snapshot or {}
    if key == OFFERS:
        return snapshot.get("offers", [])
    if key in TERM_RELATIONS:
        return sorted(snapshot.get("terms", {}).get(key, []))
    field = Organisation._meta.get_field(key)
    return jsonable(getattr(organisation, field.attname))  # type: ignore[union-attr]


def effective(organisation: Organisation, content: Mapping[str, Any]) -> dict[str, Any]:
    """What of ``content`` differs from the live profile."""
    return {k: v for k, v in content.items() if v != live_value(organisation, k)}


def pending_profile(organisation: Organisation, revision: ProfileRevision | None) -> Organisation:
    """The profile as its team sees it: the live one with the revision laid over
    it (an unsaved copy; the profile itself without a revision)."""
    if revision is None:
        return organisation
    shown = copy.copy(organisation)
    snapshot = copy.deepcopy(organisation.snapshot or {})
    terms = snapshot.setdefault("terms", {})
    for key, value in revision.content.items():
        if key == OFFERS:
            snapshot[OFFERS] = value
        elif key in TERM_RELATIONS:
            terms[key] = value
        else:
            field = Organisation._meta.get_field(key)
            if isinstance(field, DateField) and isinstance(value, str) and value:
                value = datetime.date.fromisoformat(value)  # as the revision stores it
            setattr(shown, field.attname, value)  # type: ignore[union-attr]
    shown.snapshot = snapshot
    return shown


def terms_of(profile: Organisation, relation: str) -> list[Term]:
    """The terms of a relation as the (pending) profile's snapshot holds them."""
    vocab = get_vocabulary()
    slugs = (profile.snapshot or {}).get("terms", {}).get(relation, [])
    kind = TERM_RELATIONS[relation]
    return [term for term in (vocab.get(kind, slug) for slug in slugs) if term is not None]


def offers_of(profile: Organisation) -> list[dict[str, Any]]:
    """The offers as the (pending) profile's snapshot holds them, with their
    languages as terms (the offers form's initial data)."""
    vocab = get_vocabulary()
    return [
        {
            **offer,
            "languages": [
                term
                for term in (vocab.get("language", slug) for slug in offer.get("languages", []))
                if term is not None
            ],
        }
        for offer in (profile.snapshot or {}).get("offers", [])
    ]


def _label(key: str) -> str:
    if key == OFFERS:
        return str(_("Angebote"))
    if key in BY_FIELD:
        return str(BY_FIELD[key].verbose_name)
    return str(Organisation._meta.get_field(key).verbose_name)  # type: ignore[union-attr]


def _text(profile: Organisation, key: str) -> str:
    """A key's value as words, for the diff."""
    if key == OFFERS:
        return "; ".join(
            " – ".join(part for part in (o["title"], o.get("summary", "")) if part)
            for o in (profile.snapshot or {}).get("offers", [])
        )
    if key in TERM_RELATIONS:
        return ", ".join(str(term.label) for term in terms_of(profile, key))
    field = Organisation._meta.get_field(key)
    value = getattr(profile, field.attname)  # type: ignore[union-attr]
    if isinstance(value, FieldFile):
        return value.name or ""
    choices = dict(getattr(field, "choices", None) or [])
    if value in choices:
        return str(choices[value])
    if isinstance(value, bool):
        return str(_("Ja") if value else _("Nein"))
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Change:
    key: str
    label: str
    diff: SafeString


def changes(live: Organisation, revision: ProfileRevision | None) -> list[Change]:
    """What the revision changes of the live profile, key by key, as word diffs
    (in the order of the review table)."""
    if revision is None:
        return []
    pending = pending_profile(live, revision)
    found = []
    for rule in REVIEW_RULES:
        for key in rule.names:
            if key in revision.content:
                old, new = _text(live, key), _text(pending, key)
                if old != new:
                    found.append(Change(key=key, label=_label(key), diff=word_diff(old, new)))
    return found
