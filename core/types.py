"""Types for annotations that every room may use.

``User`` is the user model of ``settings.AUTH_USER_MODEL``: for mypy, the
django-stubs plugin resolves the stubs' ``_User`` alias to that model (so a room
below ``accounts`` can name its users without importing it); at runtime, where
only annotations use it, it is Django's abstract base of every user model.
"""

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import _User as User
else:
    from django.contrib.auth.base_user import AbstractBaseUser as User

__all__ = ["AuthenticatedHttpRequest", "User"]


class AuthenticatedHttpRequest(HttpRequest):
    """A request of a signed-in user (behind ``login_required`` or an access check)."""

    user: User
