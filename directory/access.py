"""Who may see and do what with a profile. One helper per protected object,
used by every view (healthchecks' _get_check_for_user)."""

from collections.abc import Callable
from functools import partial

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from core.access import object_access_required
from directory.models import Membership, Organisation, Visibility

REVIEW_PERMISSION = "directory.review_organisation"


def is_reviewer(user) -> bool:
    return user.is_authenticated and user.has_perm(REVIEW_PERMISSION)


def membership_of(user, organisation: Organisation) -> Membership | None:
    if not user.is_authenticated:
        return None
    cache = getattr(user, "_memberships", None)
    if cache is None:
        cache = {m.organisation_id: m for m in Membership.objects.filter(user=user)}
        user._memberships = cache
    return cache.get(organisation.pk)


def organisation_for_member(
    request: HttpRequest, slug: str, *, owner: bool = False
) -> tuple[Organisation, Membership]:
    """The organisation and the user's membership, or 404 / 403.

    Unpublished profiles are 404 for non-members (their existence is private);
    published ones 403. Coordinators review but do not edit others' profiles.
    The views put ``login_required`` in front (anonymous visitors: login page).
    """
    organisation = Organisation.objects.select_related("state").filter(slug=slug).first()
    if organisation is None:
        raise Http404
    membership = membership_of(request.user, organisation)
    if membership is None:
        if organisation.is_published:
            raise PermissionDenied
        raise Http404
    if owner and membership.role != Membership.Role.OWNER:
        raise PermissionDenied
    return organisation, membership


def organisation_for_viewer(request, slug: str) -> Organisation:
    """Published profiles for everybody; unpublished ones for their team and reviewers."""
    organisation = Organisation.objects.select_related("state").filter(slug=slug).first()
    if organisation is None:
        raise Http404
    if organisation.is_published:
        return organisation
    if membership_of(request.user, organisation) or is_reviewer(request.user):
        return organisation
    raise Http404


def member_view(
    *, owner: bool = False
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """``login_required``, then ``organisation_for_member``: the view gets
    (organisation, membership) in place of the slug."""
    return object_access_required(partial(organisation_for_member, owner=owner))


def can_see(visibility: str, user, organisation: Organisation) -> bool:
    if visibility == Visibility.PUBLIC:
        return True
    if not user.is_authenticated:
        return False
    if membership_of(user, organisation) or is_reviewer(user):
        return True
    return visibility == Visibility.INSTITUTIONS and getattr(user, "is_institution", False)


def visible_contact(organisation: Organisation, user) -> dict:
    """The contact data this user may see; every page and export uses it."""
    return {
        "website": organisation.website,
        "email": organisation.email
        if can_see(organisation.email_visibility, user, organisation)
        else "",
        "phone": organisation.phone
        if can_see(organisation.phone_visibility, user, organisation)
        else "",
        "street": organisation.street
        if can_see(organisation.street_visibility, user, organisation)
        else "",
        "postal_code": organisation.postal_code,
        "city": organisation.city,
    }
