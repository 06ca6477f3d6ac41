"""Who may see and fill in an MO's self-assessment: its team edits, coordinators
read; for everybody else the assessments do not exist (404)."""

from collections.abc import Callable
from functools import partial

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from core.access import object_access_required
from directory.access import is_reviewer, membership_of
from directory.models import Organisation


def organisation_for_assessment(
    request: HttpRequest, slug: str, *, edit: bool
) -> tuple[Organisation, bool]:
    """(organisation, may_edit), or 404 / 403 (a coordinator asking to edit)."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if membership_of(request.user, organisation) is not None:
        return organisation, True
    if is_reviewer(request.user):
        if edit:
            raise PermissionDenied
        return organisation, False
    raise Http404


def assessment_view(
    *, edit: bool
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """``login_required``, then ``organisation_for_assessment``: the view gets
    (organisation, may_edit) in place of the slug."""
    return object_access_required(partial(organisation_for_assessment, edit=edit))
