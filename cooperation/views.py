"""Sending requests, the inbox, the conversation, accepting and declining, and
the one-time link for an MO without a team (read, answer, take over)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.roles import is_institution
from cooperation import services
from cooperation.forms import RelayReplyForm, ReplyForm, RequestForm
from cooperation.models import CooperationRequest
from directory.forms import ClaimForm
from directory.models import Membership, Organisation, Term, Visibility
from directory.reach import reach_of
from directory.vocabulary import get_vocabulary

# Lazy: translated when shown, in the visitor's language (not once at import).
RATE_MESSAGE = gettext_lazy(
    "Sie haben heute schon viele Anfragen gesendet. Bitte versuchen Sie es morgen wieder."
)
UNREACHABLE_MESSAGE = gettext_lazy(
    "Diese Organisation kann über das Portal zurzeit niemand erreichen: Sie hat kein Team "
    "im Portal und keine E-Mail-Adresse. Ihre Anfrage wurde nicht gesendet."
)


def request_action(request, organisation, **kwargs) -> str:
    """The request button on a profile, for institution staff."""
    if not is_institution(request.user) or not organisation.is_published:
        return ""
    return render_to_string(
        "cooperation/includes/profile_actions.html", {"organisation": organisation}, request=request
    )


def alternatives(organisation: Organisation) -> dict:
    """What a sender can do when the portal cannot reach an MO: a phone number the
    MO made public, and the coordinators."""
    phone = organisation.phone if organisation.phone_visibility == Visibility.PUBLIC else ""
    return {"phone": phone, "coordination_url": reverse("page", args=["impressum"])}


def sent_message(cooperation_request: CooperationRequest) -> str:
    """What the sender is told after sending: what actually happened."""
    if cooperation_request.delivered_via == CooperationRequest.Via.ADDRESS:
        return _(
            "Ihre Anfrage ist gesendet. Die Organisation hat noch kein Team im Portal: "
            "Das Portal leitet sie an die E-Mail-Adresse der Organisation weiter. "
            "Den Stand der Zustellung sehen Sie hier."
        )
    return _("Ihre Anfrage ist gesendet. Das Team der Organisation wird benachrichtigt.")


def _initial_purpose(request) -> dict:
    """The role sought, taken over from the finder's shortlist (``?role=<term id>``)."""
    role = request.GET.get("role", "")
    if role.isascii() and role.isdigit():  # not "²", which isdigit() but int() refuses
        term = get_vocabulary().by_id.get(int(role))
        if term is not None and term.kind == Term.Kind.ROLE:
            return {"purpose": term.pk}
    return {}


@login_required
def new(request, slug):
    organisation = get_object_or_404(Organisation.objects.published(), slug=slug)
    if not is_institution(request.user):
        raise PermissionDenied
    if not organisation.open_for_cooperation:
        messages.error(request, _("Diese Organisation nimmt zurzeit keine neuen Kooperationen an."))
        return redirect(organisation)
    reach = reach_of(organisation)
    form = RequestForm(request.POST or None, initial=_initial_purpose(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                cooperation_request = services.request_send(
                    sender=request.user, organisation=organisation, **form.cleaned_data
                )
            except services.RequestError as error:
                if str(error) == "unreachable":
                    messages.error(request, UNREACHABLE_MESSAGE)
                    status = 409
                else:
                    messages.error(request, RATE_MESSAGE)
                    status = 429
            else:
                messages.success(request, sent_message(cooperation_request))
                return redirect(cooperation_request)
        else:
            status = 400
    return render(
        request,
        "cooperation/new.html",
        {
            "form": form,
            "organisation": organisation,
            "reach": reach.value,
            **alternatives(organisation),
        },
        status=status,
    )


@login_required
def inbox(request):
    my_organisations = Membership.objects.filter(user=request.user).values("organisation_id")
    received = CooperationRequest.objects.filter(
        organisation_id__in=my_organisations
    ).select_related(
        "organisation", "sender", "sender__institution_verification", "sender_organisation"
    )
    sent = CooperationRequest.objects.filter(
        Q(sender=request.user) | Q(sender_organisation_id__in=my_organisations)
    ).select_related("organisation", "sender_organisation")
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
    if request.method == "POST" and cooperation_request.closed_by_merge:
        messages.error(
            request, _("Diese Anfrage ist geschlossen: Antworten ist nicht mehr möglich.")
        )
        return redirect(cooperation_request)
    if request.method == "POST" and form.is_valid():
        services.request_reply(
            cooperation_request=cooperation_request,
            author=request.user,
            body=form.cleaned_data["body"],
        )
        messages.success(request, _("Ihre Antwort ist gesendet."))
        return redirect(cooperation_request)
    if request.method == "GET":
        services.mark_read(cooperation_request, side)
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
    except services.RequestError as error:
        if str(error) == "merged":
            messages.error(
                request, _("Diese Anfrage ist geschlossen: Entscheiden ist nicht mehr möglich.")
            )
        else:
            messages.error(request, _("Diese Anfrage ist schon entschieden."))
    else:
        messages.success(request, _("Entschieden. Die anfragende Person wird benachrichtigt."))
    return redirect(cooperation_request)


def _relayed_request(request, token):
    """The request behind a one-time link, or the page that says the link no
    longer works (and why it might not)."""
    cooperation_request = services.request_from_token(token)
    if cooperation_request is None:
        return None, render(request, "cooperation/relay_invalid.html", status=404)
    return cooperation_request, None


@never_cache
def relay(request, token):
    """The MO reads and answers a request through the link mailed to its address."""
    cooperation_request, invalid = _relayed_request(request, token)
    if invalid is not None:
        return invalid
    form = RelayReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.relay_reply(
            cooperation_request=cooperation_request,
            name=form.cleaned_data["author_name"],
            body=form.cleaned_data["body"],
        )
        messages.success(
            request, _("Ihre Antwort ist gesendet. Die anfragende Person wird benachrichtigt.")
        )
        return redirect("cooperation:relay", token=token)
    if request.method == "GET":
        services.mark_read(cooperation_request, "recipient")
    return render(
        request,
        "cooperation/relay.html",
        {
            "cooperation_request": cooperation_request,
            "conversation": cooperation_request.messages.select_related("author"),
            "form": form,
            "token": token,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@never_cache
def relay_claim(request, token):
    """Take over the profile from the one-time link: signed in, a claim for the
    coordinators that shows the link proved the address on record."""
    if request.method == "POST":
        return _relay_claim_post(request, token)
    cooperation_request, invalid = _relayed_request(request, token)
    if invalid is not None:
        return invalid
    return _relay_claim_page(request, cooperation_request, token, ClaimForm())


@login_required
def _relay_claim_post(request, token):
    cooperation_request, invalid = _relayed_request(request, token)
    if invalid is not None:
        return invalid
    form = ClaimForm(request.POST)
    if not form.is_valid():
        return _relay_claim_page(request, cooperation_request, token, form, status=400)
    try:
        services.relay_claim(
            cooperation_request=cooperation_request,
            user=request.user,
            message=form.cleaned_data["message"],
        )
    except services.RequestError as error:
        if str(error) == "claimed":
            messages.error(request, _("Über diesen Link wurde die Übernahme schon angefragt."))
        else:
            messages.error(request, _("Dieses Profil wird schon von seiner Organisation betreut."))
        return _relay_claim_page(request, cooperation_request, token, form, status=409)
    messages.success(
        request,
        _(
            "Ihre Anfrage ist bei der Koordination. Sie enthält den Vermerk, dass Sie "
            "Zugang zum E-Mail-Postfach der Organisation haben. Sie bekommen eine E-Mail."
        ),
    )
    return redirect("cooperation:relay", token=token)


def _relay_claim_page(request, cooperation_request, token, form, status=200):
    return render(
        request,
        "cooperation/relay_claim.html",
        {
            "cooperation_request": cooperation_request,
            "organisation": cooperation_request.organisation,
            "form": form,
            "token": token,
            "here": reverse("cooperation:relay_claim", kwargs={"token": token}),
            "claimed": cooperation_request.relay_claimed_at is not None,
        },
        status=status,
    )
