"""Review by coordinators: the queue, approving or sending back, claims,
history with restore, re-assigning profiles without an owner."""

import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.access import permission_required_or_403
from core.text import word_diff
from directory import completeness, duplicates, merging, revisions, services, team
from directory.access import REVIEW_PERMISSION
from directory.forms import SendBackForm
from directory.history_labels import field_label, reason_label, value_label
from directory.models import Claim, Membership, Organisation, ProfileRevision
from directory.reach import Reach
from directory.views import profile_parts
from directory.vocabulary import get_vocabulary

# The queue lists the claims decided or closed lately, with why.
CLAIMS_DECIDED_DAYS = 30
CLAIMS_DECIDED_SHOWN = 20


@permission_required_or_403(REVIEW_PERMISSION)
def queue(request):
    owners = Membership.objects.filter(organisation=OuterRef("pk"), role=Membership.Role.OWNER)
    orphaned = (
        Organisation.objects.exclude(status=Organisation.Status.ARCHIVED)
        .filter(Exists(Membership.objects.filter(organisation=OuterRef("pk"))))
        .exclude(Exists(owners))
        .order_by("name")[:100]
    )
    return render(
        request,
        "directory/review/queue.html",
        {
            "in_review": Organisation.objects.filter(status=Organisation.Status.IN_REVIEW)
            .select_related("state")
            .order_by("updated_at"),
            "revisions": ProfileRevision.objects.filter(state=ProfileRevision.State.PENDING)
            .select_related("organisation", "updated_by")
            .order_by("updated_at"),
            "claims": Claim.objects.filter(status=Claim.Status.PENDING)
            .select_related("organisation", "user")
            .order_by("created_at"),
            # Decided lately, with why (a claim closed by an invitation, another
            # claim or a merge is no coordinator's rejection).
            "claims_decided": Claim.objects.exclude(status=Claim.Status.PENDING)
            .filter(decided_at__gte=timezone.now() - datetime.timedelta(days=CLAIMS_DECIDED_DAYS))
            .select_related("organisation", "user")
            .order_by("-decided_at")[:CLAIMS_DECIDED_SHOWN],
            "orphaned": orphaned,
        },
    )


def _labels(relation_slugs: dict | None) -> dict:
    from directory.vocabulary import TERM_RELATIONS

    vocab = get_vocabulary()
    out = {}
    for relation, slugs in (relation_slugs or {}).items():
        labels = []
        for slug in slugs:
            term = vocab.get(TERM_RELATIONS.get(relation, ""), slug)
            labels.append(term.label if term else slug)
        out[relation] = ", ".join(labels)
    return out


def profile_changes(before, after_organisation) -> list[dict]:
    """Field by field differences between a recorded version and the profile now."""
    changes = []
    for field in services.VERSIONED_FIELDS:
        old = value_label(before, field)
        new = value_label(after_organisation, field)
        if old != new:
            changes.append({"field": field_label(field), "diff": word_diff(old, new)})
    old_snapshot = (before.snapshot if before is not None else None) or {}
    new_snapshot = after_organisation.snapshot or {}
    old_terms, new_terms = _labels(old_snapshot.get("terms")), _labels(new_snapshot.get("terms"))
    for relation in sorted(set(old_terms) | set(new_terms)):
        if old_terms.get(relation, "") != new_terms.get(relation, ""):
            changes.append(
                {
                    "field": field_label(relation),
                    "diff": word_diff(old_terms.get(relation, ""), new_terms.get(relation, "")),
                }
            )
    old_offers = "; ".join(o["title"] for o in old_snapshot.get("offers", []))
    new_offers = "; ".join(o["title"] for o in new_snapshot.get("offers", []))
    if old_offers != new_offers:
        changes.append({"field": field_label("offers"), "diff": word_diff(old_offers, new_offers)})
    return changes


# Lazy: translated when shown, in the coordinator's language.
CHANGED_DURING_REVIEW = gettext_lazy(
    "Das Profil wurde inzwischen geändert oder schon entschieden. Ihre Entscheidung ist nicht "
    "ausgeführt: Bitte sehen Sie sich den aktuellen Stand an und entscheiden Sie dann erneut."
)


def _sent_back_message(request, reach: Reach) -> None:
    if reach is Reach.TEAM:
        messages.success(request, _("Zurückgegeben. Das Team wurde benachrichtigt."))
    elif reach is Reach.ADDRESS:
        messages.success(
            request,
            _(
                "Zurückgegeben. Das Profil hat kein Team: Die Anmerkung ging per E-Mail "
                "an die Adresse der Organisation; Antworten kommen an Sie."
            ),
        )
    else:
        messages.warning(
            request,
            _(
                "Zurückgegeben, aber niemand wurde benachrichtigt: Das Profil hat kein "
                "Team und keine E-Mail-Adresse. Bitte nehmen Sie selbst Kontakt mit der "
                "Organisation auf."
            ),
        )


def _seen(request) -> int | None:
    """The version (of a draft profile, or of a pending revision) the review
    page showed: its ``seen`` field (None: a POST without it, checked by the
    services only; -1: malformed, matches nothing)."""
    seen = request.POST.get("seen")
    if seen is None:
        return None
    return int(seen) if seen.isdigit() else -1


def _seen_is_current(request, organisation: Organisation) -> bool:
    """Whether the decision on a draft was taken on the version the review page
    showed: an edit saved after the coordinator opened the page makes the
    decision void, and the page shows the new diff instead. (Within the
    decision itself, services._lock_unchanged guards the rest.)"""
    seen = _seen(request)
    return seen is None or seen == organisation.version


def _review_revision(request, organisation: Organisation):
    """The review of a published profile: the changes waiting in its open
    revision, as a diff against the live profile, to approve or send back."""
    revision = revisions.open_revision(organisation)
    form = SendBackForm(request.POST or None)
    if request.method == "POST":
        if revision is None or revision.state != revision.State.PENDING:
            messages.error(request, _("Für dieses Profil warten keine Änderungen auf Prüfung."))
            return redirect("directory:review", slug=organisation.slug)
        action = request.POST.get("action")
        try:
            if action == "approve":
                services.revision_approve(revision=revision, by=request.user, seen=_seen(request))
                messages.success(request, _("Freigegeben: Die Änderungen sind jetzt online."))
                return redirect("directory:review_queue")
            if action == "send_back" and form.is_valid():
                reach = services.revision_send_back(
                    revision=revision,
                    by=request.user,
                    comment=form.cleaned_data["comment"],
                    seen=_seen(request),
                )
                _sent_back_message(request, reach)
                return redirect("directory:review_queue")
        except services.ReviewError:
            messages.error(request, CHANGED_DURING_REVIEW)
            return redirect("directory:review", slug=organisation.slug)
    pending = revisions.pending_profile(organisation, revision)
    return render(
        request,
        "directory/review/review_revision.html",
        {
            "organisation": organisation,
            "revision": revision,
            "pending": pending,
            "changes": revisions.changes(organisation, revision),
            "form": form,
            "members": organisation.memberships.select_related("user"),
            "missing": completeness.missing(organisation),
            "parts": profile_parts(organisation),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def _candidates(organisation: Organisation) -> list[duplicates.Candidate]:
    """Profiles of every status but archived that may be this new one."""
    return duplicates.candidates(
        organisation.name,
        city=organisation.city,
        postal_code=organisation.postal_code,
        website=organisation.website,
        email=organisation.email,
        register_number=organisation.register_number,
        register_court=organisation.register_court,
        exclude_pk=organisation.pk,
    )


@permission_required_or_403(REVIEW_PERMISSION)
def review(request, slug):
    organisation = get_object_or_404(Organisation.objects.select_related("state"), slug=slug)
    if revisions.needs_review(organisation):
        return _review_revision(request, organisation)
    published = services.last_published_version(organisation)
    form = SendBackForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        if organisation.status != Organisation.Status.IN_REVIEW:
            messages.error(request, _("Dieses Profil wartet nicht auf eine Prüfung."))
            return redirect("directory:review", slug=slug)
        try:
            if not _seen_is_current(request, organisation):
                raise services.ReviewError("changed")
            if action == "send_back" and form.is_valid():
                reach = services.organisation_send_back(
                    organisation=organisation,
                    by=request.user,
                    comment=form.cleaned_data["comment"],
                )
                _sent_back_message(request, reach)
                return redirect("directory:review_queue")
            if action == "approve":
                services.organisation_approve(organisation=organisation, by=request.user)
                messages.success(request, _("Freigegeben und veröffentlicht."))
                return redirect("directory:review_queue")
        except completeness.Incomplete:
            messages.error(
                request,
                _(
                    "Das Profil ist noch nicht vollständig und kann nicht veröffentlicht "
                    "werden. Geben Sie es mit einer Anmerkung zurück."
                ),
            )
            return redirect("directory:review", slug=slug)
        except services.ReviewError:
            messages.error(request, CHANGED_DURING_REVIEW)
            return redirect("directory:review", slug=slug)
    return render(
        request,
        "directory/review/review.html",
        {
            "organisation": organisation,
            "candidates": _candidates(organisation) if published is None else [],
            "distinct": merging.distinct_partners(organisation) if published is None else [],
            "published": published,
            "changes": profile_changes(published, organisation) if published else None,
            "form": form,
            "members": organisation.memberships.select_related("user"),
            "missing": completeness.missing(organisation),
            "parts": profile_parts(organisation),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@permission_required_or_403(REVIEW_PERMISSION)
@require_POST
def claim_decide(request, pk):
    claim = get_object_or_404(Claim, pk=pk)
    confirm = request.POST.get("decision") == "confirm"
    try:
        team.claim_decide(claim=claim, by=request.user, confirm=confirm)
    except team.TeamError:
        messages.error(
            request,
            _(
                "Diese Anfrage ist schon entschieden, oder das Profil hat schon eine "
                "verantwortliche Person."
            ),
        )
    else:
        messages.success(request, _("Entschieden. Die Person wurde benachrichtigt."))
    return redirect("directory:review_queue")


@permission_required_or_403(REVIEW_PERMISSION)
def history(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    records = list(
        organisation.history.select_related("history_user").order_by("-history_date")[:100]
    )
    rows = []
    for record, older in zip(records, records[1:] + [None], strict=True):
        rows.append(
            {
                "record": record,
                "reason": reason_label(record.history_change_reason),
                "changes": profile_changes(older, record),
            }
        )
    return render(
        request, "directory/review/history.html", {"organisation": organisation, "rows": rows}
    )


@permission_required_or_403(REVIEW_PERMISSION)
@require_POST
def restore(request, slug, history_id):
    organisation = get_object_or_404(Organisation, slug=slug)
    record = get_object_or_404(organisation.history, history_id=history_id)
    if organisation.merged_into_id is not None:  # a tombstone (directory.merging)
        messages.error(
            request,
            _(
                "Dieses Profil ist mit einem anderen zusammengeführt und kann nicht "
                "wiederhergestellt werden."
            ),
        )
        return redirect("directory:history", slug=slug)
    services.organisation_restore(record=record, by=request.user)
    messages.success(request, _("Die frühere Fassung ist wiederhergestellt."))
    return redirect("directory:history", slug=slug)


@permission_required_or_403(REVIEW_PERMISSION)
@require_POST
def assign_owner(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    email = (request.POST.get("email") or "").strip()
    user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        messages.error(request, _("Es gibt kein aktives Konto mit dieser E-Mail-Adresse."))
    else:
        team.owner_assign(organisation=organisation, user=user)
        messages.success(request, _("%(name)s ist jetzt verantwortlich.") % {"name": user})
    return redirect("directory:review", slug=slug)
