"""The portal's access decorators, composed from Django's own in one place.

Every protected page answers the same way: an anonymous visitor is sent to the
login page (with ``next``), a signed-in user without the right gets the 403 page.
Django's ``permission_required``/``user_passes_test`` alone would either send the
signed-in user to the login page too, or (``raise_exception=True``) answer 403 to
anonymous visitors as well; ``login_required`` in front gives both answers.

Rights on a single object (a profile, an assessment) are checked by an access
helper of the room that owns the object (``directory/access.py``,
``support/access.py``): it fetches the object, checks the user's right and raises
``PermissionDenied`` or ``Http404``. ``object_access_required`` puts
``login_required`` in front of such a helper.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required, permission_required, user_passes_test
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

View = TypeVar("View", bound=Callable[..., Any])
AnyUser = AbstractBaseUser | AnonymousUser


def permission_required_or_403(*perms: str) -> Callable[[View], View]:
    """``login_required``, then ``permission_required(..., raise_exception=True)``."""

    def decorator(view: View) -> View:
        return login_required(permission_required(perms, raise_exception=True)(view))

    return decorator


def user_passes_test_or_403(test: Callable[[AnyUser], bool]) -> Callable[[View], View]:
    """``login_required``, then ``user_passes_test`` answering 403 instead of a redirect."""

    def passes_or_denied(user: AnyUser) -> bool:
        if not test(user):
            raise PermissionDenied
        return True

    def decorator(view: View) -> View:
        return login_required(user_passes_test(passes_or_denied)(view))

    return decorator


def object_access_required(
    helper: Callable[[HttpRequest, str], tuple[Any, ...]],
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """``login_required``, then the access helper ``helper(request, slug)``; the view
    gets the helper's objects in place of the slug.

    A decorator rather than a call in the view, so that the right is checked
    before ``require_POST`` looks at the method (403/404, not 405, for outsiders).
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            return view(request, *helper(request, slug), *args, **kwargs)

        return wrapped

    return decorator
