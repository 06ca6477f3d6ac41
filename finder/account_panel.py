"""An institution's part of "Mein Bereich": its shortlist and saved searches."""

from typing import cast

from django.http import HttpRequest
from django.template.loader import render_to_string

from accounts.models import User
from finder.models import SavedSearch, ShortlistEntry

SHOWN = 5


def account_panel(request: HttpRequest) -> str:
    user = cast(User, request.user)  # the view requires a signed-in person
    if not getattr(user, "is_institution_account", False):
        return ""
    shortlist = ShortlistEntry.objects.filter(user=user).select_related("organisation")
    return render_to_string(
        "finder/includes/account_panel.html",
        {
            "shortlist": list(shortlist.order_by("-created_at")[:SHOWN]),
            "shortlist_count": shortlist.count(),
            "searches": list(SavedSearch.objects.filter(user=user)[:SHOWN]),
        },
        request=request,
    )
