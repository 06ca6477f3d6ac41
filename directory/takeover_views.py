"""Taking a profile over with an invitation (directory.outreach): the one-time
link from an e-mail, the code from a letter; and the coordinator's button that
sends one (an e-mail, or a letter to print).

A person without an account keeps the invitation while signing up: the link's
token (or the letter's code) is kept in the session, never in a URL, and the
page offers "Konto anlegen" and "Anmelden" with ``next`` set to the page
that continues (``takeover_resume``, no secret in it). Sign-up keeps that
``next`` in the session too (accounts.views), so after the verification link
(opened in the same browser) or the first login the person is back here."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.access import permission_required_or_403
from core.text import before_stop
from directory import outreach
from directory.access import REVIEW_PERMISSION
from directory.models import Organisation, TakeoverInvitation

REASONS = {
    "used": gettext_lazy("Diese Einladung wurde schon benutzt. Sie gilt nur einmal."),
    "revoked": gettext_lazy(
        "Es gibt eine neuere Einladung für dieses Profil. Bitte nehmen Sie die neueste."
    ),
    "expired": gettext_lazy("Diese Einladung ist abgelaufen."),
    "has team": gettext_lazy(
        "Dieses Profil hat inzwischen ein Team. Bitte wenden Sie sich an die Personen im "
        "Team oder an die Koordination."
    ),
}


# The invitation this browser is taking over: {"token": ...} from a link or
# {"code": ...} from a letter (server-side session: the secret stays out of
# URLs, logs and Referer headers while the person signs up or signs in).
PENDING_SESSION_KEY = "directory.takeover"


def _remember(request, *, token="", code=""):
    request.session[PENDING_SESSION_KEY] = {"token": token} if token else {"code": code}


def _forget(request):
    """The kept token or code is used, or no longer works: out of the session."""
    request.session.pop(PENDING_SESSION_KEY, None)


def _pending(request):
    data = request.session.get(PENDING_SESSION_KEY)
    invitation = None
    if isinstance(data, dict) and isinstance(data.get("token"), str):
        invitation = outreach.invitation_by_token(data["token"])
    elif isinstance(data, dict) and isinstance(data.get("code"), str):
        invitation = outreach.invitation_by_code(data["code"])
    if invitation is None and data is not None:
        _forget(request)
    return invitation


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Einladungscode"),
        max_length=40,
        help_text=gettext_lazy("16 Zeichen aus Ihrem Brief, zum Beispiel ABCD-EFGH-JKMN-PQRS."),
    )

    def clean_code(self) -> str:
        code = outreach.normalise_code(self.cleaned_data["code"])
        if len(code) != outreach.CODE_LENGTH:
            raise forms.ValidationError(
                _("Der Code hat 16 Buchstaben und Ziffern. Bitte prüfen Sie Ihre Eingabe.")
            )
        return code


def _taken_over(request, organisation):
    _forget(request)
    messages.success(
        request,
        _(
            "Sie sind jetzt verantwortlich für das Profil von %(name)s. Bitte prüfen Sie "
            "die Angaben und bestätigen Sie, dass sie aktuell sind."
        )
        % {"name": before_stop(organisation.name)},
    )
    return redirect("directory:edit", slug=organisation.slug)


def _redeem(request, invitation):
    """Take over, or the reason why not (a message)."""
    try:
        outreach.invitation_redeem(invitation=invitation, user=request.user)
    except outreach.OutreachError as error:
        return str(REASONS.get(str(error), REASONS["expired"]))
    return ""


@never_cache
def takeover_link(request, token):
    """The link from the invitation e-mail: who the profile is, then sign in (or
    sign up first) and take it over with one click."""
    invitation = outreach.invitation_by_token(token)
    if invitation is None:
        return render(request, "directory/takeover/invalid.html", status=404)
    reason = outreach.invitation_open_for(invitation)
    if reason and request.session.get(PENDING_SESSION_KEY) == {"token": token}:
        _forget(request)  # kept while it worked; used or expired since
    if not reason and not request.user.is_authenticated:
        _remember(request, token=token)
        if request.method == "POST":  # signed out meanwhile: on without the token
            return redirect("directory:takeover_resume")
    if request.method == "POST" and not reason:
        response = _take_over(request, invitation)
    else:
        response = _page(request, invitation, reason)
    # The token is in this page's address: links from it (sign up, sign in, the
    # profile) send no Referer, so it reaches no log but the link's own.
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
def takeover_resume(request):
    """The invitation this browser opened (a link) or typed (a code), kept in
    the session: where sign-up and sign-in lead back to. Nothing kept: the
    code page."""
    invitation = _pending(request)
    if invitation is None:
        return redirect("directory:takeover_code")
    reason = outreach.invitation_open_for(invitation)
    if reason:
        _forget(request)
    elif request.method == "POST":
        return _take_over(request, invitation)
    return _page(request, invitation, reason)


@login_required  # signed out meanwhile: the login page, then back here
def _take_over(request, invitation):
    reason = _redeem(request, invitation)
    if not reason:
        return _taken_over(request, invitation.organisation)
    _forget(request)
    return _render(request, invitation, str(reason), status=409)


def _page(request, invitation, reason):
    return _render(
        request,
        invitation,
        str(REASONS.get(reason, "")) if reason else "",
        status=409 if reason == "has team" else (410 if reason else 200),
    )


def _render(request, invitation, reason, *, status):
    return render(
        request,
        "directory/takeover/link.html",
        {
            "invitation": invitation,
            "organisation": invitation.organisation,
            "reason": reason,
            "resume_url": reverse("directory:takeover_resume"),
        },
        status=status,
    )


@never_cache
def takeover_code(request):
    """'Einladungscode eingeben': the code from a letter. Signed out, a right
    code is kept in the session and the person signs up or signs in first
    (takeover_resume). Every POST counts against the rate limit
    (core.security), right or wrong."""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        invitation = outreach.invitation_by_code(form.cleaned_data["code"])
        if invitation is None:
            form.add_error(
                "code", _("Diesen Code kennen wir nicht. Bitte prüfen Sie jedes Zeichen.")
            )
        else:
            state = outreach.invitation_open_for(invitation)
            reason = str(REASONS.get(state, REASONS["expired"])) if state else ""
            if not reason and not request.user.is_authenticated:
                _remember(request, code=form.cleaned_data["code"])
                return redirect("directory:takeover_resume")
            reason = reason or _redeem(request, invitation)
            if not reason:
                return _taken_over(request, invitation.organisation)
            form.add_error("code", reason)
    return render(
        request,
        "directory/takeover/code.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


@never_cache
@permission_required_or_403(REVIEW_PERMISSION)
@require_POST
def takeover_invite(request, slug):
    """A coordinator invites a profile without a team: an e-mail (queued), or a
    letter shown once to print (its code is stored only as a hash)."""
    organisation = get_object_or_404(Organisation.objects.published(), slug=slug)
    channel = request.POST.get("channel")
    if channel not in TakeoverInvitation.Channel.values:
        messages.error(request, _("Bitte wählen Sie E-Mail oder Brief."))
        return redirect("directory:review", slug=slug)
    try:
        issued = outreach.invitation_issue(
            organisation=organisation, channel=channel, by=request.user
        )
    except outreach.OutreachError as error:
        messages.error(
            request,
            {
                "has team": _("Dieses Profil hat ein Team: Es braucht keine Einladung."),
                "no email": _("Für dieses Profil ist keine E-Mail-Adresse bekannt."),
                "no address": _("Für dieses Profil ist keine vollständige Postanschrift bekannt."),
            }.get(str(error), str(error)),
        )
        return redirect("directory:review", slug=slug)
    if channel == TakeoverInvitation.Channel.EMAIL:
        messages.success(
            request, _("Die Einladung ist unterwegs an %(email)s.") % {"email": organisation.email}
        )
        return redirect("directory:review", slug=slug)
    return render(
        request,
        "directory/takeover/letter.html",
        {
            "organisation": organisation,
            "issued": issued,
            "code_url": outreach.code_url(),
        },
    )
