from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from cooperation.services import unread_count


def unread(request: HttpRequest) -> dict[str, object]:
    """The unread counter in the navigation: one query, only when a page shows it
    to a signed-in person."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_requests": SimpleLazyObject(lambda: unread_count(user))}
