"""Writes of institution profiles: create, update (with the version check), editors,
publication. Typed, keyword-only, each in one transaction; views, the admin and
the test factories call them. Who may do what is checked by the caller
(``accounts.institutions``) and again here where it concerns the person acting."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import InstitutionEditor, InstitutionOffer, InstitutionProfile, User
from core import text
from core.concurrency import advance_version

# Path segments under /institutionen/ that are not profiles.
RESERVED_SLUGS = {"neu"}

# How often profile_create tries a slug that a concurrent create took first.
SLUG_ATTEMPTS = 5

# The fields a form may write (not the slug: the address stays stable).
PROFILE_FIELDS = (
    "name",
    "institution_type",
    "state",
    "city",
    "postal_code",
    "description",
    "website",
    "contact_name",
    "contact_function",
    "contact_email",
    "contact_phone",
    "offer_details",
)


class InstitutionProfileError(Exception):
    """A write that is not allowed; ``code`` says which (``not verified``,
    ``not an institution``, ``last editor``)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def unique_slug(name: str) -> str:
    return text.unique_slug(
        name,
        taken=InstitutionProfile.objects.all(),
        reserved=RESERVED_SLUGS,
        fallback="institution",
    )


def _set_offers(profile: InstitutionProfile, offers: Iterable[str]) -> None:
    wanted = {InstitutionOffer.Kind(kind) for kind in offers}
    stored = set(profile.offers.values_list("kind", flat=True))
    profile.offers.exclude(kind__in=wanted).delete()
    InstitutionOffer.objects.bulk_create(
        [InstitutionOffer(profile=profile, kind=kind) for kind in sorted(wanted - stored)]
    )


def _values(values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    return dict(values)


@transaction.atomic
def profile_create(
    *, by: User, values: Mapping[str, Any], offers: Iterable[str] = ()
) -> InstitutionProfile:
    """A new, unpublished profile with ``by`` as its first editor; ``by`` must be a
    verified institution (else ``InstitutionProfileError("not verified")``)."""
    if not by.is_institution:
        raise InstitutionProfileError("not verified")
    fields = _values(values)
    name = str(fields.get("name", ""))
    for attempt in range(SLUG_ATTEMPTS):
        try:
            # A savepoint: a slug another request took in the meantime (two clicks
            # on "create", two tabs) fails alone, and the next free one is tried.
            with transaction.atomic():
                profile = InstitutionProfile.objects.create(
                    slug=unique_slug(name), created_by=by, **fields
                )
            break
        except IntegrityError:
            if attempt == SLUG_ATTEMPTS - 1:
                raise
    InstitutionEditor.objects.create(profile=profile, user=by, added_by=by)
    _set_offers(profile, offers)
    return profile


@transaction.atomic
def profile_update(
    *,
    profile: InstitutionProfile,
    values: Mapping[str, Any],
    offers: Iterable[str],
    expected_version: int | None,
) -> InstitutionProfile:
    """Write the fields and the offer kinds if the profile is still at
    ``expected_version`` (None: unchecked); else ``core.concurrency.Conflict``
    and nothing is written. Returns the profile as stored now."""
    fields = _values(values)
    advance_version(
        InstitutionProfile, profile.pk, expected_version, updated_at=timezone.now(), **fields
    )
    _set_offers(profile, offers)
    return InstitutionProfile.objects.get(pk=profile.pk)


@transaction.atomic
def profile_publish(*, profile: InstitutionProfile, published: bool) -> InstitutionProfile:
    """Publish or withdraw the profile (an open edit form then conflicts: its
    version is raised like by any other save)."""
    profile.version = advance_version(
        InstitutionProfile, profile.pk, None, published=published, updated_at=timezone.now()
    )
    profile.published = published
    return profile


@transaction.atomic
def editor_add(*, profile: InstitutionProfile, user: User, by: User | None) -> InstitutionEditor:
    """Add a colleague as editor; only a verified institution account can be one
    (else ``InstitutionProfileError("not an institution")``). Idempotent."""
    if not user.is_institution:
        raise InstitutionProfileError("not an institution")
    editor, _created = InstitutionEditor.objects.get_or_create(
        profile=profile, user=user, defaults={"added_by": by}
    )
    return editor


@transaction.atomic
def editor_remove(*, profile: InstitutionProfile, user: User) -> None:
    """Remove an editor; the last one stays (``InstitutionProfileError("last
    editor")``): a profile without editors could only be kept by coordinators.
    The profile's row is locked, so two removals at once cannot both pass."""
    InstitutionProfile.objects.select_for_update().filter(pk=profile.pk).first()
    editors = InstitutionEditor.objects.filter(profile=profile)
    if not editors.filter(user=user).exists():
        return
    if editors.count() <= 1:
        raise InstitutionProfileError("last editor")
    editors.filter(user=user).delete()


CONTACT_FIELDS = ("contact_name", "contact_function", "contact_email", "contact_phone")


def _is_contact(profile: InstitutionProfile, user: User) -> bool:
    """Whether the profile names ``user`` as its contact person (by the name or
    the e-mail address of the account, as the create form pre-fills them)."""
    name, email = " ".join(user.name.split()).casefold(), user.email.strip().casefold()
    return bool(
        (name and " ".join(profile.contact_name.split()).casefold() == name)
        or (email and profile.contact_email.strip().casefold() == email)
    )


@transaction.atomic
def editor_leaves(user: User) -> None:
    """Before ``user``'s account is deleted (``accounts.services.delete_account``):
    in every profile the person edits or created, a contact person who is that
    person (their name or e-mail) is removed with function and phone; a profile
    whose last editor leaves is withdrawn, it has nobody to keep it current
    (coordinators can still see and edit it)."""
    mine = InstitutionProfile.objects.filter(Q(editors__user=user) | Q(created_by=user))
    profiles = InstitutionProfile.objects.select_for_update().filter(
        pk__in=list(mine.values_list("pk", flat=True))
    )
    for profile in profiles.order_by("pk"):
        changes: dict[str, Any] = {}
        if _is_contact(profile, user):
            changes.update(dict.fromkeys(CONTACT_FIELDS, ""))
        others = InstitutionEditor.objects.filter(profile=profile).exclude(user=user)
        if profile.published and not others.exists():
            changes["published"] = False
        if changes:
            advance_version(
                InstitutionProfile, profile.pk, None, updated_at=timezone.now(), **changes
            )
