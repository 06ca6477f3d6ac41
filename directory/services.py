"""Writes to MO profiles: saving with history, review, confirmation, archive,
deletion, and the vocabulary changes that reach the profiles.

Every change goes through ``organisation_save`` (or, where a form writes the
terms and offers itself, as the admin's does, ``organisation_recorded``), which
stores the terms and offers in the profile's snapshot, derives the search
document and the coordinates (directory.places) and saves once, so that the
history keeps one complete version per change with who made it and why, and
cached pages are invalidated.
"""

import datetime
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from django.contrib.auth import get_user_model
from django.db import router, transaction
from django.db.models import F, Model, Q, QuerySet
from django.db.models.deletion import Collector
from django.utils import timezone

from core import text
from core.concurrency import Conflict, advance_version
from core.pagecache import bump
from core.types import User
from directory import completeness, identity, revisions
from directory.duplicates import contact_keys
from directory.models import (
    CONFIRMATION_DUE_DAYS,
    IdentityVerification,
    Membership,
    Offer,
    Organisation,
    ProfileRevision,
    PublicDataVersion,
    SynonymGroup,
    Term,
    Visibility,
)
from directory.places import coordinates
from directory.reach import Reach, reach_of
from directory.relations import MANY_RELATIONS, term_token
from directory.search import (
    build_search_document,
    build_search_index,
    forget_synonyms,
    record_words,
)
from directory.vocabulary import (
    TERM_RELATIONS,
    get_vocabulary,
    invalidate_vocabulary,
    terms_by_organisation,
)
from mailer.services import mail_user, queue_mail

REMIND_AFTER_DAYS = CONFIRMATION_DUE_DAYS
REMIND_AGAIN_AFTER_DAYS = 30
REFRESH_BATCH = 500
# What organisation_recorded derives on every save, from the fields and terms.
DERIVED_FIELDS = [
    "snapshot",
    "search_document",
    "search_index",
    "term_tokens",
    "latitude",
    "longitude",
    "website_host",
    "email_domain",
    "register_key",
    "identity_key",
]


# Path segments under /organisationen/ that are not profiles.
RESERVED_SLUGS = {"neu", "pruefung", "einladung", "uebernahme", "export", "widget"}


def unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    # pk=None is Django's IS NULL (excludes nothing); the plugin accepts only values.
    taken = Organisation.objects.exclude(pk=exclude_pk)  # type: ignore[misc]
    return text.unique_slug(name, taken=taken, reserved=RESERVED_SLUGS, fallback="organisation")


def snapshot_from(
    *, terms: Mapping[str, Iterable[Term]], offers: Iterable[Mapping[str, Any]]
) -> dict[str, Any]:
    """The snapshot of these terms (relation -> terms) and offers (in their order;
    dicts with title, kind, summary and languages as terms)."""
    return {
        "terms": {
            relation: sorted(term.slug for term in terms.get(relation, ()))
            for relation in TERM_RELATIONS
        },
        "offers": [
            {
                "title": offer["title"],
                "kind": offer["kind"],
                "summary": offer.get("summary", ""),
                "languages": sorted(term.slug for term in offer.get("languages", ())),
            }
            for offer in offers
        ],
    }


def build_snapshot(organisation: Organisation) -> dict[str, Any]:
    """The snapshot of the terms and offers stored for the profile."""
    vocab = get_vocabulary()
    terms = {
        relation: [
            vocab.by_id[pk]
            for pk in getattr(organisation, relation).values_list("pk", flat=True)
            if pk in vocab.by_id
        ]
        for relation in TERM_RELATIONS
    }
    offers = [
        {
            "title": offer.title,
            "kind": offer.kind,
            "summary": offer.summary,
            "languages": list(offer.languages.all()),
        }
        for offer in organisation.offers.prefetch_related("languages").order_by("position", "pk")
    ]
    return snapshot_from(terms=terms, offers=offers)


def _search_parts(
    organisation: Organisation, snapshot: Mapping[str, Any]
) -> tuple[list[str], list[Offer]]:
    vocab = get_vocabulary()
    labels: list[str] = []
    for relation, kind in TERM_RELATIONS.items():  # not the snapshot's order: jsonb sorts keys
        for slug in snapshot["terms"].get(relation, []):
            term = vocab.get(kind, slug)
            if term:
                labels += [term.label_de, term.label_en]
    if organisation.state_id in vocab.by_id:
        labels.append(vocab.by_id[organisation.state_id].label_de)
    offers = [Offer(title=o["title"], summary=o["summary"]) for o in snapshot["offers"]]
    return labels, offers


def search_document_from(organisation: Organisation, snapshot: Mapping[str, Any]) -> str:
    """The search document of the profile's fields and its snapshot's terms and offers."""
    labels, offers = _search_parts(organisation, snapshot)
    return build_search_document(organisation=organisation, term_labels=labels, offers=offers)


def term_tokens_from(snapshot: Mapping[str, Any]) -> str:
    """The term tokens of a snapshot's terms (Organisation.term_tokens), each
    between spaces: a token is found as " r3 "."""
    vocab = get_vocabulary()
    tokens = []
    for relation in MANY_RELATIONS:
        for slug in snapshot["terms"].get(relation.field, []):
            term = vocab.get(relation.kind, slug)
            if term:
                tokens.append(term_token(relation, term.pk))
    return f" {' '.join(tokens)} " if tokens else ""


def derive_search(organisations: Iterable[Organisation]) -> None:
    """Derive the search document and the search index of these profiles from
    their fields and snapshots, and add their words to the typo vocabulary."""
    organisations = list(organisations)
    for organisation in organisations:
        labels, offers = _search_parts(organisation, organisation.snapshot)
        organisation.search_document = build_search_document(
            organisation=organisation, term_labels=labels, offers=offers
        )
        organisation.search_index = build_search_index(
            organisation=organisation, term_labels=labels, offers=offers
        )
        organisation.term_tokens = term_tokens_from(organisation.snapshot)
    record_words(o.search_document for o in organisations)


def _replace_offers(organisation: Organisation, offers: list[dict[str, Any]]) -> None:
    """Make the offers these, in this order; existing offers are updated in place
    so that they keep their identity (the open-data service ids)."""
    existing = list(organisation.offers.order_by("position", "pk"))
    for position, spec in enumerate(offers):
        offer = existing[position] if position < len(existing) else Offer(organisation=organisation)
        offer.position = position
        offer.title = spec["title"]
        offer.kind = spec["kind"]
        offer.summary = spec.get("summary", "")
        offer.save()
        offer.languages.set(spec.get("languages", []))
    for offer in existing[len(offers) :]:
        offer.delete()


def public_data_changed(*, withdraws: bool) -> None:
    """Count a change of public data (see PublicDataVersion), in the current
    transaction: the row stays locked until it commits, which orders the
    changes as they commit. ``withdraws``: the change may have taken public data
    away, so no copy made before it may be shown any more."""
    now = timezone.now()
    changes: dict[str, Any] = {"number": F("number") + 1, "changed_at": now}
    if withdraws:  # the right-hand sides see the row before the update
        changes.update(withdrawn=F("number") + 1, withdrawn_at=now)
    row = PublicDataVersion.objects.filter(pk=PublicDataVersion.ROW)
    if not row.update(**changes):
        PublicDataVersion.objects.bulk_create(
            [PublicDataVersion(pk=PublicDataVersion.ROW)], ignore_conflicts=True
        )
        row.update(**changes)


_VISIBILITY_FIELDS = ("email_visibility", "phone_visibility", "street_visibility")
# How far contact data is shown (plain strings: an enum member hashes by its name).
_VISIBILITY_RANK = {
    Visibility.HIDDEN.value: 0,
    Visibility.INSTITUTIONS.value: 1,
    Visibility.PUBLIC.value: 2,
}


# Contact data: what a person may want gone at once (an address of somebody who
# left, a private phone number). Every other value of a profile is an update: a
# corrected description or a removed language may wait for the next export round.
_CONTACT_FIELDS = ("email", "phone", "street")


def _withdraws(before: Mapping[str, Any], organisation: Organisation) -> bool:
    """Whether saving ``organisation`` over the published profile stored as
    ``before`` withdraws public data, so that no copy made before may be served:
    the profile leaves publication, contact data is shown less widely, or a
    contact value is replaced or removed. Other changes only make copies older
    (the export worker catches up within its interval); were they withdrawals,
    a national portal with an edit a minute would never have a dump to serve."""
    if not organisation.is_published:
        return True
    if (
        before["identity_key"] != organisation.identity_key
        and IdentityVerification.objects.filter(
            organisation=organisation, identity_key=before["identity_key"]
        ).exists()
    ):  # the badge goes away: no copy may still claim the check
        return True
    for field in _VISIBILITY_FIELDS:
        old, new = before[field], getattr(organisation, field)
        if _VISIBILITY_RANK.get(str(new), 0) < _VISIBILITY_RANK.get(str(old), 0):
            return True
    return any(
        before[field] not in (None, "") and getattr(organisation, field) != before[field]
        for field in _CONTACT_FIELDS
    )


def _changed_since(
    stored: Organisation,
    version: int,
    fields: Iterable[str] | None,
    relations: Iterable[str],
    offers: bool,
) -> bool:
    """Whether what a save writes (``fields``, None: all; ``relations``;
    ``offers``) was changed after ``version`` of the stored profile (True when
    that version is not in the history)."""
    record = stored.history.filter(version=version).order_by("-history_id").first()
    if record is None or fields is None:
        return True
    for name in fields:
        attname = Organisation._meta.get_field(name).attname  # type: ignore[union-attr]
        if getattr(record, attname) != getattr(stored, attname):
            return True
    then = record.snapshot or {"terms": {}, "offers": []}
    now = stored.snapshot or {"terms": {}, "offers": []}
    if any(then["terms"].get(r, []) != now["terms"].get(r, []) for r in relations):
        return True
    return offers and then["offers"] != now["offers"]


@contextmanager
def organisation_recorded(
    *,
    organisation: Organisation,
    by: User | None,
    reason: str = "",
    fields: Iterable[str] | None = None,
    expected_version: int | None = None,
    relations: Iterable[str] = (),
    offers: bool = False,
) -> Iterator[Organisation]:
    """Record what is written to the profile inside the block as one version;
    yields the object that is saved.

    A new profile gets its row first (without a version), so that terms and
    offers can be attached to it. An existing one is locked first (the
    conditional UPDATE of its version, core.concurrency): with
    ``expected_version`` a save against a newer version raises ``Conflict`` and
    writes nothing, unless the change since is outside what this save writes
    (``fields``, the ``relations`` by name and, with ``offers``, the offers): two
    editors of different sections both save. With ``fields`` only these fields are taken from
    ``organisation``, onto the row as it is stored after the lock, and only they
    (and what is derived) are written: a section save never puts back what a
    colleague saved meanwhile in another section; the block then works on, and
    this yields, the stored row. On leaving the block the snapshot and the
    search document are derived from what is stored, the profile is saved once,
    with ``by`` and ``reason`` in its history, and cached pages are invalidated.
    A change of a profile that is or was published counts as a change of
    public data (public_data_changed), as a withdrawal unless it only adds.
    All in one transaction: an error inside the block leaves nothing behind.
    """
    with transaction.atomic():
        before = None
        target = organisation
        update_fields: list[str] | None = None
        if organisation._state.adding:  # new, also with a chosen pk (imports, tests)
            organisation.slug = organisation.slug or unique_slug(organisation.name)
            organisation.save_without_historical_record()
        else:
            stored = Organisation.objects.filter(pk=organisation.pk)
            locked = stored.select_for_update().get()
            if (
                expected_version is not None
                and locked.version != expected_version
                and _changed_since(locked, expected_version, fields, relations, offers)
            ):
                raise Conflict(locked)
            version = advance_version(Organisation, organisation.pk, None)
            before = stored.values(*VERSIONED_FIELDS, "snapshot", "identity_key").first()
            if fields is not None:
                target = locked
                update_fields = [*DERIVED_FIELDS, "updated_at", "version"]
                for name in fields:
                    attname = Organisation._meta.get_field(name).attname  # type: ignore[union-attr]
                    setattr(target, attname, getattr(organisation, attname))
                    update_fields.append(attname)
            target.version = version
        yield target
        target.snapshot = build_snapshot(target)
        derive_search([target])
        target.latitude, target.longitude = coordinates(
            postal_code=target.postal_code, city=target.city
        )
        target.website_host, target.email_domain = contact_keys(target)
        target.register_key, target.identity_key = identity.keys(target)
        target._history_user = by
        target._change_reason = reason[:100]  # the history's column holds 100
        target.save(update_fields=update_fields)
        if target is not organisation:
            organisation.refresh_from_db()
        if before is not None and before["status"] == Organisation.Status.PUBLISHED:
            public_data_changed(withdraws=_withdraws(before, target))
        elif target.is_published:
            public_data_changed(withdraws=False)
        bump("directory")


def organisation_save(
    *,
    organisation: Organisation,
    by: User | None,
    relations: Mapping[str, Iterable[Term]] | None = None,
    offers: list[dict[str, Any]] | None = None,
    reason: str = "",
    fields: Iterable[str] | None = None,
    expected_version: int | None = None,
) -> Organisation:
    """Save fields, terms (relation -> terms) and offers as one recorded version
    (see ``organisation_recorded`` for ``fields`` and ``expected_version``);
    returns the saved profile."""
    with organisation_recorded(
        organisation=organisation,
        by=by,
        reason=reason,
        fields=fields,
        expected_version=expected_version,
        relations=list(relations or {}),
        offers=offers is not None,
    ) as target:
        for relation, terms in (relations or {}).items():
            getattr(target, relation).set(terms)
        if offers is not None:
            _replace_offers(target, offers)
    return target


def organisation_create(
    *, organisation: Organisation, by: User, relations: Mapping[str, Iterable[Term]]
) -> Organisation:
    """A representative creates a new profile: a draft, with them as owner."""
    with transaction.atomic():
        organisation.status = Organisation.Status.DRAFT
        organisation_save(organisation=organisation, by=by, relations=relations, reason="created")
        Membership.objects.create(user=by, organisation=organisation, role=Membership.Role.OWNER)
        return organisation


def reviewers() -> QuerySet[User]:
    User = get_user_model()
    codename = "review_organisation"
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__codename=codename)
            | Q(user_permissions__codename=codename)
        )
        .distinct()
    )


def _members(organisation: Organisation, *, owners_only: bool = False) -> list[User]:
    memberships = organisation.memberships.select_related("user").filter(user__is_active=True)
    if owners_only:
        memberships = memberships.filter(role=Membership.Role.OWNER)
    return [m.user for m in memberships]


def notify_members(
    organisation: Organisation,
    template: str,
    context: Mapping[str, Any],
    *,
    owners_only: bool = False,
    reply_to: str = "",
) -> None:
    for user in _members(organisation, owners_only=owners_only):
        mail_user(user, template, {"organisation": organisation, **context}, reply_to=reply_to)


def notify_reviewers(template: str, context: dict[str, Any], *, reply_to: str = "") -> None:
    """Mail every coordinator who reviews profiles, each in their language."""
    for reviewer in reviewers():
        mail_user(reviewer, template, context, reply_to=reply_to)


def notify_reviewers_once_per(
    item: Model, *, minutes: int, template: str, context: dict[str, Any]
) -> bool:
    """For a piece of incoming work (``item``, a row whose model has
    ``notified_at``): mail the coordinators unless they were told about such
    work within the last ``minutes``, and mark ``item`` as the one they were
    told about. The mail should carry no text anybody typed, only counts and the
    link to the list. Returns whether it mailed."""
    now = timezone.now()
    since = now - datetime.timedelta(minutes=minutes)
    if type(item)._default_manager.filter(notified_at__gte=since).exists():
        return False
    notify_reviewers(template, {**context, "minutes": minutes})
    type(item)._default_manager.filter(pk=item.pk).update(notified_at=now)
    item.notified_at = now  # type: ignore[attr-defined]
    return True


class ReviewError(Exception):
    """A decision on a profile that no longer fits it: the profile was changed
    (or decided) after the decider loaded it. Nothing was changed."""


def _lock_unchanged(organisation: Organisation) -> None:
    """Lock the profile's row for the rest of the transaction and make sure it
    is still the state the decision was taken on: nobody saved it since
    ``organisation`` was loaded (every save sets updated_at). Otherwise raise
    ReviewError: the decider has to look at the new state first.

    With the lock held, an edit arriving now waits (organisation_recorded locks
    the row too) and is applied after the decision, on top of it."""
    stored = Organisation.objects.select_for_update().filter(pk=organisation.pk)
    if stored.values_list("updated_at", flat=True).first() != organisation.updated_at:
        raise ReviewError("changed")


def _require_complete(organisation: Organisation) -> None:
    if lacking := completeness.missing(organisation):
        raise completeness.Incomplete(lacking)


def organisation_submit(*, organisation: Organisation, by: User | None) -> None:
    """Submit a draft for review (refused with ReviewError when the profile was
    saved or submitted since ``organisation`` was loaded: a double click
    submits once; with completeness.Incomplete when it lacks what a published
    profile needs)."""
    with transaction.atomic():
        _lock_unchanged(organisation)
        _require_complete(organisation)
        organisation.status = Organisation.Status.IN_REVIEW
        organisation_save(organisation=organisation, by=by, reason="submitted", fields=["status"])
        notify_reviewers("review-submitted", {"organisation": organisation})


def organisation_approve(*, organisation: Organisation, by: User | None) -> None:
    """Publish the profile as ``organisation`` holds it: refused (ReviewError)
    when it was saved or decided since it was loaded, so an approval never
    publishes text the coordinator did not see, and two approvals publish once;
    an incomplete profile is not published (completeness.Incomplete)."""
    with transaction.atomic():
        _lock_unchanged(organisation)
        _require_complete(organisation)
        organisation.status = Organisation.Status.PUBLISHED
        organisation.review_comment = ""
        organisation.confirmed_at = organisation.confirmed_at or timezone.localdate()
        organisation_save(
            organisation=organisation,
            by=by,
            reason="approved",
            fields=["status", "review_comment", "confirmed_at"],
        )
        notify_members(organisation, "review-approved", {})


def organisation_send_back(*, organisation: Organisation, by: User | None, comment: str) -> Reach:
    """Back to draft with the coordinator's comment. Returns who was told: the
    team, else the profile's address on record (answers go to the coordinator),
    else nobody (Reach.NONE: the coordinator has to contact the MO). Refused
    (ReviewError) like organisation_approve when the profile changed since it
    was loaded."""
    with transaction.atomic():
        _lock_unchanged(organisation)
        organisation.status = Organisation.Status.DRAFT
        organisation.review_comment = comment
        organisation_save(
            organisation=organisation,
            by=by,
            reason=f"sent back: {comment}",
            fields=["status", "review_comment"],
        )
        return _tell_sent_back(organisation, by=by, comment=comment, revision=False)


def _tell_sent_back(
    organisation: Organisation, *, by: User | None, comment: str, revision: bool
) -> Reach:
    """Tell the team (else the profile's address) the coordinator's comment."""
    reach = reach_of(organisation)
    if reach is Reach.TEAM:
        notify_members(organisation, "review-sent-back", {"comment": comment, "revision": revision})
    elif reach is Reach.ADDRESS:
        queue_mail(
            to=organisation.email,
            template="review-sent-back-address",
            context={"organisation": organisation, "comment": comment, "revision": revision},
            reply_to=by.email if by is not None else "",
        )
    return reach


def organisation_confirm_current(*, organisation: Organisation, by: User | None) -> None:
    organisation.confirmed_at = timezone.localdate()
    organisation_save(
        organisation=organisation, by=by, reason="confirmed as current", fields=["confirmed_at"]
    )


def _proposed(
    *,
    values: Mapping[str, Any],
    relations: Mapping[str, Iterable[Term]],
    offers: list[dict[str, Any]] | None,
) -> dict[str, Any]:
    """A save's reviewed values by key, as a revision stores them."""
    found: dict[str, Any] = {name: revisions.jsonable(value) for name, value in values.items()}
    for relation, terms in relations.items():
        found[relation] = sorted(term.slug for term in terms)
    if offers is not None:
        found[revisions.OFFERS] = snapshot_from(terms={}, offers=offers)["offers"]
    return found


def revision_save(
    *,
    organisation: Organisation,
    by: User | None,
    values: Mapping[str, Any] | None = None,
    relations: Mapping[str, Iterable[Term]] | None = None,
    offers: list[dict[str, Any]] | None = None,
    loaded: tuple[int | None, int] | None = None,
) -> ProfileRevision | None:
    """Save changes to what needs review (revisions.REVIEWED: ``values`` by
    field name, ``relations`` by name, ``offers``) of a published profile into
    its open revision; the live profile is not touched. Returns the open
    revision, or None when nothing differs from the live profile any more (a
    revision whose changes were all taken back is discarded).

    ``loaded``: (pk, version) of the revision the form was loaded from
    (revisions.parse_token; None: unchecked). If a colleague changed one of the
    keys this save writes since then, ``Conflict`` (with the revision) and
    nothing is written. The first change of a published profile opens a
    revision and tells the coordinators; so does the first change after a
    send-back (the revision is pending again)."""
    proposal = _proposed(values=values or {}, relations=relations or {}, offers=offers)
    if not proposal:  # a section without anything that needs review
        return revisions.open_revision(organisation)
    with transaction.atomic():
        # The profile's row first, as every write of a profile and a decision on
        # a revision: one order of locks, so an approval and a save serialise.
        live = Organisation.objects.select_for_update().get(pk=organisation.pk)
        revision = (
            ProfileRevision.objects.select_for_update()
            .filter(organisation=live, state__in=ProfileRevision.OPEN_STATES)
            .first()
        )
        before = dict(revision.content) if revision is not None else {}
        content = revisions.effective(live, {**before, **proposal})
        if revision is not None and content == before:
            return revision  # changes nothing (a save of what is waiting already)
        if revision is not None and loaded is not None:
            base = loaded[1] if loaded[0] == revision.pk else 0
            if base != revision.version and any(
                revision.changed.get(key, 0) > base for key in proposal
            ):
                raise Conflict(revision)
        now = timezone.now()
        if revision is None:
            if not content:
                return None
            revision = ProfileRevision(
                organisation=live,
                content=content,
                changed=dict.fromkeys(content, 1),
                created_by=by,
                updated_by=by,
            )
            revision._history_user = by  # who, in the revision's history
            revision.save()
            notify_reviewers("revision-submitted", {"organisation": live})
            return revision
        version = advance_version(ProfileRevision, revision.pk, None)
        changed = dict(revision.changed)
        for key in proposal:
            old = before.get(key, revisions.live_value(live, key))
            if content.get(key, revisions.live_value(live, key)) != old:
                changed[key] = version
        resubmitted = revision.state == ProfileRevision.State.SENT_BACK
        revision.content, revision.changed, revision.version = content, changed, version
        revision.updated_by, revision.updated_at = by, now
        revision._history_user = by
        if not content:  # all changes taken back: nothing to review
            revision.state = ProfileRevision.State.DISCARDED
            revision.decided_by, revision.decided_at = by, now
        elif resubmitted:
            revision.state = ProfileRevision.State.PENDING
        revision.save()
        if revision.state == ProfileRevision.State.DISCARDED:
            return None
        if resubmitted:
            notify_reviewers("revision-submitted", {"organisation": live})
        return revision


def _decidable(revision: ProfileRevision, seen: int | None, *states: str) -> ProfileRevision:
    """Lock the profile and the revision (in this order) and make sure the
    revision is still in one of ``states`` at the version the decider saw
    (``seen``; None: unchecked); else ReviewError, nothing changed."""
    Organisation.objects.select_for_update().filter(pk=revision.organisation_id).values_list(
        "pk"
    ).first()
    stored = ProfileRevision.objects.select_for_update().filter(pk=revision.pk).first()
    if stored is None or stored.state not in states:
        raise ReviewError("decided")
    if seen is not None and stored.version != seen:
        raise ReviewError("changed")
    return stored


def _apply_revision(
    organisation: Organisation,
    revision: ProfileRevision,
    *,
    by: User | None,
    state: str,
    reason: str,
    fields: Iterable[str] = (),
) -> Organisation:
    """Write the revision's content onto the profile's row as one recorded
    version (with ``fields`` of ``organisation`` too) and close the revision."""
    live = Organisation.objects.get(pk=organisation.pk)
    for name in fields:
        setattr(live, name, getattr(organisation, name))
    pending = revisions.pending_profile(live, revision)
    keys = list(revision.content)
    field_names = [key for key in keys if key in revisions.REVIEWED_FIELDS]
    relations = {key: revisions.terms_of(pending, key) for key in keys if key in TERM_RELATIONS}
    offers = revisions.offers_of(pending) if revisions.OFFERS in keys else None
    saved = organisation_save(
        organisation=pending,
        by=by,
        relations=relations,
        offers=offers,
        reason=f"{reason} revision {revision.pk} v{revision.version}",
        fields=[*field_names, *fields],
    )
    revision.state = state
    revision.decided_by, revision.decided_at = by, timezone.now()
    revision._history_user = by
    revision.save(update_fields=["state", "decided_by", "decided_at"])
    return saved


def revision_approve(
    *, revision: ProfileRevision, by: User | None, seen: int | None
) -> Organisation:
    """Publish exactly the revision the coordinator saw: refused (ReviewError)
    when it changed after the review page showed version ``seen``, or was
    decided meanwhile. The profile counts as confirmed today. Returns it."""
    with transaction.atomic():
        stored = _decidable(revision, seen, ProfileRevision.State.PENDING)
        organisation = Organisation.objects.get(pk=stored.organisation_id)
        organisation.confirmed_at = timezone.localdate()
        saved = _apply_revision(
            organisation,
            stored,
            by=by,
            state=ProfileRevision.State.APPROVED,
            reason="approved",
            fields=["confirmed_at"],
        )
        notify_members(saved, "revision-approved", {})
        return saved


def revision_send_back(
    *, revision: ProfileRevision, by: User | None, comment: str, seen: int | None
) -> Reach:
    """Send the revision back to the team with the coordinator's comment; the
    live profile stays as it is, the revision stays open for the team. Refused
    like revision_approve."""
    with transaction.atomic():
        stored = _decidable(revision, seen, ProfileRevision.State.PENDING)
        stored.state = ProfileRevision.State.SENT_BACK
        stored.comment = comment
        stored.decided_by, stored.decided_at = by, timezone.now()
        stored._history_user = by
        stored.save(update_fields=["state", "comment", "decided_by", "decided_at"])
        return _tell_sent_back(stored.organisation, by=by, comment=comment, revision=True)


def revision_discard(*, revision: ProfileRevision, by: User | None, seen: int | None) -> None:
    """The team takes its pending changes back; the live profile stays. Refused
    (ReviewError) when the revision changed after ``seen`` or was decided."""
    with transaction.atomic():
        stored = _decidable(revision, seen, *ProfileRevision.OPEN_STATES)
        stored.state = ProfileRevision.State.DISCARDED
        stored.decided_by, stored.decided_at = by, timezone.now()
        stored._history_user = by
        stored.save(update_fields=["state", "decided_by", "decided_at"])


def organisation_archive(*, organisation: Organisation, by: User | None) -> None:
    """Archive the profile (ReviewError when it changed since it was loaded: the
    archive button toggles, and a double click must not archive and reactivate)."""
    with transaction.atomic():
        _lock_unchanged(organisation)
        organisation.status = Organisation.Status.ARCHIVED
        organisation_save(organisation=organisation, by=by, reason="archived", fields=["status"])
        # Not public any more: what the team had pending becomes part of the
        # profile, which is reviewed as a whole before it is published again.
        revision = ProfileRevision.objects.filter(
            organisation=organisation, state__in=ProfileRevision.OPEN_STATES
        ).first()
        if revision is not None:
            _apply_revision(
                organisation, revision, by=by, state=ProfileRevision.State.MERGED, reason="merged"
            )


def organisation_reactivate(*, organisation: Organisation, by: User | None) -> None:
    """An archived profile comes back as a draft, to be submitted for review
    (ReviewError as for organisation_archive)."""
    with transaction.atomic():
        _lock_unchanged(organisation)
        organisation.status = Organisation.Status.DRAFT
        organisation_save(organisation=organisation, by=by, reason="reactivated", fields=["status"])


def organisation_delete(
    *, organisation: Organisation, by: User | None, reason: str = "deleted"
) -> None:
    """Delete the profile with its offers and team; its history keeps a last
    record of who deleted it and why."""
    with transaction.atomic():
        stored = Organisation.objects.filter(pk=organisation.pk)
        was_published = stored.published().exists()
        organisation._history_user = by
        organisation._change_reason = reason[:100]
        organisation.delete()
        if was_published:
            public_data_changed(withdraws=True)
        bump("directory")


def organisations_delete(
    *, organisations: Sequence[Organisation], by: User | None, reason: str = "deleted"
) -> None:
    """Delete these profiles as organisation_delete does, in one cascade (an
    import's undo): the related rows of all of them are collected together,
    one query per relation instead of one per relation and profile. Each
    profile's history keeps a last record of who deleted it and why."""
    if not organisations:
        return
    with transaction.atomic():
        stored = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        was_published = stored.published().exists()
        for organisation in organisations:
            organisation._history_user = by
            organisation._change_reason = reason[:100]
        collector = Collector(using=router.db_for_write(Organisation), origin=stored)
        collector.collect(list(organisations))
        collector.delete()
        if was_published:
            public_data_changed(withdraws=True)
        bump("directory")


def organisations_with_terms(term_ids: Iterable[int]) -> set[int]:
    """The profiles whose snapshot or search document holds any of these terms
    (as a term, as the state, or as the language of an offer)."""
    term_ids = list(term_ids)
    found = set(Organisation.objects.filter(state_id__in=term_ids).values_list("pk", flat=True))
    for relation in TERM_RELATIONS:
        through = getattr(Organisation, relation).through
        rows = through.objects.filter(term_id__in=term_ids)
        found.update(rows.values_list("organisation_id", flat=True))
    rows = Offer.languages.through.objects.filter(term_id__in=term_ids)
    found.update(rows.values_list("offer__organisation_id", flat=True))
    return found


def refresh_derived(organisation_ids: Iterable[int]) -> int:
    """Derive snapshot and search document again from what is stored, without a
    new version: for a change of the vocabulary (a term's slug or labels), not of
    the profiles. In batches, since a term may be held by thousands of profiles.
    (The change of public data is counted by term_save.) Returns the number of
    profiles refreshed."""
    ids = sorted(organisation_ids)
    for start in range(0, len(ids), REFRESH_BATCH):
        batch = ids[start : start + REFRESH_BATCH]
        terms = terms_by_organisation(batch)
        offers: dict[int, list[dict[str, Any]]] = {}
        stored = Offer.objects.filter(organisation_id__in=batch).prefetch_related("languages")
        for offer in stored.order_by("position", "pk"):
            offers.setdefault(offer.organisation_id, []).append(
                {
                    "title": offer.title,
                    "kind": offer.kind,
                    "summary": offer.summary,
                    "languages": list(offer.languages.all()),
                }
            )
        organisations = list(Organisation.objects.filter(pk__in=batch))
        for organisation in organisations:
            organisation.snapshot = snapshot_from(
                terms=terms[organisation.pk], offers=offers.get(organisation.pk, [])
            )
        derive_search(organisations)
        Organisation.objects.bulk_update(
            organisations, ["snapshot", "search_document", "search_index", "term_tokens"]
        )
    if ids:
        bump("directory")
    return len(ids)


def term_save(*, term: Term) -> Term:
    """Save a vocabulary term. When its slug or labels change, the profiles that
    hold it get their snapshot and search document derived again. The
    vocabulary is public data, but holds nothing personal: a change only makes
    copies older (see _withdraws)."""
    with transaction.atomic():
        row = Term.objects.filter(pk=term.pk).values().first()
        before: dict[str, Any] | None = dict(row) if row is not None else None
        term.save()
        invalidate_vocabulary()
        after = {
            field.attname: getattr(term, field.attname) for field in Term._meta.concrete_fields
        }
        # Profile rows first, the public data row last, as a profile save does:
        # the locks are always taken in one order (no deadlock with an edit).
        labels = ("slug", "label_de", "label_en")
        if before is not None and any(before[name] != after[name] for name in labels):
            refresh_derived(organisations_with_terms([term.pk]))
        if before != after:
            public_data_changed(withdraws=False)
        return term


def term_delete(*, term: Term, by: User | None) -> None:
    """Delete a vocabulary term: each profile that held it is saved as a new
    version without it (who deleted it, and which term, in the history)."""
    with transaction.atomic():
        holders = organisations_with_terms([term.pk])
        reason = f"term deleted: {term.kind}/{term.slug}"
        term.delete()
        invalidate_vocabulary()
        for organisation in Organisation.objects.filter(pk__in=holders).order_by("pk"):
            organisation_save(organisation=organisation, by=by, reason=reason, fields=[])
        public_data_changed(withdraws=False)  # after the profiles' rows (see term_save)


def last_published_version(organisation: Organisation) -> Model | None:
    """The most recent recorded version in which the profile was published."""
    version: Model | None = (
        organisation.history.filter(status=Organisation.Status.PUBLISHED)
        .order_by("-history_date")
        .first()
    )
    return version


VERSIONED_FIELDS = [
    "name",
    "short_name",
    "legal_form",
    "founding_year",
    "description",
    "description_en",
    "website",
    "email",
    "email_visibility",
    "phone",
    "phone_visibility",
    "street",
    "street_visibility",
    "postal_code",
    "city",
    "state_id",
    "area",
    "paid_staff",
    "volunteers",
    "members",
    "budget_band",
    "has_rooms",
    "open_for_cooperation",
    "status",
    "confirmed_at",
    "logo",
    "register_court",
    "register_number",
    "charitable_status",
    "charitable_notice_date",
]


def organisation_restore(*, record: Any, by: User | None) -> Organisation:
    """Make a recorded version the current profile again (recorded as a new version)."""
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=record.id)
        for field in VERSIONED_FIELDS:
            setattr(organisation, field, getattr(record, field))
        snapshot = record.snapshot or {"terms": {}, "offers": []}
        vocab = get_vocabulary()
        relations = {
            relation: [
                vocab.get(kind, slug)
                for slug in snapshot["terms"].get(relation, [])
                if vocab.get(kind, slug)
            ]
            for relation, kind in TERM_RELATIONS.items()
        }
        offers = [
            {
                **offer,
                "languages": [
                    vocab.get("language", code)
                    for code in offer["languages"]
                    if vocab.get("language", code)
                ],
            }
            for offer in snapshot["offers"]
        ]
        date = timezone.localtime(record.history_date).strftime("%Y-%m-%d %H:%M")
        return organisation_save(
            organisation=organisation,
            by=by,
            relations=relations,
            offers=offers,
            reason=f"restored version of {date}",
        )


def remind_unconfirmed(*, today: datetime.date | None = None) -> int:
    """Remind every published profile not confirmed for 12 months that can be
    reached: the owners of a profile with a team; a profile without a team at
    its e-mail address, with an invitation to take it over (directory.outreach)."""
    from directory import outreach

    return outreach.remind_unconfirmed(today=today)


def synonym_group_save(*, group: SynonymGroup) -> SynonymGroup:
    """Save a group of synonyms: searches use it at once (cached pages too)."""
    with transaction.atomic():
        group.save()
        forget_synonyms()
        bump("directory")
    return group


def synonym_group_delete(*, group: SynonymGroup) -> None:
    with transaction.atomic():
        group.delete()
        forget_synonyms()
        bump("directory")


class IdentityError(Exception):
    """A check that does not fit the profile: ``code`` "changed" (its values
    changed after the coordinator loaded them), "nothing" (nothing checked) or
    "no_register" / "not_charitable" (a check of something not entered)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def identity_verify(
    *,
    organisation: Organisation,
    by: User | None,
    seen_key: str,
    register_checked: str,
    exemption_checked: bool,
    note: str = "",
) -> IdentityVerification:
    """Record a coordinator's check of the profile's identity values as they
    are stored (the live profile, not a pending revision). ``seen_key``: the
    identity_key the coordinator's page showed; a check of values that changed
    since is refused (IdentityError "changed"), as is a check of nothing or of
    a register entry or charitable status the MO has not entered. Two
    coordinators at once: both checks are recorded (each saw the same values)."""
    with transaction.atomic():
        live = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if live.identity_key != seen_key:
            raise IdentityError("changed")
        if not register_checked and not exemption_checked:
            raise IdentityError("nothing")
        if register_checked and not live.register_key:
            raise IdentityError("no_register")
        if exemption_checked and live.charitable_status != Organisation.Charitable.YES:
            raise IdentityError("not_charitable")
        check = IdentityVerification.objects.create(
            organisation=live,
            register_checked=register_checked,
            exemption_checked=exemption_checked,
            note=note,
            register_court=live.register_court,
            register_number=live.register_number,
            legal_form=live.legal_form,
            charitable_status=live.charitable_status,
            charitable_notice_date=live.charitable_notice_date,
            identity_key=live.identity_key,
            verified_by=by,
            verified_at=timezone.now(),
        )
        if live.is_published:
            public_data_changed(withdraws=False)
        bump("directory")
        return check
