"""The coordinators' pages of the accounts room (under /koordination/):
institution accounts to verify, the allow-list of official e-mail domains,
reports of accounts by MOs."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts import services
from accounts.forms import OfficialDomainForm, ReasonForm, VerificationDecisionForm
from accounts.models import AccountReport, InstitutionVerification, OfficialDomain, User
from core.access import permission_required_or_403
from core.errors import bad_request
from directory.access import REVIEW_PERMISSION


def _institutions():
    return (
        get_user_model()
        .objects.filter(account_type=User.AccountType.INSTITUTION)
        .select_related("institution_type", "institution_state", "institution_verification")
        .prefetch_related("verification_decisions")
        .order_by("-date_joined")
    )


@permission_required_or_403(REVIEW_PERMISSION)
def institutions(request):
    """Institution accounts in use without a verification (to decide) and the
    verified ones (to revoke where needed)."""
    unverified_ids = services.unverified_institutions().values("pk")
    return render(
        request,
        "accounts/coordination/institutions.html",
        {
            "unverified": _institutions().filter(pk__in=unverified_ids)[:500],
            "verified": _institutions().filter(institution_verification__isnull=False)[:500],
        },
    )


@permission_required_or_403(REVIEW_PERMISSION)
def institution_decide(request, pk):
    """One institution account: its details, its decisions, and the form to
    verify, refuse or revoke (always with a reason)."""
    account = get_object_or_404(_institutions(), pk=pk)
    form = VerificationDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
        verified = hasattr(account, "institution_verification")
        if action == "verify" and not verified:
            services.institution_verify(user=account, by=request.user, reason=reason)
            messages.success(
                request, _("Das Konto ist verifiziert; die Person wird benachrichtigt.")
            )
        elif action == "refuse" and not verified:
            services.institution_refuse(user=account, by=request.user, reason=reason)
            messages.success(request, _("Abgelehnt; die Person erhält die Begründung."))
        elif action == "revoke" and verified:
            services.institution_revoke(user=account, by=request.user, reason=reason)
            messages.success(
                request, _("Die Verifizierung ist widerrufen; die Person erhält die Begründung.")
            )
        else:
            messages.error(
                request,
                _(
                    "Diese Entscheidung ist nicht mehr möglich: Das Konto wurde "
                    "inzwischen geändert. Bitte laden Sie die Seite neu."
                ),
            )
        return redirect("institution_decide", pk=account.pk)
    return render(
        request,
        "accounts/coordination/institution.html",
        {
            "account": account,
            "verification": getattr(account, "institution_verification", None),
            "domain": account.email.rpartition("@")[2],
            "listed": services.official_domain_of(account.email),
            "decisions": account.verification_decisions.select_related("by"),
            "form": form,
        },
        status=400 if form.is_bound else 200,
    )


@permission_required_or_403(REVIEW_PERMISSION)
def domains(request):
    """The allow-list: listed and removed domains; add one with a reason."""
    form = OfficialDomainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry, verified = services.official_domain_add(by=request.user, **form.cleaned_data)
        except services.DomainError:
            form.add_error("domain", _("Diese Domain steht schon auf der Liste."))
        else:
            messages.success(
                request,
                _(
                    "%(domain)s steht auf der Liste; "
                    "%(count)d bestehende Konten sind damit verifiziert."
                )
                % {"domain": entry.domain, "count": verified},
            )
            return redirect("official_domains")
    entries = OfficialDomain.objects.select_related("added_by", "removed_by")
    return render(
        request,
        "accounts/coordination/domains.html",
        {
            "listed": entries.filter(removed_at__isnull=True),
            "removed": entries.filter(removed_at__isnull=False).order_by("-removed_at")[:200],
            "form": form,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@permission_required_or_403(REVIEW_PERMISSION)
def domain_remove(request, pk):
    entry = get_object_or_404(OfficialDomain, pk=pk, removed_at__isnull=True)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        still = services.official_domain_remove(
            entry=entry, by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(
            request,
            _(
                "%(domain)s ist von der Liste entfernt. %(count)d über diese Domain verifizierte "
                "Konten bleiben verifiziert; widerrufen Sie sie einzeln, wo nötig."
            )
            % {"domain": entry.domain, "count": still},
        )
        return redirect("official_domains")
    verified = InstitutionVerification.objects.filter(
        method=InstitutionVerification.Method.DOMAIN, reason=entry.domain
    ).select_related("user")
    return render(
        request,
        "accounts/coordination/domain_remove.html",
        {"entry": entry, "form": form, "verified": verified},
        status=400 if form.is_bound else 200,
    )


@permission_required_or_403(REVIEW_PERMISSION)
def reports(request):
    """Reports of accounts by MOs, open ones first; "erledigt" closes one."""
    if request.method == "POST":
        pk = request.POST.get("done", "")
        if not pk.isdigit():
            return bad_request(request)
        report = AccountReport.objects.filter(pk=int(pk)).first()
        if report is None:
            raise Http404
        services.account_report_resolve(report=report, by=request.user)
        messages.success(request, _("Die Meldung ist als erledigt markiert."))
        return redirect("account_reports")
    queryset = AccountReport.objects.select_related(
        "account", "account__institution_verification", "reported_by", "organisation"
    )
    return render(
        request,
        "accounts/coordination/reports.html",
        {
            "open": queryset.filter(resolved_at__isnull=True)[:500],
            "resolved": queryset.filter(resolved_at__isnull=False)[:100],
        },
    )
