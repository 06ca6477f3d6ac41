from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cooperation.services import worklist
from core.access import permission_required_or_403
from core.csvexport import csv_response
from directory.access import REVIEW_PERMISSION
from portal import dashboard


@permission_required_or_403(REVIEW_PERMISSION)
def dashboard_view(request):
    by_state = dashboard.mos_by_state()
    by_role = dashboard.mos_by_role()
    areas, needs = dashboard.needs_by_state()
    return render(
        request,
        "portal/dashboard.html",
        {
            "by_state": dashboard.bars(by_state),
            "by_state_height": len(by_state) * 26,
            "by_role": dashboard.bars(by_role),
            "by_role_height": len(by_role) * 26,
            "areas": areas,
            "needs": needs,
            "work": dashboard.work_figures(),
            "offers": dashboard.offers_with_interest(),
        },
    )


@permission_required_or_403(REVIEW_PERMISSION)
def dashboard_csv(request):
    rows = []
    for figure in dashboard.mos_by_state():
        rows.append([_("MOs nach Bundesland"), figure.label, "", figure.shown])
    for figure in dashboard.mos_by_role():
        rows.append([_("MOs nach Rolle"), figure.label, "", figure.shown])
    _areas, needs = dashboard.needs_by_state()
    for state, assessed, figures in needs:
        rows.append([_("Bedarfe nach Bundesland"), state, assessed.label, assessed.shown])
        for figure in figures:
            rows.append([_("Bedarfe nach Bundesland"), state, figure.label, figure.shown])
    for figure in dashboard.work_figures():
        rows.append([_("Arbeit der Koordination"), figure.label, "", figure.shown])
    for figure in dashboard.offers_with_interest():
        rows.append([_("Interesse an Angeboten"), figure.label, "", figure.shown])
    stamp = timezone.localdate().isoformat()
    return csv_response(
        f"koordination-{stamp}.csv",
        [_("Bereich"), _("Gruppe"), _("Merkmal"), _("Anzahl")],
        rows,
        preamble=[_("Gruppen mit weniger als 5 Organisationen werden als „< 5“ ausgewiesen.")],
    )


@permission_required_or_403(REVIEW_PERMISSION)
def request_worklist(request):
    """Requests that need a coordinator: undeliverable, or unanswered for
    settings.REQUEST_UNANSWERED_DAYS; newest first. Who wrote to whom and when,
    never what they wrote (requests are private between the two sides)."""
    page = Paginator(worklist(), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/request_worklist.html",
        {"page": page, "days": settings.REQUEST_UNANSWERED_DAYS},
    )


@permission_required_or_403(REVIEW_PERMISSION)
def unreachable_list(request):
    """The old list of published profiles without team and without e-mail: now
    the tab "Ohne E-Mail" of "Profile aktuell halten" (a permanent redirect, so
    bookmarks keep working)."""
    return HttpResponsePermanentRedirect(reverse("outreach") + "?liste=ohne-e-mail")
