"""The catalogue of support offers (/unterstuetzung/), publishing offers, interest."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.concurrency import CONFLICT_STATUS, Conflict, conflict_context, expected_version
from directory.access import is_reviewer
from directory.models import Organisation
from support import services
from support.forms import InterestForm, OfferFilterForm, OfferForm, ProviderForm
from support.models import SupportOffer


def _my_organisations(user):
    if not user.is_authenticated:
        return []
    return list(Organisation.objects.filter(memberships__user=user).order_by("name"))


def catalogue(request):
    form = OfferFilterForm(request.GET or None)
    offers = SupportOffer.objects.published().select_related("format", "provider_organisation")
    if form.is_valid():
        data = form.cleaned_data
        if data.get("q"):
            offers = offers.filter(
                Q(title__icontains=data["q"]) | Q(description__icontains=data["q"])
            )
        if data.get("format"):
            offers = offers.filter(format=data["format"])
        if data.get("need"):
            offers = offers.filter(needs=data["need"])
        if data.get("state"):
            offers = offers.filter(Q(states=data["state"]) | Q(states__isnull=True))
        if data.get("language"):
            offers = offers.filter(languages=data["language"])
        if data.get("on_request"):
            offers = offers.filter(on_request=True)
    offers = offers.distinct().prefetch_related("needs", "states").order_by("title", "pk")
    page = Paginator(offers, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "support/catalogue.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_publish": bool(_my_organisations(request.user)) or is_reviewer(request.user),
        },
    )


def offer_detail(request, pk):
    offer = get_object_or_404(
        SupportOffer.objects.select_related("format", "provider_organisation"), pk=pk
    )
    may_edit = _may_edit(request.user, offer)
    if not offer.published and not may_edit:
        raise Http404  # unpublished: for everybody else it does not exist
    organisations = [
        o for o in _my_organisations(request.user) if o.pk != offer.provider_organisation_id
    ]
    form = (
        InterestForm(request.POST or None, organisations=organisations) if organisations else None
    )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.interest_register(
                    offer=offer,
                    organisation=form.cleaned_data["organisation"],
                    by=request.user,
                    message=form.cleaned_data["message"],
                )
            except services.SupportError:
                messages.info(request, _("Ihre Organisation hat schon Interesse angemeldet."))
            else:
                messages.success(
                    request, _("Ihr Interesse ist angemeldet. Der Anbieter wird benachrichtigt.")
                )
            return redirect(offer)
    return render(
        request,
        "support/offer.html",
        {
            "offer": offer,
            "form": form,
            "may_edit": may_edit,
            "interest_count": offer.interests.count() if may_edit else None,
        },
    )


def _may_edit(user, offer) -> bool:
    if not user.is_authenticated:
        return False
    if is_reviewer(user):
        return True
    if offer.provider_organisation_id:
        return offer.provider_organisation.memberships.filter(user=user).exists()
    return offer.created_by_id == user.pk


@login_required
def offer_edit(request, pk=None):
    offer = get_object_or_404(SupportOffer, pk=pk) if pk else None
    if offer is not None and not _may_edit(request.user, offer):
        if not offer.published:
            raise Http404  # its existence is not revealed either
        raise PermissionDenied
    organisations = _my_organisations(request.user)
    coordinator = is_reviewer(request.user)
    if not organisations and not coordinator:
        raise PermissionDenied
    initial = {}
    if offer is not None:
        initial = {
            "provider_organisation": offer.provider_organisation_id or "",
            "provider_name": offer.provider_name,
        }
    provider = ProviderForm(
        request.POST or None, organisations=organisations, allow_name=coordinator, initial=initial
    )
    form = OfferForm(request.POST or None, instance=offer)
    conflict = None
    if request.method == "POST" and form.is_valid() and provider.is_valid():
        try:
            with transaction.atomic():
                saved = form.save(commit=False)
                saved.provider_organisation = provider.cleaned_data["organisation"]
                saved.provider_name = provider.cleaned_data.get("provider_name", "")
                if saved.created_by_id is None:
                    saved.created_by = request.user
                services.offer_save(offer=saved, expected_version=expected_version(form))
                form.save_m2m()
        except Conflict as stale:
            offer = stale.current
            conflict = _offer_conflict(form, offer)
        else:
            messages.success(request, _("Das Angebot ist veröffentlicht."))
            return redirect(saved)
    return render(
        request,
        "support/offer_form.html",
        {"form": form, "provider": provider, "offer": offer, "conflict": conflict},
        status=CONFLICT_STATUS if conflict else 400 if request.method == "POST" else 200,
    )


def _offer_conflict(form, current):
    """The offer as stored now against the user's input (core.concurrency)."""
    stored = {}
    for name in form.fields:
        value = getattr(current, name, None)
        if value is not None and hasattr(value, "all"):  # terms
            value = list(value.all())
        stored[name] = value
    return conflict_context(form, current_version=current.version, stored=stored)
