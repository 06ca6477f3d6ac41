"""Writes of the portal room: text pages, the operator slot, accessibility feedback."""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse

from core import pagecache
from core.concurrency import advance_version
from core.siteurl import site_url
from core.types import User
from directory.services import notify_reviewers_once_per
from portal.models import Feedback, Operator, Page


@transaction.atomic
def page_save(*, page: Page, by: User, expected_version: int | None) -> Page:
    """Save an edited text page, if it is still at the version the form was
    loaded from (else ``core.concurrency.Conflict``, nothing written)."""
    page.version = advance_version(Page, page.pk, expected_version)
    page.updated_by = by
    page.save()
    return page


def operator_get() -> Operator:
    """The one row of the operator slot (created empty when missing)."""
    operator, _created = Operator.objects.get_or_create(pk=Operator.SINGLETON)
    return operator


@transaction.atomic
def operator_save(
    *,
    operator: Operator,
    by: User,
    expected_version: int | None,
    logos: dict[str, ContentFile[bytes] | None] | None = None,
) -> Operator:
    """Save the operator slot (name, website, logos, funding line) if it is still
    at the version the form was loaded from (else ``Conflict``, nothing written).
    ``logos`` maps "logo"/"funder_logo" to a processed image, or None to remove
    it. Every page shows the slot in its footer: all cached pages and values are
    outdated (a rare change: the cache of everything is cleared on commit)."""
    operator_get()  # the row exists before it is locked
    operator.pk = Operator.SINGLETON
    operator.version = advance_version(Operator, operator.pk, expected_version)
    for field, image in (logos or {}).items():
        if image is None:
            getattr(operator, field).delete(save=False)
        else:
            getattr(operator, field).save(image.name or f"{field}.png", image, save=False)
    operator.updated_by = by
    operator.save()
    transaction.on_commit(pagecache.clear_all)
    return operator


@transaction.atomic
def feedback_receive(*, message: str, page_url: str = "", email: str = "") -> Feedback:
    """Store the feedback; mail the coordinators unless they were told about
    feedback within the last settings.FEEDBACK_NOTIFY_MINUTES. The mail names no
    sender and carries nothing the sender typed, only the number of open pieces
    of feedback and the portal's link to the list."""
    feedback = Feedback.objects.create(message=message, page_url=page_url, email=email)
    notify_reviewers_once_per(
        feedback,
        minutes=settings.FEEDBACK_NOTIFY_MINUTES,
        template="accessibility-feedback",
        context={
            "count": Feedback.objects.count(),
            "url": site_url() + reverse("feedback_list"),
        },
    )
    return feedback


def feedback_done(*, pk: int) -> None:
    """A coordinator has dealt with it: deleted (with the sender's address)."""
    Feedback.objects.filter(pk=pk).delete()
