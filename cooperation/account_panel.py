"""Requests in "Mein Bereich": what the person sent (an institution) and what
waits unread for them or their organisation's team."""

from typing import cast

from django.http import HttpRequest
from django.template.loader import render_to_string

from accounts.models import User
from cooperation.models import CooperationRequest
from cooperation.services import unread_count

SHOWN = 5


def account_panel(request: HttpRequest) -> str:
    user = cast(User, request.user)  # the view requires a signed-in person
    sent = CooperationRequest.objects.filter(sender=user).select_related("organisation")
    recent = list(sent.order_by("-created_at")[:SHOWN])
    in_team = user.memberships.exists()
    if not recent and not in_team and not getattr(user, "is_institution_account", False):
        return ""
    return render_to_string(
        "cooperation/includes/account_panel.html",
        {
            "sent": recent,
            "open_count": sent.filter(status=CooperationRequest.Status.OPEN).count(),
            "unread": unread_count(user),
        },
        request=request,
    )
