"""Accounts: people sign in with their e-mail address."""

from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.security import normalise_identity
from directory.models import Term, vocabulary_term


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: Any) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.update(is_staff=True, is_superuser=True, is_active=True)
        fields.setdefault("email_verified_at", timezone.now())
        return self._create(email, password, **fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    class AccountType(models.TextChoices):
        INSTITUTION = "institution", _("Mitarbeiterin oder Mitarbeiter einer Institution")
        ORGANISATION = "organisation", _("Vertreterin oder Vertreter einer Migrantenorganisation")

    email = models.EmailField(_("E-Mail-Adresse"), unique=True)
    name = models.CharField(_("Name"), max_length=150)
    account_type = models.CharField(
        _("Ich bin"), max_length=20, choices=AccountType.choices, default=AccountType.ORGANISATION
    )
    institution_name = models.CharField(_("Name der Institution"), max_length=200, blank=True)
    institution_type = vocabulary_term(Term.Kind.INSTITUTION_TYPE, _("Art der Institution"))
    institution_state = vocabulary_term(Term.Kind.STATE, _("Bundesland der Institution"))
    language = models.CharField(
        _("Sprache für E-Mails"), max_length=5, choices=settings.LANGUAGES, default="de"
    )
    is_active = models.BooleanField(_("Aktiv"), default=True)
    is_staff = models.BooleanField(_("Zugang zur Administration"), default=False)
    date_joined = models.DateTimeField(_("Registriert am"), default=timezone.now)
    email_verified_at = models.DateTimeField(_("E-Mail bestätigt am"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("Konto")
        verbose_name_plural = _("Konten")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_case_insensitive")
        ]

    def __str__(self):
        return self.name or self.email

    def clean(self):
        """Model forms (the admin) store the address in its one form, as
        ``create_user`` does: without surrounding spaces, lower-case."""
        super().clean()
        self.email = normalise_identity(self.email)

    def get_full_name(self):
        return self.name

    def get_short_name(self):
        return self.name

    @property
    def is_institution(self) -> bool:
        """Institution staff see contact data that MOs share with institutions only."""
        return self.account_type == self.AccountType.INSTITUTION and self.is_active
