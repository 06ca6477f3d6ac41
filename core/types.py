"""Types for annotations that every room may use.

``User`` is the user model of ``settings.AUTH_USER_MODEL``: for mypy, the
django-stubs plugin resolves the stubs' ``_User`` alias to that model, so a room
below ``accounts`` can name its users without importing it. At runtime, where
only annotations use it, it is Django's abstract base of every user model.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import _User as User
else:
    from django.contrib.auth.base_user import AbstractBaseUser as User

__all__ = ["User"]
