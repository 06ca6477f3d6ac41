"""What the rooms above accounts add to "Mein Bereich" (accounts.views.account):
each registers, in its AppConfig.ready, a function (request) -> HTML or "" that
returns its part for the signed-in person's role (finder: an institution's
shortlist and saved searches; cooperation: requests; portal: the coordinators'
tasks). Accounts knows none of them."""

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

AccountPanel = Callable[[HttpRequest], str]

account_panels: list[tuple[int, AccountPanel]] = []


def register(panel: AccountPanel, *, order: int = 50) -> None:
    """Add ``panel`` once; a lower ``order`` is shown first."""
    if any(existing is panel for _order, existing in account_panels):
        return
    account_panels.append((order, panel))
    account_panels.sort(key=lambda entry: entry[0])


def render_all(request: HttpRequest) -> SafeString:
    return mark_safe("".join(str(panel(request) or "") for _order, panel in account_panels))
