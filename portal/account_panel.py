"""A coordinator's part of "Mein Bereich": the tasks, each with its count and
its list (portal.dashboard.work_figures, and the claims and feedback)."""

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from directory.access import REVIEW_PERMISSION
from directory.models import Claim
from portal.dashboard import Figure, work_figures
from portal.models import Feedback


def account_panel(request: HttpRequest) -> str:
    if not request.user.has_perm(REVIEW_PERMISSION):
        return ""
    tasks = [
        *work_figures(),
        Figure(
            _("Anfragen zur Übernahme eines Profils"),
            Claim.objects.filter(status=Claim.Status.PENDING).count(),
            reverse("directory:review_queue"),
        ),
        Figure(
            _("Rückmeldungen zur Barrierefreiheit"),
            Feedback.objects.count(),
            reverse("feedback_list"),
        ),
    ]
    return render_to_string("portal/includes/account_panel.html", {"tasks": tasks}, request=request)
