"""The cooperation space: what happens after "yes" (guide ch. 7 and 8).

An accepted request opens a space (``space_open``, in the same transaction as
the decision). Its two sides — the partner (the institution that asked, or the
team of the MO that asked for a tandem) and the MO (the asked MO's team) —
work in it together: the checklist, goals and roles, the time plan, expense
allowances and documents. Coordinators read it and change nothing. Either side
closes it with its review; the other side adds its own. After closing, either
side writes a reference (directory.references), which is public once both
sides confirmed the same text. Every change is in the space's history.

Who may do what is decided here (``space_side``, ``may_read``); the views only
ask. Every write is refused on a closed space except the reviews and the
reference, and everything in a space whose request was closed by a merge."""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from cooperation.models import (
    Allowance,
    ChecklistEntry,
    Cooperation,
    CooperationRequest,
    Milestone,
    Side,
    SpaceDocument,
    SpaceEvent,
    SpaceReview,
)
from cooperation.services import RequestError, side_of
from core.concurrency import Conflict, advance_version
from directory import references
from directory.access import is_reviewer
from directory.reference_models import Reference
from directory.services import notify_members
from guidance.models import Item
from mailer.services import mail_user

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.core.files.uploadedfile import UploadedFile

    from accounts.models import User

Action = SpaceEvent.Action
GUIDE_CHECKLIST_CHAPTER = 8  # "Zusammenarbeit": the points for starting a cooperation

# Documents: what a space accepts. The type is decided by the file's first bytes
# and its name together, never by what the browser claims; the download is
# always an attachment with the type from this table.
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
MAX_DOCUMENTS = 50
_OFFICE = b"PK\x03\x04"
DOCUMENT_TYPES: dict[str, tuple[bytes | None, str]] = {
    ".pdf": (b"%PDF-", "application/pdf"),
    ".docx": (
        _OFFICE,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ".xlsx": (_OFFICE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".pptx": (
        _OFFICE,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ".odt": (_OFFICE, "application/vnd.oasis.opendocument.text"),
    ".ods": (_OFFICE, "application/vnd.oasis.opendocument.spreadsheet"),
    ".png": (b"\x89PNG\r\n\x1a\n", "image/png"),
    ".jpg": (b"\xff\xd8\xff", "image/jpeg"),
    ".jpeg": (b"\xff\xd8\xff", "image/jpeg"),
    ".txt": (None, "text/plain; charset=utf-8"),
}


def space_side(cooperation_request: CooperationRequest, user: User | AnonymousUser) -> str | None:
    """Side.PARTNER, Side.MO or None for this person."""
    side = side_of(cooperation_request, user)
    if side == "sender":
        return Side.PARTNER
    if side == "recipient":
        return Side.MO
    return None


def may_read(cooperation_request: CooperationRequest, user: User | AnonymousUser) -> bool:
    return space_side(cooperation_request, user) is not None or is_reviewer(user)


# Opening ----------------------------------------------------------------------


def space_open(*, cooperation_request: CooperationRequest, by: User) -> Cooperation:
    """Open the space of an accepted request (called inside request_decide's
    transaction): the guide's checklist copied in, the history begun. Once."""
    cooperation, created = Cooperation.objects.get_or_create(request=cooperation_request)
    if not created:
        return cooperation
    points = Item.objects.filter(
        chapter__number=GUIDE_CHECKLIST_CHAPTER, kind=Item.Kind.CHECKLIST, is_published=True
    ).order_by("position", "pk")
    ChecklistEntry.objects.bulk_create(
        ChecklistEntry(
            cooperation=cooperation,
            text=item.body.replace("*", "").strip()[:300],
            guide_item=item,
            position=index,
        )
        for index, item in enumerate(points)
    )
    _log(cooperation, by, Side.MO, Action.OPENED)
    return cooperation


# Writing ----------------------------------------------------------------------


def _log(cooperation: Cooperation, by: User, side: str, action: str, detail: str = "") -> None:
    SpaceEvent.objects.create(
        cooperation=cooperation, actor=by, side=side, action=action, detail=detail[:200]
    )


def _writer(cooperation: Cooperation, by: User, *, closed_ok: bool = False) -> str:
    """The side of a person who may change the space now, else RequestError."""
    cooperation_request = cooperation.request
    side = space_side(cooperation_request, by)
    if side is None:
        raise RequestError("forbidden")
    if cooperation_request.closed_by_merge:
        raise RequestError("merged")
    if cooperation.is_closed and not closed_ok:
        raise RequestError("closed")
    return side


def _locked(cooperation: Cooperation) -> Cooperation:
    """The space's row, locked until the transaction ends (PostgreSQL): writes
    that count or decide (limits, closing, the first reference) go one by one."""
    locked = Cooperation.objects.select_for_update().get(pk=cooperation.pk)
    locked.request = cooperation.request
    return locked


@transaction.atomic
def plan_update(
    *, cooperation: Cooperation, by: User, expected: int | None, **fields: str
) -> Cooperation:
    """Goals, roles and working arrangements; Conflict when a colleague or the
    other side saved in between (their text is never overwritten unseen)."""
    side = _writer(cooperation, by)
    allowed = {"goals", "partner_role", "mo_role", "working_arrangements"}
    changes = {name: value for name, value in fields.items() if name in allowed}
    advance_version(Cooperation, cooperation.pk, expected, **changes)
    _log(cooperation, by, side, Action.PLAN)
    cooperation.refresh_from_db()
    return cooperation


@transaction.atomic
def checklist_set(
    *, entry: ChecklistEntry, by: User, done: bool, note: str | None = None
) -> ChecklistEntry:
    """Tick a point (or open it again). Ticking a ticked point changes nothing:
    a double click or both sides at once leave one tick and one history entry."""
    side = _writer(entry.cooperation, by)
    rows = ChecklistEntry.objects.filter(pk=entry.pk)
    if note is not None:
        rows.update(note=note[:300])
    if done:
        changed = rows.filter(done_at__isnull=True).update(done_at=timezone.now(), done_by=by)
    else:
        changed = rows.filter(done_at__isnull=False).update(done_at=None, done_by=None)
    if changed:
        _log(entry.cooperation, by, side, Action.CHECKED if done else Action.UNCHECKED, entry.text)
    entry.refresh_from_db()
    return entry


@transaction.atomic
def milestone_add(
    *, cooperation: Cooperation, by: User, title: str, due_on: datetime.date, responsible: str
) -> Milestone:
    side = _writer(cooperation, by)
    milestone = Milestone.objects.create(
        cooperation=cooperation, title=title, due_on=due_on, responsible=responsible
    )
    _log(cooperation, by, side, Action.MILESTONE, title)
    return milestone


@transaction.atomic
def milestone_done(*, milestone: Milestone, by: User) -> None:
    side = _writer(milestone.cooperation, by)
    if Milestone.objects.filter(pk=milestone.pk, done_at__isnull=True).update(
        done_at=timezone.now()
    ):
        _log(milestone.cooperation, by, side, Action.MILESTONE_DONE, milestone.title)


@transaction.atomic
def milestone_remove(*, milestone: Milestone, by: User) -> None:
    side = _writer(milestone.cooperation, by)
    if Milestone.objects.filter(pk=milestone.pk).delete()[0]:
        _log(milestone.cooperation, by, side, Action.MILESTONE_REMOVED, milestone.title)


@transaction.atomic
def allowance_add(
    *,
    cooperation: Cooperation,
    by: User,
    purpose: str,
    amount: Decimal,
    unit: str,
    paid_by: str,
) -> Allowance:
    side = _writer(cooperation, by)
    allowance = Allowance.objects.create(
        cooperation=cooperation, purpose=purpose, amount=amount, unit=unit, paid_by=paid_by
    )
    _log(cooperation, by, side, Action.ALLOWANCE, f"{purpose}: {amount} €")
    return allowance


@transaction.atomic
def allowance_remove(*, allowance: Allowance, by: User) -> None:
    side = _writer(allowance.cooperation, by)
    if Allowance.objects.filter(pk=allowance.pk).delete()[0]:
        _log(allowance.cooperation, by, side, Action.ALLOWANCE_REMOVED, allowance.purpose)


# Documents --------------------------------------------------------------------


class DocumentError(Exception):
    """The upload is refused; the message is for the user (set by the form)."""


def clean_file_name(name: str) -> str:
    """The last part of the name, without control characters, at most 150
    characters with its extension kept."""
    base = PurePath(name.replace("\\", "/")).name
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip(" .")
    stem, dot, extension = base.rpartition(".")
    if not dot:
        return base[:150] or "dokument"
    return f"{stem[: 149 - len(extension)]}.{extension}"


def document_type(name: str, head: bytes) -> str | None:
    """The content type for an accepted file, or None: its extension must be on
    the list and its first bytes must be what that extension says."""
    extension = PurePath(name).suffix.lower()
    if extension not in DOCUMENT_TYPES:
        return None
    magic, content_type = DOCUMENT_TYPES[extension]
    if magic is None:  # text: UTF-8 without NUL bytes (not a binary renamed .txt)
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            if error.start < len(head) - 4:  # not merely a character cut at the end
                return None
        return None if b"\x00" in head else content_type
    return content_type if head.startswith(magic) else None


@transaction.atomic
def document_add(
    *, cooperation: Cooperation, by: User, upload: UploadedFile[bytes]
) -> SpaceDocument:
    side = _writer(cooperation, by)
    size = upload.size or 0
    if size > MAX_DOCUMENT_BYTES:
        raise DocumentError("size")
    name = clean_file_name(upload.name or "")
    content = upload.read(MAX_DOCUMENT_BYTES + 1)
    if len(content) > MAX_DOCUMENT_BYTES:
        raise DocumentError("size")
    content_type = document_type(name, content[:4096])
    if content_type is None:
        raise DocumentError("type")
    locked = _locked(cooperation)
    if SpaceDocument.objects.filter(cooperation=locked).count() >= MAX_DOCUMENTS:
        raise DocumentError("count")
    document = SpaceDocument.objects.create(
        cooperation=locked,
        name=name,
        content_type=content_type,
        size=len(content),
        content=content,
        uploaded_by=by,
    )
    _log(cooperation, by, side, Action.DOCUMENT, name)
    return document


@transaction.atomic
def document_remove(*, document: SpaceDocument, by: User) -> None:
    side = _writer(document.cooperation, by)
    if SpaceDocument.objects.filter(pk=document.pk).delete()[0]:
        _log(document.cooperation, by, side, Action.DOCUMENT_REMOVED, document.name)


# Closing, reviews ---------------------------------------------------------------


def _notify_other(cooperation: Cooperation, side: str, template: str) -> None:
    """Mail the other side (the sender, or the MO's team)."""
    cooperation_request = cooperation.request
    context: dict[str, Any] = {"request": cooperation_request, "cooperation": cooperation}
    if side == Side.PARTNER:
        notify_members(cooperation_request.organisation, template, context)
    elif cooperation_request.sender_organisation is not None:
        notify_members(cooperation_request.sender_organisation, template, context)
    else:
        mail_user(cooperation_request.sender, template, context)


@transaction.atomic
def space_close(*, cooperation: Cooperation, by: User, went_well: str, improve: str) -> None:
    """Close with this side's review. Of two closings at once one closes; the
    other's review is kept as its review (nothing typed is lost); a side that
    already reviewed gets RequestError("reviewed")."""
    side = _writer(cooperation, by, closed_ok=True)
    now = timezone.now()
    closed = Cooperation.objects.filter(pk=cooperation.pk, status=Cooperation.Status.ACTIVE).update(
        status=Cooperation.Status.CLOSED, closed_at=now
    )
    if closed:
        _log(cooperation, by, side, Action.CLOSED)
    cooperation.refresh_from_db(fields=["status", "closed_at"])
    review_add(cooperation=cooperation, by=by, went_well=went_well, improve=improve)
    if closed:
        _notify_other(cooperation, side, "space-closed")


@transaction.atomic
def review_add(*, cooperation: Cooperation, by: User, went_well: str, improve: str) -> SpaceReview:
    side = _writer(cooperation, by, closed_ok=True)
    if not cooperation.is_closed:
        raise RequestError("open")
    try:
        with transaction.atomic():
            review = SpaceReview.objects.create(
                cooperation=cooperation, side=side, went_well=went_well, improve=improve, author=by
            )
    except IntegrityError as error:
        raise RequestError("reviewed") from error
    _log(cooperation, by, side, Action.REVIEWED)
    return review


# The reference ----------------------------------------------------------------


def _reference_side(side: str) -> references.Side:
    return references.Side.MO if side == Side.MO else references.Side.PARTNER


def partner_name(cooperation_request: CooperationRequest) -> str:
    """The partner as the reference names it: the sending MO, or the institution
    the sender works for (their own name only when they gave none)."""
    if cooperation_request.sender_organisation is not None:
        return cooperation_request.sender_organisation.name
    sender = cooperation_request.sender
    return sender.institution_name or sender.name


@dataclass(frozen=True)
class ReferenceState:
    """What a side sees of the reference: whether it confirmed, whether the other did."""

    reference: Reference | None
    mine: bool
    theirs: bool

    @property
    def public(self) -> bool:
        return self.reference is not None and self.reference.is_confirmed


def reference_state(cooperation: Cooperation, side: str | None) -> ReferenceState:
    reference = cooperation.reference
    if reference is None:
        return ReferenceState(None, False, False)
    mo, partner = reference.mo_confirmed_at is not None, reference.partner_confirmed_at is not None
    if side == Side.MO:
        return ReferenceState(reference, mo, partner)
    return ReferenceState(reference, partner, mo)


@transaction.atomic
def reference_write(
    *, cooperation: Cooperation, by: User, summary: str, expected: int | None
) -> Reference:
    """Write (or change) the reference: confirmed by this side, to be confirmed
    by the other. Only when the cooperation is closed. A change names the
    version it was written against (``expected``); a text written without
    seeing the one there is now — two first drafts at once: the space's row is
    locked, so the second finds the first — raises Conflict (nothing lost: the
    page shows the stored text and keeps the writer's)."""
    side = _writer(cooperation, by, closed_ok=True)
    if not cooperation.is_closed:
        raise RequestError("open")
    locked = _locked(cooperation)
    reference_side = _reference_side(side)
    if locked.reference_id is None:
        cooperation_request = cooperation.request
        reference = references.reference_create(
            organisation=cooperation_request.organisation,
            partner_name=partner_name(cooperation_request),
            partner_type=(
                None
                if cooperation_request.sender_organisation_id
                else cooperation_request.sender.institution_type
            ),
            started_on=timezone.localdate(locked.opened_at),
            ended_on=timezone.localdate(locked.closed_at or timezone.now()),
            summary=summary,
            side=reference_side,
            by=by,
        )
        Cooperation.objects.filter(pk=locked.pk).update(reference=reference)
    else:
        assert locked.reference is not None
        if expected is None:  # written without seeing the text there is now
            raise Conflict(locked.reference)
        reference = references.reference_edit(
            reference=locked.reference,
            summary=summary,
            side=reference_side,
            by=by,
            expected=expected,
        )
    cooperation.reference = reference
    _log(cooperation, by, side, Action.REFERENCE)
    _notify_other(cooperation, side, "space-reference")
    return reference


@transaction.atomic
def reference_confirm(*, cooperation: Cooperation, by: User, expected: int | None) -> Reference:
    side = _writer(cooperation, by, closed_ok=True)
    if cooperation.reference is None:
        raise RequestError("no reference")
    reference = references.reference_confirm(
        reference=cooperation.reference, side=_reference_side(side), by=by, expected=expected
    )
    _log(cooperation, by, side, Action.REFERENCE_CONFIRMED)
    return reference


@transaction.atomic
def reference_withdraw(*, cooperation: Cooperation, by: User) -> Reference:
    side = _writer(cooperation, by, closed_ok=True)
    if cooperation.reference is None:
        raise RequestError("no reference")
    reference = references.reference_withdraw(
        reference=cooperation.reference, side=_reference_side(side)
    )
    _log(cooperation, by, side, Action.REFERENCE_WITHDRAWN)
    return reference


def space_of(pk: int) -> Cooperation | None:
    """The space of request ``pk`` with what its page reads, or None."""
    return (
        Cooperation.objects.select_related(
            "request__organisation",
            "request__sender",
            "request__sender_organisation",
            "request__purpose",
            "reference",
        )
        .filter(request_id=pk)
        .first()
    )
