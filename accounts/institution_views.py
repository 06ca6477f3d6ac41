"""Institution profiles (/institutionen/): the list MOs search, a profile's page,
creating and editing it (verified institutions, coordinators), its editors and
its publication."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts import institution_services as services
from accounts import institutions
from accounts.institution_forms import EditorAddForm, InstitutionFilterForm, InstitutionProfileForm
from accounts.models import InstitutionOffer, InstitutionProfile
from core.concurrency import CONFLICT_STATUS, Conflict, conflict_context, expected_version
from core.errors import bad_request

PAGE_SIZE = 20


def _not_verified(request) -> HttpResponse:
    """403 with the explanation: only verified institutions create and edit profiles."""
    return render(request, "accounts/institutions/not_verified.html", status=403)


def _editable(request, slug: str) -> InstitutionProfile | HttpResponse:
    """The profile for its editors and coordinators; 404 for an unpublished one to
    everybody else, 403 for a published one (an institution account without a
    verification gets the page that says why). Checked before the method, so an
    outsider gets 403/404, never 405."""
    profile, editing = institutions.profile_for_viewer(request.user, slug)
    if editing:
        return profile
    if request.user.is_institution_account and not request.user.is_institution:
        return _not_verified(request)
    raise PermissionDenied


def _offers_prefetch() -> Prefetch:
    return Prefetch("offers", queryset=InstitutionOffer.objects.order_by("kind"))


@require_safe
def profile_list(request):
    """Published profiles, filtered by offer kind, state, type and text (GET)."""
    form = InstitutionFilterForm(request.GET or None)
    profiles = InstitutionProfile.objects.filter(published=True)
    if form.is_valid():
        data = form.cleaned_data
        if data.get("q"):
            text = data["q"]
            profiles = profiles.filter(
                Q(name__icontains=text)
                | Q(description__icontains=text)
                | Q(offer_details__icontains=text)
                | Q(city__icontains=text)
            )
        if data.get("offer"):
            profiles = profiles.filter(offers__kind=data["offer"])
        if data.get("state"):
            profiles = profiles.filter(state=data["state"])
        if data.get("type"):
            profiles = profiles.filter(institution_type=data["type"])
    profiles = (
        profiles.distinct()
        .select_related("institution_type", "state")
        .prefetch_related(_offers_prefetch())
        .order_by("name", "pk")
    )
    page = Paginator(profiles, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/institutions/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "may_create": institutions.may_create(request.user),
        },
    )


def profile_detail(request, slug):
    profile, editing = institutions.profile_for_viewer(request.user, slug)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])  # after the 404 of a hidden profile
    offers = [offer.get_kind_display() for offer in profile.offers.order_by("kind")]
    return render(
        request,
        "accounts/institutions/detail.html",
        {
            "profile": profile,
            "offers": offers,
            "editing": editing,
            "contact_visible": institutions.contact_visible(request.user, profile),
        },
    )


@login_required
def profile_new(request):
    if not institutions.may_create(request.user):
        if request.user.is_institution_account:
            return _not_verified(request)
        raise PermissionDenied
    existing = institutions.profile_of(request.user)
    if existing is not None:
        messages.info(request, _("Sie bearbeiten bereits dieses Institutionsprofil."))
        return redirect("institution_profile_edit", slug=existing.slug)
    user = request.user
    initial = {
        "name": user.institution_name,
        "institution_type": user.institution_type_id,
        "state": user.institution_state_id,
        "contact_name": user.name,
        "contact_email": user.email,
    }
    form = InstitutionProfileForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        profile = services.profile_create(
            by=user, values=form.values(), offers=form.cleaned_data["offers"]
        )
        messages.success(
            request,
            _(
                "Das Institutionsprofil ist angelegt, aber noch nicht veröffentlicht. "
                "Prüfen Sie es und veröffentlichen Sie es dann."
            ),
        )
        return redirect(profile)
    return render(
        request,
        "accounts/institutions/form.html",
        {"form": form, "profile": None},
        status=400 if form.is_bound else 200,
    )


@login_required
def profile_edit(request, slug):
    profile = _editable(request, slug)
    if isinstance(profile, HttpResponse):
        return profile
    form = InstitutionProfileForm(
        request.POST if request.method == "POST" else None, profile=profile
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.profile_update(
                profile=profile,
                values=form.values(),
                offers=form.cleaned_data["offers"],
                expected_version=expected_version(form),
            )
        except Conflict as stale:
            current = stale.current
            stored = {name: getattr(current, name) for name in services.PROFILE_FIELDS}
            stored["offers"] = list(current.offers.values_list("kind", flat=True))
            conflict = conflict_context(form, current_version=current.version, stored=stored)
        else:
            messages.success(request, _("Das Institutionsprofil ist gespeichert."))
            return redirect(saved)
    return render(
        request,
        "accounts/institutions/form.html",
        {"form": form, "profile": profile, "conflict": conflict},
        status=CONFLICT_STATUS if conflict else 400 if form.is_bound else 200,
    )


@login_required
def profile_editors(request, slug):
    """The profile's editors: add a verified colleague by e-mail, remove one."""
    profile = _editable(request, slug)
    if isinstance(profile, HttpResponse):
        return profile
    form = EditorAddForm(
        request.POST if request.POST.get("action") == "add" else None, by=request.user
    )
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "add" and form.is_valid():
            services.editor_add(profile=profile, user=form.user, by=request.user)
            messages.success(request, _("Die Person gehört jetzt zur Redaktion des Profils."))
            return redirect("institution_profile_editors", slug=profile.slug)
        if action == "remove":
            editor_pk = _int(request.POST.get("editor"))
            editor = profile.editors.filter(pk=editor_pk).first() if editor_pk else None
            if editor is not None:
                try:
                    services.editor_remove(profile=profile, user=editor.user)
                except services.InstitutionProfileError:
                    messages.error(
                        request,
                        _("Ein Profil braucht mindestens eine Person in der Redaktion."),
                    )
                else:
                    messages.success(request, _("Die Person gehört nicht mehr zur Redaktion."))
                    if editor.user_id == request.user.pk:
                        return redirect(profile if profile.published else "account")
                return redirect("institution_profile_editors", slug=profile.slug)
        status = 400
    return render(
        request,
        "accounts/institutions/editors.html",
        {
            "profile": profile,
            "form": form,
            "editors": profile.editors.select_related("user").order_by("added_at", "pk"),
        },
        status=status,
    )


def _int(value: str | None) -> int | None:
    """A primary key from the form, or None (ASCII digits only: "²" is a digit
    to ``str.isdigit`` but not to ``int``)."""
    if value and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


@login_required
def profile_publish(request, slug):
    profile = _editable(request, slug)
    if isinstance(profile, HttpResponse):
        return profile
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    wanted = request.POST.get("published")
    if wanted not in ("1", "0"):
        return bad_request(request, None)
    services.profile_publish(profile=profile, published=wanted == "1")
    if wanted == "1":
        messages.success(request, _("Das Institutionsprofil ist veröffentlicht."))
    else:
        messages.success(request, _("Das Institutionsprofil ist nicht mehr öffentlich sichtbar."))
    return redirect(profile)
