"""The cooperation space's pages (cooperation.space decides who may do what).

One page shows everything; each section's form posts to its own address and
comes back to the page (the section's anchor), or renders the page again with
the errors next to the field (400) or the conflict (409). Anybody who is not
a side or a coordinator gets 404: nobody else learns that a space exists.
Coordinators read; their posts are refused (403)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.institutions import profile_of
from accounts.models import InstitutionProfile, User
from cooperation import space
from cooperation.forms import (
    AllowanceForm,
    DocumentForm,
    MilestoneForm,
    PlanForm,
    ReferenceForm,
    ReviewForm,
)
from cooperation.models import Allowance, ChecklistEntry, Cooperation, Milestone, SpaceDocument
from cooperation.services import RequestError
from core.concurrency import CONFLICT_STATUS, Conflict, conflict_context, expected_version
from core.errors import bad_request

REFUSED = {
    "closed": gettext_lazy("Die Zusammenarbeit ist abgeschlossen; hier ändert sich nichts mehr."),
    "merged": gettext_lazy("Diese Anfrage ist geschlossen: Die Profile wurden zusammengeführt."),
    "open": gettext_lazy("Das geht erst, wenn die Zusammenarbeit abgeschlossen ist."),
    "reviewed": gettext_lazy("Ihre Seite hat ihren Rückblick schon geschrieben."),
    "no reference": gettext_lazy("Es gibt noch keine Referenz."),
}
DOCUMENT_ERRORS = {
    "size": gettext_lazy("Die Datei ist zu groß: höchstens 5 MB."),
    "type": gettext_lazy(
        "Diese Datei wird nicht angenommen. Bitte laden Sie PDF, Word, Excel, PowerPoint, "
        "OpenDocument, PNG, JPEG oder Text hoch; der Inhalt muss zur Dateiendung passen."
    ),
    "count": gettext_lazy(
        "In diesem Bereich liegen schon 50 Dokumente. Bitte löschen Sie erst eines."
    ),
}


def _user(request: HttpRequest) -> User:
    """The signed-in person (every view here is behind login_required)."""
    return cast(User, request.user)


def _space(request: HttpRequest, pk: int) -> tuple[Cooperation, str | None]:
    """The space and the visitor's side (None: a coordinator, reading), or 404."""
    cooperation = space.space_of(pk)
    if cooperation is None or not space.may_read(cooperation.request, request.user):
        raise Http404
    return cooperation, space.space_side(cooperation.request, request.user)


SpaceView = Callable[..., HttpResponse]


def writes(view: SpaceView) -> SpaceView:
    """A view that changes the space: for its two sides only (a coordinator
    reads: 403; anybody else: 404, before the method is looked at), by POST."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, pk: int, *args: Any, **kwargs: Any) -> HttpResponse:
        cooperation, side = _space(request, pk)
        if side is None:
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return view(request, cooperation, *args, **kwargs)

    return wrapper


def _refused(request: HttpRequest, cooperation: Cooperation, error: RequestError) -> HttpResponse:
    if str(error) == "forbidden":
        raise PermissionDenied
    messages.error(request, str(REFUSED.get(str(error), REFUSED["closed"])))
    return redirect(cooperation)


def _partner_profile(cooperation: Cooperation) -> InstitutionProfile | None:
    """The published institution profile of the institution that asked, if any."""
    cooperation_request = cooperation.request
    if cooperation_request.sender_organisation_id is not None:
        return None
    found = profile_of(cooperation_request.sender)
    return found if found is not None and found.published else None


def _page(
    request: HttpRequest,
    cooperation: Cooperation,
    side: str | None,
    *,
    status: int = 200,
    **forms: Any,
) -> HttpResponse:
    reference = space.reference_state(cooperation, side)
    context = {
        "cooperation": cooperation,
        "cooperation_request": cooperation.request,
        "side": side,
        "partner_name": space.partner_name(cooperation.request),
        "partner_profile": _partner_profile(cooperation),
        "checklist": cooperation.checklist.select_related("done_by", "guide_item"),
        "milestones": cooperation.milestones.all(),
        "allowances": cooperation.allowances.all(),
        "documents": cooperation.documents.defer("content").select_related("uploaded_by"),
        "reviews": cooperation.reviews.select_related("author"),
        "events": cooperation.events.select_related("actor")[:50],
        "reference": reference,
        "plan_form": PlanForm(instance=cooperation),
        "milestone_form": MilestoneForm(),
        "allowance_form": AllowanceForm(),
        "document_form": DocumentForm(),
        "review_form": ReviewForm(),
        "reference_form": ReferenceForm(
            initial={
                "summary": reference.reference.summary if reference.reference else "",
                "version": reference.reference.version if reference.reference else None,
            }
        ),
        "conflict": None,
        **forms,
    }
    context["reviewed"] = {review.side for review in context["reviews"]}
    return render(request, "cooperation/space.html", context, status=status)


@never_cache
@login_required
@require_safe
def space_page(request: HttpRequest, pk: int) -> HttpResponse:
    cooperation, side = _space(request, pk)
    return _page(request, cooperation, side)


@writes
def space_plan(request: HttpRequest, cooperation: Cooperation) -> HttpResponse:
    form = PlanForm(request.POST, instance=Cooperation.objects.get(pk=cooperation.pk))
    if not form.is_valid():
        return _page(
            request,
            cooperation,
            space.space_side(cooperation.request, request.user),
            status=400,
            plan_form=form,
        )
    try:
        space.plan_update(
            cooperation=cooperation,
            by=_user(request),
            expected=expected_version(form),
            **{name: form.cleaned_data[name] for name in PlanForm.Meta.fields},
        )
    except Conflict as conflict:
        current = conflict.current
        stored = {name: getattr(current, name) for name in PlanForm.Meta.fields}
        context = conflict_context(form, current_version=current.version, stored=stored)
        return _page(
            request,
            cooperation,
            space.space_side(cooperation.request, request.user),
            status=CONFLICT_STATUS,
            plan_form=form,
            conflict=context,
        )
    except RequestError as error:
        return _refused(request, cooperation, error)
    messages.success(request, _("Ziele und Rollen sind gespeichert."))
    return redirect(cooperation.get_absolute_url() + "#plan")


@writes
def space_checklist(request: HttpRequest, cooperation: Cooperation, entry: int) -> HttpResponse:
    item = get_object_or_404(ChecklistEntry, pk=entry, cooperation=cooperation)
    item.cooperation = cooperation
    try:
        space.checklist_set(entry=item, by=_user(request), done=request.POST.get("done") == "1")
    except RequestError as error:
        return _refused(request, cooperation, error)
    return redirect(cooperation.get_absolute_url() + f"#point-{item.pk}")


def _add(
    request: HttpRequest,
    cooperation: Cooperation,
    form: forms.BaseForm,
    *,
    name: str,
    add: Callable[..., object],
    done: str,
    anchor: str,
) -> HttpResponse:
    """A section's form that adds a row: the page again with the errors (400),
    or the service's refusal, or back to the section with ``done``."""
    if not form.is_valid():
        side = space.space_side(cooperation.request, request.user)
        return _page(request, cooperation, side, status=400, **{name: form})
    try:
        add(cooperation=cooperation, by=_user(request), **form.cleaned_data)
    except RequestError as error:
        return _refused(request, cooperation, error)
    messages.success(request, done)
    return redirect(cooperation.get_absolute_url() + anchor)


@writes
def space_milestones(request: HttpRequest, cooperation: Cooperation) -> HttpResponse:
    return _add(
        request,
        cooperation,
        MilestoneForm(request.POST),
        name="milestone_form",
        add=space.milestone_add,
        done=_("Der Meilenstein ist eingetragen."),
        anchor="#plan-time",
    )


@writes
def space_milestone(request: HttpRequest, cooperation: Cooperation, item: int) -> HttpResponse:
    milestone = get_object_or_404(Milestone, pk=item, cooperation=cooperation)
    milestone.cooperation = cooperation
    try:
        action = request.POST.get("action")
        if action == "remove":
            space.milestone_remove(milestone=milestone, by=_user(request))
        elif action == "done":
            space.milestone_done(milestone=milestone, by=_user(request))
        else:
            return bad_request(request)
    except RequestError as error:
        return _refused(request, cooperation, error)
    return redirect(cooperation.get_absolute_url() + "#plan-time")


@writes
def space_allowances(request: HttpRequest, cooperation: Cooperation) -> HttpResponse:
    return _add(
        request,
        cooperation,
        AllowanceForm(request.POST),
        name="allowance_form",
        add=space.allowance_add,
        done=_("Die Aufwandsentschädigung ist eingetragen."),
        anchor="#allowances",
    )


@writes
def space_allowance(request: HttpRequest, cooperation: Cooperation, item: int) -> HttpResponse:
    allowance = get_object_or_404(Allowance, pk=item, cooperation=cooperation)
    allowance.cooperation = cooperation
    try:
        space.allowance_remove(allowance=allowance, by=_user(request))
    except RequestError as error:
        return _refused(request, cooperation, error)
    return redirect(cooperation.get_absolute_url() + "#allowances")


@writes
def space_documents(request: HttpRequest, cooperation: Cooperation) -> HttpResponse:
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            space.document_add(
                cooperation=cooperation, by=_user(request), upload=form.cleaned_data["file"]
            )
        except space.DocumentError as error:
            form.add_error("file", str(DOCUMENT_ERRORS[str(error)]))
        except RequestError as error:
            return _refused(request, cooperation, error)
        else:
            messages.success(request, _("Das Dokument ist hochgeladen."))
            return redirect(cooperation.get_absolute_url() + "#documents")
    side = space.space_side(cooperation.request, request.user)
    return _page(request, cooperation, side, status=400, document_form=form)


@never_cache
@login_required
def space_document(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """GET: the file, always as a download; POST: delete it (the two sides)."""
    cooperation, side = _space(request, pk)
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    if request.method == "POST":
        if side is None:
            raise PermissionDenied
        document = get_object_or_404(
            SpaceDocument.objects.defer("content"), pk=item, cooperation=cooperation
        )
        document.cooperation = cooperation
        try:
            space.document_remove(document=document, by=_user(request))
        except RequestError as error:
            return _refused(request, cooperation, error)
        return redirect(cooperation.get_absolute_url() + "#documents")
    document = get_object_or_404(SpaceDocument, pk=item, cooperation=cooperation)
    response = HttpResponse(bytes(document.content), content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(True, document.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@writes
def space_close(request: HttpRequest, cooperation: Cooperation) -> HttpResponse:
    """Close with this side's review, or add the review after the other side closed."""
    form = ReviewForm(request.POST)
    if not form.is_valid():
        side = space.space_side(cooperation.request, request.user)
        return _page(request, cooperation, side, status=400, review_form=form)
    try:
        if cooperation.is_closed:
            space.review_add(cooperation=cooperation, by=_user(request), **form.cleaned_data)
        else:
            space.space_close(cooperation=cooperation, by=_user(request), **form.cleaned_data)
    except RequestError as error:
        return _refused(request, cooperation, error)
    messages.success(request, _("Danke für Ihren Rückblick."))
    return redirect(cooperation.get_absolute_url() + "#review")


@writes
def space_reference(request: HttpRequest, cooperation: Cooperation) -> HttpResponse:
    action = request.POST.get("action", "write")
    try:
        if action == "withdraw":
            space.reference_withdraw(cooperation=cooperation, by=_user(request))
            messages.success(request, _("Ihre Bestätigung ist zurückgenommen."))
        elif action == "confirm":
            form = ReferenceForm(request.POST)
            form.fields["summary"].required = False
            form.is_valid()
            space.reference_confirm(
                cooperation=cooperation, by=_user(request), expected=expected_version(form)
            )
            messages.success(request, _("Sie haben die Referenz bestätigt."))
        else:
            form = ReferenceForm(request.POST)
            if not form.is_valid():
                side = space.space_side(cooperation.request, request.user)
                return _page(request, cooperation, side, status=400, reference_form=form)
            space.reference_write(
                cooperation=cooperation,
                by=_user(request),
                summary=form.cleaned_data["summary"],
                expected=expected_version(form),
            )
            messages.success(
                request,
                _("Die Referenz ist gespeichert. Jetzt muss die andere Seite sie bestätigen."),
            )
    except Conflict:
        messages.error(
            request,
            _(
                "Die andere Seite hat die Referenz inzwischen geändert. Bitte lesen Sie den "
                "neuen Text und bestätigen oder ändern Sie ihn dann."
            ),
        )
        if action == "confirm":
            return redirect(cooperation.get_absolute_url() + "#reference")
        # The stored text on the page, the writer's own text kept in the form.
        fresh = space.space_of(cooperation.request_id)
        assert fresh is not None
        assert fresh.reference is not None
        data = request.POST.copy()
        data["version"] = str(fresh.reference.version)  # saving again applies it on top
        form = ReferenceForm(data)
        form.is_valid()
        side = space.space_side(fresh.request, request.user)
        return _page(request, fresh, side, status=CONFLICT_STATUS, reference_form=form)
    except RequestError as error:
        return _refused(request, cooperation, error)
    return redirect(cooperation.get_absolute_url() + "#reference")
