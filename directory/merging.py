"""Merging two profiles of one organisation, and the "keine Dublette" mark.

A coordinator merges ``other`` into ``staying``: ``staying`` keeps its URL and
takes, per field, the value the coordinator chose; everything that points at
``other`` moves over; ``other`` is not deleted but becomes a tombstone
(archived, ``merged_into``) whose URLs answer with a permanent redirect.

Every relation to Organisation is handled by an entry of ``RELATIONS`` (model
label and field name -> how it moves). The directory registers its own below;
higher rooms register theirs in their ``AppConfig.ready()`` (the directory
imports none of them). tests/directory/test_merge_relations.py enumerates every
relation to Organisation and fails for one that is not registered.

Open revisions are refused, not folded in: a pending one waits for the
coordinator's decision, a sent-back one for its team, and either holds text
somebody typed that a merge must not silently drop or apply.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.types import User
from directory import services, team
from directory.models import (
    Claim,
    DistinctPair,
    IdentityVerification,
    Invitation,
    Membership,
    Offer,
    Organisation,
    ProfileRevision,
)
from directory.outreach_models import TakeoverInvitation
from directory.reference_models import Reference
from directory.vocabulary import TERM_RELATIONS
from mailer.services import mail_user

STAY, OTHER, BOTH = "stay", "other", "both"

# The profile's own values a coordinator chooses between; a contact value
# carries its visibility along.
FIELDS: tuple[str, ...] = (
    "name",
    "short_name",
    "legal_form",
    "founding_year",
    "description",
    "description_en",
    "logo",
    "website",
    "email",
    "phone",
    "street",
    "postal_code",
    "city",
    "state",
    "area",
    "paid_staff",
    "volunteers",
    "members",
    "budget_band",
    "has_rooms",
    "open_for_cooperation",
    "register_court",
    "register_number",
    "charitable_status",
    "charitable_notice_date",
)
CARRIED = {
    "email": "email_visibility",
    "phone": "phone_visibility",
    "street": "street_visibility",
}


class MergeError(Exception):
    """The merge cannot be done as previewed; nothing was changed."""

    class Code(enum.StrEnum):
        SAME = "same"
        MERGED = "merged"  # one of the two is already merged
        CHANGED = "changed"  # a profile changed after the preview
        REVISION = "revision"  # an open revision of either
        ARCHIVED = "archived"  # the staying profile is archived

    def __init__(self, code: MergeError.Code, organisation: Organisation | None = None) -> None:
        super().__init__(code.value)
        self.code = code
        self.organisation = organisation


# --- the registry of relations ------------------------------------------------------


Mover = Callable[["Relation", Organisation, Organisation], int]
# What the preview must point out about a relation's rows for this pair
# (staying, other): sentences for the coordinator, empty when nothing.
Warner = Callable[[Organisation, Organisation], list[str]]
# Which rows of ``other`` its mover leaves with the tombstone when merging into
# this staying profile (not counted as moving in the preview).
Keeper = Callable[[Organisation], Q]


@dataclass(frozen=True)
class Relation:
    """One foreign key to Organisation and how a merge treats it."""

    model: type[Model]
    field: str
    label: Promise | str
    move: Mover
    shown: bool = True  # counted in the preview
    warn: Warner | None = None  # listed in the preview (e.g. rows between the two)
    stays: Keeper | None = None

    @property
    def key(self) -> str:
        return f"{self.model._meta.label}.{self.field}"

    def rows(self, organisation: Organisation) -> QuerySet[Any]:
        return self.model._default_manager.filter(**{self.field: organisation})


RELATIONS: dict[str, Relation] = {}


def register(
    model: type[Model],
    field: str,
    *,
    label: Promise | str,
    move: Mover,
    shown: bool = True,
    warn: Warner | None = None,
    stays: Keeper | None = None,
) -> None:
    """Say how a merge treats ``model.field`` (a foreign key to Organisation);
    ``warn`` names rows the coordinator should know of before merging (the
    preview lists them; a model with two keys registers it on one); ``stays``
    the rows of the merged-away profile its mover leaves with the tombstone."""
    relation = Relation(model, field, label, move, shown, warn, stays)
    RELATIONS[relation.key] = relation


def move_all(relation: Relation, staying: Organisation, other: Organisation) -> int:
    """Every row of ``other`` now points at ``staying``."""
    return relation.rows(other).update(**{relation.field: staying})


def move_unique(*unique: str, condition: Q | None = None, on_clash: str = "delete") -> Mover:
    """Move the rows of ``other``, except those that would repeat a row of
    ``staying`` in ``unique`` (among the rows matching ``condition``, as a
    partial unique constraint says): such a row is deleted (``on_clash``
    "delete": the same fact, already there) or stays with the tombstone
    ("keep": a second one is not allowed, and deleting would lose data)."""

    def move(relation: Relation, staying: Organisation, other: Organisation) -> int:
        mine = relation.rows(staying)
        theirs = relation.rows(other)
        if condition is not None:
            mine = mine.filter(condition)
        same = Exists(mine.filter(**{name: OuterRef(name) for name in unique}))
        clashing = theirs.filter(condition) if condition is not None else theirs
        clashing = clashing.filter(same)
        if on_clash == "delete":
            clashing.delete()
            return theirs.update(**{relation.field: staying})
        kept = list(clashing.values_list("pk", flat=True))
        return theirs.exclude(pk__in=kept).update(**{relation.field: staying})

    return move


def keep(relation: Relation, staying: Organisation, other: Organisation) -> int:
    """Stays with the tombstone (its history, or handled by the merge itself)."""
    return 0


# --- the directory's own relations --------------------------------------------------


def _move_distinct_marks(relation: Relation, staying: Organisation, other: Organisation) -> int:
    """A mark "A is no duplicate of X" of ``other`` becomes one of ``staying``
    (a mark between the two merged profiles goes: they were one after all)."""
    moved = 0
    for pair in DistinctPair.objects.filter(**{relation.field: other}):
        partner = pair.second_id if relation.field == "first" else pair.first_id
        if partner != staying.pk:
            low, high = sorted((int(staying.pk), int(partner)))
            DistinctPair.objects.bulk_create(
                [DistinctPair(first_id=low, second_id=high, marked_by_id=pair.marked_by_id)],
                ignore_conflicts=True,
            )
            moved += 1
        pair.delete()
    return moved


def _claims_closed_by_merge(staying: Organisation, other: Organisation) -> list[str]:
    """The open claims the merge closes: the merged profile has an owner when
    either has one, and a claim is for a profile without (an owner's own claim
    is confirmed instead). One query."""
    both = (staying, other)
    owners = Membership.objects.filter(organisation__in=both, role=Membership.Role.OWNER)
    pending = (
        Claim.objects.filter(organisation__in=both, status=Claim.Status.PENDING)
        .filter(Exists(owners))
        .exclude(user__in=owners.values("user"))
    )
    number = pending.values("user").distinct().count()
    if not number:
        return []
    return [
        ngettext(
            "%(number)d offene Übernahmeanfrage wird geschlossen, weil das zusammengeführte "
            "Profil eine verantwortliche Person hat; die anfragende Person erhält eine E-Mail.",
            "%(number)d offene Übernahmeanfragen werden geschlossen, weil das zusammengeführte "
            "Profil eine verantwortliche Person hat; die anfragenden Personen erhalten eine "
            "E-Mail.",
            number,
        )
        % {"number": number}
    ]


def _register_directory() -> None:
    for m2m in Organisation._meta.many_to_many:  # the terms: chosen per relation
        through = m2m.remote_field.through
        assert through is not None
        register(through, "organisation", label=str(m2m.name), move=keep, shown=False)
    register(Organisation, "merged_into", label=_("Frühere Dubletten"), move=move_all)
    register(
        Organisation.history.model,
        "merged_into",
        label=_("Verlauf"),
        move=keep,
        shown=False,
    )
    register(Offer, "organisation", label=_("Angebote"), move=keep, shown=False)
    register(Reference, "organisation", label=_("Referenzen"), move=move_all)
    register(Membership, "organisation", label=_("Team"), move=keep, shown=False)
    register(ProfileRevision, "organisation", label=_("Änderungen"), move=keep, shown=False)
    register(
        ProfileRevision.history.model,
        "organisation",
        label=_("Verlauf der Änderungen"),
        move=keep,
        shown=False,
    )
    register(
        Invitation,
        "organisation",
        label=_("Einladungen ins Team"),
        move=move_unique("email", condition=Q(accepted_at__isnull=True)),
    )
    register(
        Claim,
        "organisation",
        label=_("Übernahmeanfragen"),
        move=move_unique("user", condition=Q(status=Claim.Status.PENDING)),
        warn=_claims_closed_by_merge,
    )
    # Identity checks move: each covers the values it saw, so a moved check counts
    # on the merged profile only if its identity values are the ones checked.
    register(
        IdentityVerification,
        "organisation",
        label=_("Identitätsprüfungen"),
        move=move_all,
    )
    # Invitations to take over stay with the tombstone, as its record: a link or
    # code of a merged-away profile can no longer be used (it is not published).
    register(
        TakeoverInvitation,
        "organisation",
        label=_("Einladungen zur Übernahme"),
        move=keep,
        shown=False,
    )
    marks = _("Markierungen „Keine Dublette“")
    register(DistinctPair, "first", label=marks, move=_move_distinct_marks)
    register(DistinctPair, "second", label=marks, move=_move_distinct_marks)


_register_directory()


# --- the preview --------------------------------------------------------------------


def is_empty(value: Any) -> bool:
    return value is None or value == "" or (hasattr(value, "name") and not value)


def default_choice(staying: Organisation, other: Organisation, name: str) -> str:
    """The staying profile's value unless it is empty and the other's is not."""
    attname = Organisation._meta.get_field(name).attname  # type: ignore[union-attr]
    mine, theirs = getattr(staying, attname), getattr(other, attname)
    return OTHER if is_empty(mine) and not is_empty(theirs) else STAY


def _terms(organisation: Organisation, relation: str) -> list[str]:
    return list((organisation.snapshot or {}).get("terms", {}).get(relation, []))


def default_relation_choice(staying: Organisation, other: Organisation, relation: str) -> str:
    """As for fields: the staying profile's terms unless it has none."""
    return OTHER if not _terms(staying, relation) and _terms(other, relation) else STAY


def default_offers_choice(staying: Organisation, other: Organisation) -> str:
    mine = (staying.snapshot or {}).get("offers", [])
    theirs = (other.snapshot or {}).get("offers", [])
    return OTHER if not mine and theirs else STAY


def differing_relations(staying: Organisation, other: Organisation) -> list[str]:
    return [r for r in TERM_RELATIONS if sorted(_terms(staying, r)) != sorted(_terms(other, r))]


def differing_fields(staying: Organisation, other: Organisation) -> list[str]:
    """The fields whose values differ (only they need a choice)."""
    found = []
    for name in FIELDS:
        attname = Organisation._meta.get_field(name).attname  # type: ignore[union-attr]
        values = [getattr(staying, attname), getattr(other, attname)]
        values += [getattr(p, CARRIED[name]) for p in (staying, other)] if name in CARRIED else []
        if str(values[0]) != str(values[1]) or (name in CARRIED and values[2] != values[3]):
            found.append(name)
    return found


@dataclass
class Choices:
    """What the merged profile takes: per field STAY or OTHER; per term
    relation and for the offers STAY, OTHER or BOTH."""

    fields: dict[str, str] = field(default_factory=dict)
    relations: dict[str, str] = field(default_factory=dict)
    offers: str = ""  # empty: the default (default_offers_choice)


@dataclass
class TeamChange:
    user: User
    role: str  # the role in the merged team
    was_owner: bool  # an owner who becomes an editor


def team_after(staying: Organisation, other: Organisation) -> list[TeamChange]:
    """The merged team: both teams, one owner at most (the staying profile's;
    else the other's); every other owner becomes an editor."""
    members: dict[int, TeamChange] = {}
    owner_id = None
    for organisation in (staying, other):
        for membership in organisation.memberships.select_related("user").order_by("pk"):
            is_owner = membership.role == Membership.Role.OWNER
            if is_owner and owner_id is None:
                owner_id = membership.user_id
            known = members.get(membership.user_id)
            if known is None:
                members[membership.user_id] = TeamChange(
                    membership.user, Membership.Role.EDITOR, is_owner
                )
            elif is_owner:
                known.was_owner = True
    for change in members.values():
        if change.user.pk == owner_id:
            change.role, change.was_owner = Membership.Role.OWNER, False
    return list(members.values())


def moving_counts(
    other: Organisation, staying: Organisation | None = None
) -> list[tuple[Promise | str, int]]:
    """What moves from ``other`` (label, rows), without the team and terms
    (and, given ``staying``, without the rows that stay with the tombstone)."""
    counts = []
    for relation in RELATIONS.values():
        if relation.shown:
            rows = relation.rows(other)
            if staying is not None and relation.stays is not None:
                rows = rows.exclude(relation.stays(staying))
            number = rows.count()
            if number:
                counts.append((relation.label, number))
    return counts


def warnings(staying: Organisation, other: Organisation) -> list[str]:
    """What the registered relations point out about this pair (the preview)."""
    found: list[str] = []
    for relation in RELATIONS.values():
        if relation.warn is not None:
            found.extend(relation.warn(staying, other))
    return found


def open_revision_of(*organisations: Organisation) -> ProfileRevision | None:
    return (
        ProfileRevision.objects.filter(
            organisation__in=organisations, state__in=ProfileRevision.OPEN_STATES
        )
        .select_related("organisation")
        .first()
    )


# --- the merge ----------------------------------------------------------------------


def _lock(*pks: int) -> dict[int, Organisation]:
    """Lock the rows in primary-key order (two merges of the same pair in
    opposite directions wait for each other instead of deadlocking)."""
    return {pk: Organisation.objects.select_for_update().get(pk=pk) for pk in sorted(set(pks))}


def _merge_team(staying: Organisation, other: Organisation) -> None:
    changes = team_after(staying, other)
    owner = next((c.user for c in changes if c.role == Membership.Role.OWNER), None)
    both = Membership.objects.filter(organisation__in=[staying, other])
    # A person in both teams keeps the staying profile's membership.
    Membership.objects.filter(
        organisation=other,
        user__in=Membership.objects.filter(organisation=staying).values("user"),
    ).delete()
    # Nobody is owner while the rows move (one owner per profile, a constraint).
    both.update(role=Membership.Role.EDITOR)
    Membership.objects.filter(organisation=other).update(organisation=staying)
    if owner is not None:
        Membership.objects.filter(organisation=staying, user=owner).update(
            role=Membership.Role.OWNER
        )


def _merge_offers(staying: Organisation, other: Organisation, choice: str) -> None:
    """Offers not taken stay with the tombstone (nothing is deleted)."""
    mine = list(Offer.objects.filter(organisation=staying).values_list("pk", flat=True))
    if choice in (OTHER, BOTH):
        start = len(mine) if choice == BOTH else 0
        for position, offer in enumerate(Offer.objects.filter(organisation=other), start=start):
            offer.organisation, offer.position = staying, position
            offer.save(update_fields=["organisation", "position"])
    if choice == OTHER:
        Offer.objects.filter(pk__in=mine).update(organisation=other)


def _reason(text: str, organisation: Organisation) -> str:
    """A history reason that keeps the id when the name is cut (100 characters)."""
    suffix = f" (#{organisation.pk})"
    return f"{text} {organisation.name}"[: 100 - len(suffix)] + suffix


def _team_members(*organisations: Organisation) -> list[User]:
    seen: dict[int, User] = {}
    for membership in Membership.objects.filter(
        organisation__in=organisations, user__is_active=True
    ).select_related("user"):
        seen.setdefault(membership.user_id, membership.user)
    return list(seen.values())


def organisation_merge(
    *,
    staying: Organisation,
    other: Organisation,
    by: User,
    choices: Choices,
    seen: tuple[int, int],
) -> Organisation:
    """Merge ``other`` into ``staying`` as the preview showed them (``seen``:
    their versions then). One transaction; both rows locked in primary-key
    order; MergeError when the two are the same, either is merged already or
    changed since the preview, or has an open revision. Returns the merged
    profile."""
    if staying.pk == other.pk:
        raise MergeError(MergeError.Code.SAME)
    with transaction.atomic():
        locked = _lock(staying.pk, other.pk)
        stay, gone = locked[staying.pk], locked[other.pk]
        for profile in (stay, gone):
            if profile.merged_into_id is not None:
                raise MergeError(MergeError.Code.MERGED, profile)
        if (stay.version, gone.version) != seen:
            raise MergeError(MergeError.Code.CHANGED)
        if stay.status == Organisation.Status.ARCHIVED:
            raise MergeError(MergeError.Code.ARCHIVED, stay)
        revision = open_revision_of(stay, gone)
        if revision is not None:
            raise MergeError(MergeError.Code.REVISION, revision.organisation)
        recipients = _team_members(stay, gone)
        _merge_team(stay, gone)
        for relation in RELATIONS.values():
            relation.move(relation, stay, gone)
        ownership = (
            stay.memberships.filter(role=Membership.Role.OWNER).select_related("user").first()
        )
        if ownership is not None:
            # Claims are for profiles without an owner: the moved ones can no
            # longer be confirmed. Closed here, under both rows' locks, once.
            team.claims_close(
                organisation=stay, reason=Claim.Reason.MERGED, keep_user=ownership.user, by=by
            )
        with services.organisation_recorded(
            organisation=stay, by=by, reason=_reason("zusammengeführt mit", gone)
        ) as merged:
            for name in FIELDS:
                if (choices.fields.get(name) or default_choice(stay, gone, name)) == OTHER:
                    attname = Organisation._meta.get_field(name).attname  # type: ignore[union-attr]
                    setattr(merged, attname, getattr(gone, attname))
                    if name in CARRIED:
                        setattr(merged, CARRIED[name], getattr(gone, CARRIED[name]))
            for term_relation in TERM_RELATIONS:
                choice = choices.relations.get(term_relation) or default_relation_choice(
                    stay, gone, term_relation
                )
                theirs = list(getattr(gone, term_relation).all())
                if choice == OTHER:
                    getattr(merged, term_relation).set(theirs)
                elif choice == BOTH:
                    getattr(merged, term_relation).add(*theirs)
            _merge_offers(merged, gone, choices.offers or default_offers_choice(stay, gone))
        gone.status = Organisation.Status.ARCHIVED
        gone.merged_into, gone.merged_at = merged, timezone.now()
        services.organisation_save(
            organisation=gone,
            by=by,
            reason=_reason("zusammengeführt in", merged),
            fields=["status", "merged_into", "merged_at"],
        )
        for user in recipients:
            mail_user(
                user,
                "organisation-merged",
                {"organisation": merged, "other_name": gone.name, "other_id": gone.pk},
            )
        return merged


def target_of(organisations: QuerySet[Organisation]) -> Organisation | None:
    """The profile a tombstone among ``organisations`` was merged into (chains
    are collapsed by every merge, so one step is the end)."""
    found = organisations.filter(merged_into__isnull=False).select_related("merged_into").first()
    return found.merged_into if found is not None else None


# --- "keine Dublette" ---------------------------------------------------------------


def _ordered(one: Organisation, two: Organisation) -> tuple[int, int]:
    low, high = sorted((int(one.pk), int(two.pk)))
    return low, high


def distinct_mark(*, one: Organisation, two: Organisation, by: User) -> DistinctPair:
    """Mark two profiles as distinct organisations (again: the same mark)."""
    if one.pk == two.pk:
        raise MergeError(MergeError.Code.SAME)
    low, high = _ordered(one, two)
    try:
        with transaction.atomic():
            pair, _created = DistinctPair.objects.get_or_create(
                first_id=low, second_id=high, defaults={"marked_by": by}
            )
    except IntegrityError:  # marked by a second coordinator at the same moment
        pair = DistinctPair.objects.get(first_id=low, second_id=high)
    return pair


def distinct_unmark(*, one: Organisation, two: Organisation) -> bool:
    """Take the mark back; whether there was one."""
    low, high = _ordered(one, two)
    deleted, _rows = DistinctPair.objects.filter(first_id=low, second_id=high).delete()
    return bool(deleted)


def distinct_partners(organisation: Organisation) -> QuerySet[Organisation]:
    """The profiles marked as distinct from this one."""
    pk = organisation.pk
    marked = (
        DistinctPair.objects.filter(first_id=pk)
        .values("second_id")
        .union(DistinctPair.objects.filter(second_id=pk).values("first_id"))
    )
    return Organisation.objects.filter(pk__in=marked).order_by("name")


def unhandled(relations: Iterable[tuple[str, str]]) -> list[str]:
    """Of these (model label, field) relations, those no entry handles."""
    return [f"{label}.{name}" for label, name in relations if f"{label}.{name}" not in RELATIONS]
