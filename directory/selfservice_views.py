"""MO self-service: create or claim a profile, edit it in sections, manage the team."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.concurrency import CONFLICT_STATUS, Conflict, conflict_context, expected_version
from core.text import before_stop
from directory import completeness, duplicates, extensions, revisions, services, team
from directory.access import member_view
from directory.forms import (
    SECTIONS,
    ClaimForm,
    InvitationForm,
    NewOrganisationForm,
    OfferFormSet,
    OffersForm,
)
from directory.models import Invitation, Membership, Organisation, ProfileRevision
from directory.vocabulary import get_vocabulary

# Lazy: translated when shown, in the visitor's language (not once at import).
INVITATION_ERRORS = {
    "already a member": gettext_lazy("Diese Person gehört schon zum Team."),
    "too many pending": gettext_lazy(
        "Dieses Profil ist noch nicht veröffentlicht und hat schon %(limit)s offene "
        "Einladungen. Warten Sie, bis sie angenommen sind, oder ziehen Sie eine zurück."
    ),
    "": gettext_lazy("Die Einladung kann nicht gesendet werden."),
}


CONFIRM_NEW = "neu_trotzdem"


def _published_candidates(form) -> list:
    """Published profiles that may be the organisation of the new-profile form,
    each with whether it has an owner already (then it cannot be claimed)."""
    data = form.cleaned_data
    found = duplicates.candidates(
        data["name"],
        city=data.get("city") or "",
        postal_code=data.get("postal_code") or "",
        published_only=True,
    )
    if found:
        owned = set(
            Membership.objects.filter(
                organisation__in=[c.pk for c in found], role=Membership.Role.OWNER
            ).values_list("organisation_id", flat=True)
        )
        for candidate in found:
            candidate.has_owner = candidate.pk in owned
    return found


@login_required
def organisation_new(request):
    """Create a profile. A first submission whose name matches published
    profiles (directory.duplicates) shows them instead ("Gibt es Ihre
    Organisation schon?"), with the form as typed: sent again with
    ``CONFIRM_NEW`` it creates the profile all the same."""
    form = NewOrganisationForm(request.POST or None)
    found = []
    if request.method == "POST" and form.is_valid():
        if not request.POST.get(CONFIRM_NEW):
            found = _published_candidates(form)
        if not found:
            organisation = form.save(commit=False)
            services.organisation_create(organisation=organisation, by=request.user, relations={})
            messages.success(
                request,
                _(
                    "Das Profil ist angelegt. Ergänzen Sie es und reichen Sie es dann zur "
                    "Prüfung ein."
                ),
            )
            return redirect("directory:edit", slug=organisation.slug)
    return render(
        request,
        "directory/selfservice/new.html",
        {"form": form, "candidates": found, "confirm_field": CONFIRM_NEW},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@member_view()
def edit(request, organisation, membership):
    revision = (
        revisions.open_revision(organisation) if revisions.needs_review(organisation) else None
    )
    all_checks = completeness.checks(organisation)
    return render(
        request,
        "directory/selfservice/overview.html",
        {
            "organisation": organisation,
            "membership": membership,
            "revision": revision,
            "revision_changes": revisions.changes(organisation, revision),
            "sections": [(key, label) for key, (label, _form) in SECTIONS.items()],
            "is_owner": membership.role == Membership.Role.OWNER,
            "checks": all_checks,
            "complete_percent": completeness.percent(all_checks),
            "extra_links": extensions.render_all(
                extensions.edit_links, request, organisation, membership=membership
            ),
        },
    )


def _section_conflict(form, current):
    """The conflict of a section form with the profile as stored now: the stored
    values, the user's input, and the values of the version the form was loaded
    from (from the history) where it is recorded."""
    stored = {name: getattr(current, name) for name in form.model_fields() if name in form.fields}
    loaded = None
    record = current.history.filter(version=expected_version(form)).order_by("-history_id").first()
    if record is not None:
        loaded = {name: getattr(record, name) for name in stored}
    vocab = get_vocabulary()
    for relation in form.relations:
        stored[relation.field] = list(getattr(current, relation.field).all())
        if loaded is not None:
            slugs = (record.snapshot or {}).get("terms", {}).get(relation.field, [])
            loaded[relation.field] = [
                term for term in (vocab.get(relation.kind, slug) for slug in slugs) if term
            ]
    return conflict_context(form, current_version=current.version, stored=stored, loaded=loaded)


def _pending_conflict(form, organisation, revision):
    """The conflict of a section form of a published profile with what its team
    sees now (the live profile with the open revision laid over it)."""

    def values(profile):
        found = {
            name: getattr(profile, name) for name in form.model_fields() if name in form.fields
        }
        for relation in form.relations:
            found[relation.field] = revisions.terms_of(profile, relation.field)
        return found

    # What the form was loaded from: the revision at that version (its history),
    # or the live profile when none was open then.
    token = revisions.parse_token(form.data.get(form.add_prefix("revision")))
    loaded = None
    if token is not None and token[0] is None:
        loaded = values(organisation)
    elif token is not None:
        record = ProfileRevision.history.filter(id=token[0], version=token[1]).first()
        loaded = values(revisions.pending_profile(organisation, record)) if record else None
    stored = values(revisions.pending_profile(organisation, revision))
    context = conflict_context(
        form, current_version=organisation.version, stored=stored, loaded=loaded
    )
    form.data[form.add_prefix("revision")] = revisions.revision_token(revision)
    return context


def _save_published(request, form, formset, section):
    """Save a section of a published profile: what needs review into the open
    revision (the live profile stays), the rest at once (revisions.REVIEW_RULES).
    Returns the open revision (None: nothing waits)."""
    changed = form.instance
    names = form.model_fields()
    immediate = [name for name in names if name not in revisions.REVIEWED]
    # Taken before the immediate save, which reloads ``changed`` from the row.
    reviewed = {name: getattr(changed, name) for name in names if name in revisions.REVIEWED}
    if immediate:
        services.organisation_save(
            organisation=changed,
            by=request.user,
            reason=f"edited: {section}",
            fields=immediate,
            expected_version=expected_version(form),
        )
    return services.revision_save(
        organisation=changed,
        by=request.user,
        values=reviewed,
        relations=form.relation_data(),
        offers=formset.offers() if formset is not None else None,
        loaded=revisions.parse_token(form.data.get(form.add_prefix("revision"))),
    )


@member_view()
def edit_section(request, organisation, membership, section):
    if section not in SECTIONS:
        raise Http404
    label, form_class = SECTIONS[section]
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    published = revisions.needs_review(organisation)
    revision = revisions.open_revision(organisation) if published else None
    shown = revisions.pending_profile(organisation, revision)
    initial: dict[str, object] = {"revision": revisions.revision_token(revision)}
    if revision is not None:  # the terms as the team sees them, not the live ones
        initial.update({r.field: revisions.terms_of(shown, r.field) for r in form_class.relations})
    form = form_class(data, files, instance=shown, initial=initial)
    formset = None
    status, context = (400 if request.method == "POST" else 200), None
    if form_class is OffersForm:
        formset = OfferFormSet(data, initial=revisions.offers_of(shown), prefix="offers")
    if request.method == "POST":
        valid = form.is_valid() and (formset is None or formset.is_valid())
        if valid:
            try:
                with transaction.atomic():
                    changed = form.save(commit=False)
                    logo = form.cleaned_data.get("logo_upload")
                    if form.cleaned_data.get("remove_logo"):
                        changed.logo = ""
                    if logo:
                        changed.logo.save(logo.name, logo, save=False)
                    if published:
                        revision = _save_published(request, form, formset, section)
                    else:
                        organisation = services.organisation_save(
                            organisation=changed,
                            by=request.user,
                            relations=form.relation_data(),
                            offers=formset.offers() if formset is not None else None,
                            reason=f"edited: {section}",
                            fields=form.model_fields(),
                            expected_version=expected_version(form),
                        )
            except Conflict:
                status = CONFLICT_STATUS
                organisation = Organisation.objects.get(pk=organisation.pk)
                if published:
                    revision = revisions.open_revision(organisation)
                    context = _pending_conflict(form, organisation, revision)
                else:
                    context = _section_conflict(form, organisation)
            else:
                if published and revision is not None:
                    messages.success(
                        request,
                        _(
                            "Gespeichert: %(section)s. Änderungen an Beschreibung, Angeboten "
                            "und Kapazitäten werden von der Koordination geprüft; bis zur "
                            "Freigabe bleibt die bisherige Fassung online."
                        )
                        % {"section": label},
                    )
                else:
                    messages.success(request, _("Gespeichert: %(section)s.") % {"section": label})
                return redirect("directory:edit", slug=organisation.slug)
        else:
            messages.error(
                request,
                _("Bitte prüfen Sie die markierten Felder. Ihre Eingaben sind noch da."),
            )
    return render(
        request,
        "directory/selfservice/section.html",
        {
            "organisation": organisation,
            "membership": membership,
            "section": section,
            "label": label,
            "form": form,
            "formset": formset,
            "conflict": context,
            "revision": revision,
        },
        status=status,
    )


@member_view()
@require_POST
def submit(request, organisation, membership):
    if organisation.status != Organisation.Status.DRAFT:
        messages.error(request, _("Nur ein Entwurf kann zur Prüfung eingereicht werden."))
        return redirect("directory:edit", slug=organisation.slug)
    try:
        services.organisation_submit(organisation=organisation, by=request.user)
    except completeness.Incomplete as incomplete:
        messages.error(
            request,
            _("Noch nicht eingereicht. Es fehlt noch: %(missing)s.")
            % {"missing": "; ".join(str(check.label) for check in incomplete.missing)},
        )
    except services.ReviewError:  # saved or submitted by somebody else meanwhile
        messages.error(
            request,
            _(
                "Das Profil wurde inzwischen geändert oder schon eingereicht. Bitte prüfen "
                "Sie den aktuellen Stand."
            ),
        )
    else:
        messages.success(
            request,
            _("Eingereicht. Die Koordination prüft das Profil und meldet sich per E-Mail."),
        )
    return redirect("directory:edit", slug=organisation.slug)


@member_view()
@require_POST
def revision_discard(request, organisation, membership):
    """The team takes back its changes that wait for review (the button carries
    the revision's version: a change by a colleague after the page was shown
    is not thrown away unseen)."""
    revision = revisions.open_revision(organisation)
    seen = request.POST.get("seen", "")
    try:
        if revision is None or not seen.isdigit():
            raise services.ReviewError("none")
        services.revision_discard(revision=revision, by=request.user, seen=int(seen))
    except services.ReviewError:
        messages.error(
            request,
            _(
                "Die wartenden Änderungen wurden inzwischen geändert oder schon entschieden. "
                "Bitte prüfen Sie den aktuellen Stand."
            ),
        )
    else:
        messages.success(
            request, _("Die Änderungen sind verworfen. Online bleibt die geprüfte Fassung.")
        )
    return redirect("directory:edit", slug=organisation.slug)


@member_view()
@require_POST
def confirm_current(request, organisation, membership):
    services.organisation_confirm_current(organisation=organisation, by=request.user)
    messages.success(request, _("Danke! Das Profil ist als aktuell bestätigt."))
    return redirect("directory:edit", slug=organisation.slug)


@member_view(owner=True)
@require_POST
def archive(request, organisation, membership):
    """Archive, or reactivate an archived profile. The button says which
    ("to": the status it was shown for); a click that no longer fits the
    status (the second of a double click) changes nothing."""
    archived = organisation.status == Organisation.Status.ARCHIVED
    wanted = request.POST.get("to")
    if not archived and request.POST.get("confirm") != "yes":
        messages.error(
            request,
            _(
                "Nicht archiviert: Bitte bestätigen Sie, dass das Profil nicht mehr "
                "öffentlich sein soll."
            ),
        )
        return redirect("directory:edit", slug=organisation.slug)
    try:
        if wanted == ("archived" if archived else "draft"):
            raise services.ReviewError("done already")
        if archived:
            services.organisation_reactivate(organisation=organisation, by=request.user)
            messages.success(
                request, _("Das Profil ist wieder ein Entwurf. Reichen Sie es zur Prüfung ein.")
            )
        else:
            services.organisation_archive(organisation=organisation, by=request.user)
            messages.success(
                request,
                _(
                    "Das Profil ist archiviert: Es ist nicht mehr öffentlich, bleibt aber "
                    "gespeichert."
                ),
            )
    except services.ReviewError:  # a double click, or a change meanwhile: nothing done
        messages.error(
            request,
            _("Das Profil wurde inzwischen geändert. Bitte prüfen Sie den aktuellen Stand."),
        )
    return redirect("directory:edit", slug=organisation.slug)


@member_view()
def team_view(request, organisation, membership):
    is_owner = membership.role == Membership.Role.OWNER
    form = InvitationForm(request.POST or None) if is_owner else None
    status = 200
    if request.method == "POST":
        if form is None:  # not the owner
            raise PermissionDenied
        if form.is_valid():
            started = timezone.now()
            try:
                invitation = team.invitation_send(
                    organisation=organisation,
                    email=form.cleaned_data["email"],
                    by=request.user,
                    language=get_language() or "de",
                )
            except team.TeamError as problem:
                error = INVITATION_ERRORS.get(str(problem), INVITATION_ERRORS[""])
                form.add_error(
                    "email", str(error) % {"limit": settings.INVITATIONS_PENDING_UNPUBLISHED}
                )
            else:
                if invitation.sent_at >= started:
                    messages.success(request, _("Die Einladung ist unterwegs."))
                else:
                    messages.info(
                        request,
                        _(
                            "An diese Adresse ist schon eine Einladung unterwegs. Sie wird "
                            "frühestens %(hours)s Stunden nach dem letzten Versand erneut gesendet."
                        )
                        % {"hours": settings.INVITATION_RESEND_HOURS},
                    )
                return redirect("directory:team", slug=organisation.slug)
        status = 400
    return render(
        request,
        "directory/selfservice/team.html",
        {
            "organisation": organisation,
            "membership": membership,
            "is_owner": is_owner,
            "members": organisation.memberships.select_related("user").order_by("-role", "pk"),
            "invitations": organisation.invitations.filter(accepted_at__isnull=True).order_by(
                "-sent_at"
            ),
            "form": form,
        },
        status=status,
    )


def _own(model, pk, organisation):
    """The profile's row ``pk`` of ``model`` (a membership or an invitation);
    None when it is gone (removed or withdrawn meanwhile); 404 when it belongs
    to another profile."""
    row = model.objects.filter(pk=pk).first()
    if row is not None and row.organisation_id != organisation.pk:
        raise Http404
    return row


@member_view(owner=True)
@require_POST
def team_remove(request, organisation, membership, pk):
    target = _own(Membership, pk, organisation)
    if target is None:  # removed meanwhile (a second click, another tab): nothing to do
        messages.info(request, _("Diese Person gehört nicht mehr zum Team."))
        return redirect("directory:team", slug=organisation.slug)
    try:
        team.membership_remove(membership=target)
    except team.TeamError:
        messages.error(
            request,
            _("Die verantwortliche Person kann nicht entfernt werden. Übergeben Sie zuerst."),
        )
    else:
        messages.success(request, _("%(name)s gehört nicht mehr zum Team.") % {"name": target.user})
    return redirect("directory:team", slug=organisation.slug)


@member_view(owner=True)
@require_POST
def team_transfer(request, organisation, membership, pk):
    target = _own(Membership, pk, organisation)
    if target is None:  # removed meanwhile
        messages.error(request, _("Die Verantwortung kann nur an ein Teammitglied gehen."))
        return redirect("directory:team", slug=organisation.slug)
    try:
        team.ownership_transfer(organisation=organisation, to=target, by=request.user)
    except team.TeamError as problem:
        if str(problem) == "not the owner":  # handed over meanwhile
            messages.error(request, _("Sie sind nicht mehr verantwortlich für dieses Profil."))
        else:
            messages.error(request, _("Die Verantwortung kann nur an ein Teammitglied gehen."))
    else:
        messages.success(
            request, _("%(name)s ist jetzt verantwortlich für das Profil.") % {"name": target.user}
        )
    return redirect("directory:team", slug=organisation.slug)


@member_view(owner=True)
@require_POST
def invitation_withdraw(request, organisation, membership, pk):
    invitation = _own(Invitation, pk, organisation)
    if invitation is None:  # withdrawn meanwhile (a second click, another tab)
        messages.info(request, _("Diese Einladung ist schon zurückgezogen."))
        return redirect("directory:team", slug=organisation.slug)
    try:
        team.invitation_withdraw(invitation=invitation)
    except team.TeamError:  # accepted meanwhile
        messages.error(request, _("Diese Einladung wurde schon angenommen."))
    else:
        messages.success(
            request,
            _("Die Einladung an %(email)s ist zurückgezogen; ihr Link gilt nicht mehr.")
            % {"email": invitation.email},
        )
    return redirect("directory:team", slug=organisation.slug)


@login_required
def invitation_accept(request, token):
    invitation = team.invitation_from_token(token)
    if invitation is None:
        return render(request, "directory/selfservice/invitation_invalid.html", status=404)
    error = None
    if request.method == "POST":
        try:
            team.invitation_accept(invitation=invitation, user=request.user)
        except team.TeamError as problem:
            error = {
                "used": _("Diese Einladung wurde schon angenommen."),
                "withdrawn": _("Diese Einladung wurde zurückgezogen."),
                "other address": _(
                    "Die Einladung ging an %(email)s. Bitte melden Sie sich mit dieser Adresse an."
                )
                % {"email": invitation.email},
            }.get(str(problem), _("Die Einladung kann nicht angenommen werden."))
        else:
            messages.success(
                request,
                _("Willkommen im Team von %(name)s.")
                % {"name": before_stop(invitation.organisation.name)},
            )
            return redirect("directory:edit", slug=invitation.organisation.slug)
    return render(
        request,
        "directory/selfservice/invitation.html",
        {"invitation": invitation, "error": error},
        status=400 if error else 200,
    )


@login_required
def claim(request, slug):
    organisation = get_object_or_404(Organisation.objects.published(), slug=slug)
    if team.has_owner(organisation):
        messages.error(request, _("Dieses Profil wird schon von seiner Organisation betreut."))
        return redirect(organisation)
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        team.claim_create(
            organisation=organisation, user=request.user, message=form.cleaned_data["message"]
        )
        messages.success(
            request, _("Ihre Anfrage ist bei der Koordination. Sie bekommen eine E-Mail.")
        )
        return redirect(organisation)
    return render(
        request, "directory/selfservice/claim.html", {"organisation": organisation, "form": form}
    )
