"""An MO reports the account that sent it a request ("Konto melden")."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts import services as account_services
from accounts.forms import ReportForm
from cooperation.views import _participant_request


@login_required
def report(request, pk):
    """Only the receiving MO's team reports, and only an institution account's
    request (rate-limited: core.security.RATE_LIMITED). GET shows the form."""
    cooperation_request, side = _participant_request(request, pk)
    if side != "recipient" or not cooperation_request.sender.is_institution_account:
        raise PermissionDenied
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account_services.account_report(
            account=cooperation_request.sender,
            by=request.user,
            organisation=cooperation_request.organisation,
            reason=form.cleaned_data["reason"],
            context=cooperation_request.get_absolute_url(),
        )
        messages.success(
            request,
            _(
                "Danke. Die Koordination prüft das Konto; "
                "die Person erfährt nicht, wer gemeldet hat."
            ),
        )
        return redirect(cooperation_request)
    return render(
        request,
        "cooperation/report.html",
        {"cooperation_request": cooperation_request, "form": form},
        status=400 if form.is_bound else 200,
    )
