"""Sending requests, the inbox, the conversation, accepting and declining."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.roles import is_institution
from cooperation import services
from cooperation.forms import ReplyForm, RequestForm
from cooperation.models import CooperationRequest
from directory.models import Membership, Organisation

# Lazy: translated when shown, in the visitor's language (not once at import).
RATE_MESSAGE = gettext_lazy(
    "Sie haben heute schon viele Anfragen gesendet. Bitte versuchen Sie es morgen wieder."
)


def request_action(request, organisation, **kwargs) -> str:
    """The request button on a profile, for institution staff."""
    if not is_institution(request.user) or not organisation.is_published:
        return ""
    return render_to_string(
        "cooperation/includes/profile_actions.html", {"organisation": organisation}, request=request
    )


@login_required
def new(request, slug):
    organisation = get_object_or_404(Organisation.objects.published(), slug=slug)
    if not is_institution(request.user):
        raise PermissionDenied
    if not organisation.open_for_cooperation:
        messages.error(request, _("Diese Organisation nimmt zurzeit keine neuen Kooperationen an."))
        return redirect(organisation)
    form = RequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                cooperation_request = services.request_send(
                    sender=request.user, organisation=organisation, **form.cleaned_data
                )
            except services.RequestError:
                messages.error(request, RATE_MESSAGE)
                status = 429
            else:
                messages.success(
                    request, _("Ihre Anfrage ist gesendet. Die Organisation wird benachrichtigt.")
                )
                return redirect(cooperation_request)
        else:
            status = 400
    return render(
        request, "cooperation/new.html", {"form": form, "organisation": organisation}, status=status
    )


@login_required
def inbox(request):
    my_organisations = Membership.objects.filter(user=request.user).values("organisation_id")
    received = CooperationRequest.objects.filter(
        organisation_id__in=my_organisations
    ).select_related("organisation", "sender", "sender__institution_verification")
    sent = CooperationRequest.objects.filter(
        Q(sender=request.user) | Q(sender_organisation_id__in=my_organisations)
    ).select_related("organisation")
    return render(request, "cooperation/inbox.html", {"received": received, "sent": sent})


def _participant_request(request, pk):
    cooperation_request = (
        CooperationRequest.objects.select_related(
            "organisation", "sender", "purpose", "sender_organisation"
        )
        .filter(pk=pk)
        .first()
    )
    if cooperation_request is None:
        raise Http404
    side = services.side_of(cooperation_request, request.user)
    if side is None:
        raise Http404  # nobody else learns that it exists
    return cooperation_request, side


@login_required
def detail(request, pk):
    cooperation_request, side = _participant_request(request, pk)
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.request_reply(
            cooperation_request=cooperation_request,
            author=request.user,
            body=form.cleaned_data["body"],
        )
        messages.success(request, _("Ihre Antwort ist gesendet."))
        return redirect(cooperation_request)
    return render(
        request,
        "cooperation/detail.html",
        {
            "cooperation_request": cooperation_request,
            "side": side,
            "conversation": cooperation_request.messages.select_related("author"),
            "form": form,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@login_required
@require_POST
def decide(request, pk):
    cooperation_request, side = _participant_request(request, pk)
    if side != "recipient":
        raise PermissionDenied
    try:
        services.request_decide(
            cooperation_request=cooperation_request,
            by=request.user,
            accept=request.POST.get("decision") == "accept",
        )
    except services.RequestError:
        messages.error(request, _("Diese Anfrage ist schon entschieden."))
    else:
        messages.success(request, _("Entschieden. Die anfragende Person wird benachrichtigt."))
    return redirect(cooperation_request)
