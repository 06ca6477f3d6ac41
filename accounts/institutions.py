"""Institution profiles: who may see and edit one, and the profile of an institution user.

One helper per question, used by every view and by other rooms (cooperation,
events: ``profile_of`` names "Institution X" with a link). Rights are decided at
each request from ``User.is_institution``: a revoked verification ends them.
"""

from typing import Any

from django.http import Http404

from accounts.models import InstitutionEditor, InstitutionProfile
from directory.access import is_reviewer
from directory.models import Membership, Organisation


def is_editor(user: Any, profile: InstitutionProfile) -> bool:
    """A verified institution in the profile's editors (not a coordinator as such)."""
    if not user.is_authenticated or not getattr(user, "is_institution", False):
        return False
    return InstitutionEditor.objects.filter(profile=profile, user=user).exists()


def may_edit(user: Any, profile: InstitutionProfile) -> bool:
    """Its verified editors and the coordinators."""
    return bool(user.is_authenticated) and (is_reviewer(user) or is_editor(user, profile))


def may_create(user: Any) -> bool:
    """Only verified institutions create a profile (it needs one of them as editor)."""
    return bool(user.is_authenticated and getattr(user, "is_institution", False))


def contact_visible(user: Any, profile: InstitutionProfile) -> bool:
    """The contact person's e-mail and phone: for signed-in members of the team of
    a *published* MO, verified institutions, coordinators and the profile's
    editors; never for anonymous visitors (and so not for bots). A draft MO does
    not count: anybody signed in can create one and own it at once (the same rule
    as ``events.access.announcing_organisations``). Name and function are public."""
    if not user.is_authenticated:
        return False
    if getattr(user, "is_institution", False) or is_reviewer(user):
        return True
    return Membership.objects.filter(
        user=user, organisation__status=Organisation.Status.PUBLISHED
    ).exists()


def profile_for_viewer(user: Any, slug: str) -> tuple[InstitutionProfile, bool]:
    """The profile and whether the user may edit it; 404 for an unpublished profile
    to everybody who may not edit it (its existence is not revealed)."""
    profile = (
        InstitutionProfile.objects.select_related("institution_type", "state")
        .filter(slug=slug)
        .first()
    )
    if profile is None:
        raise Http404
    editing = may_edit(user, profile)
    if not profile.published and not editing:
        raise Http404
    return profile, editing


def profile_of(user: Any) -> InstitutionProfile | None:
    """The institution profile a verified institution user edits (the first one,
    if several), or None: for other rooms to show "Institution X" with a link."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_institution", False):
        return None
    return (
        InstitutionProfile.objects.filter(editors__user=user).order_by("created_at", "pk").first()
    )
