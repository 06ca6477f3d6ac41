"""Accounts: people sign in with their e-mail address."""

from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.domains import email_domain
from core.concurrency import version_field
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
    def email_domain(self) -> str:
        return email_domain(self.email)

    @property
    def is_institution_account(self) -> bool:
        """Signed up as institution staff (verified or not)."""
        return self.account_type == self.AccountType.INSTITUTION

    @property
    def is_institution(self) -> bool:
        """A *verified* institution: sees contact data that MOs share with
        institutions only, keeps a shortlist, sends requests. An institution
        account without a verification is an ordinary signed-in user."""
        return (
            self.account_type == self.AccountType.INSTITUTION
            and self.is_active
            and hasattr(self, "institution_verification")
        )


class InstitutionVerification(models.Model):
    """The fact that an institution account is verified: by the domain of its
    confirmed address (on the allow-list, ``verified_by`` empty) or by a
    coordinator's decision. Revoking deletes it (the decision log keeps why)."""

    class Method(models.TextChoices):
        DOMAIN = "domain", _("E-Mail-Domain auf der Liste offizieller Domains")
        COORDINATOR = "coordinator", _("Entscheidung der Koordination")

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="institution_verification"
    )
    verified_at = models.DateTimeField(_("Verifiziert am"), default=timezone.now)
    verified_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Verifiziert von"),
    )
    method = models.CharField(_("Verfahren"), max_length=12, choices=Method.choices)
    reason = models.TextField(_("Begründung"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("Verifizierung einer Institution")
        verbose_name_plural = _("Verifizierungen von Institutionen")

    def __str__(self):
        return str(self.user)


class VerificationDecision(models.Model):
    """The log of what happened to an institution account's verification:
    verified (by domain or by a coordinator), refused, revoked; with why."""

    class Action(models.TextChoices):
        VERIFIED = "verified", _("verifiziert")
        REFUSED = "refused", _("abgelehnt")
        REVOKED = "revoked", _("widerrufen")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="verification_decisions")
    action = models.CharField(_("Entscheidung"), max_length=10, choices=Action.choices)
    method = models.CharField(
        _("Verfahren"), max_length=12, choices=InstitutionVerification.Method.choices
    )
    by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Von"),
    )
    reason = models.TextField(_("Begründung"), max_length=2000, blank=True)
    decided_at = models.DateTimeField(_("Am"), default=timezone.now)

    class Meta:
        verbose_name = _("Entscheidung zur Verifizierung")
        verbose_name_plural = _("Entscheidungen zur Verifizierung")
        ordering = ["-decided_at", "-pk"]

    def __str__(self):
        return f"{self.user}: {self.get_action_display()}"


class OfficialDomain(models.Model):
    """An e-mail domain of official institutions (the allow-list). An entry
    matches the domain itself and every subdomain: ``ihk.de`` matches
    ``ihk.de`` and ``schwerin.ihk.de``, never ``evilihk.de`` or
    ``ihk.de.evil.com``. Removed entries stay, with who removed them and why."""

    domain = models.CharField(_("Domain"), max_length=253)
    label = models.CharField(_("Institution"), max_length=200)
    reason = models.TextField(_("Begründung"), max_length=2000, blank=True)
    added_at = models.DateTimeField(_("Aufgenommen am"), default=timezone.now)
    added_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    removed_at = models.DateTimeField(_("Entfernt am"), null=True, blank=True)
    removed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    removed_reason = models.TextField(_("Grund der Entfernung"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("Offizielle E-Mail-Domain")
        verbose_name_plural = _("Offizielle E-Mail-Domains")
        ordering = ["domain"]
        constraints = [
            models.UniqueConstraint(
                "domain",
                condition=models.Q(removed_at__isnull=True),
                name="official_domain_unique_while_listed",
            )
        ]

    def __str__(self):
        return self.domain


class AccountReport(models.Model):
    """An MO reports an account (from a request it received): stored for the
    coordinators, who get at most one mail per period about new reports."""

    account = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="reports", verbose_name=_("Gemeldetes Konto")
    )
    reported_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Gemeldet von"),
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Für die Organisation"),
    )
    reason = models.TextField(_("Grund"), max_length=2000)
    context = models.CharField(_("Anlass"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("Eingegangen am"), default=timezone.now, db_index=True)
    notified_at = models.DateTimeField(null=True, blank=True, db_index=True)
    resolved_at = models.DateTimeField(_("Erledigt am"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Meldung eines Kontos")
        verbose_name_plural = _("Meldungen von Konten")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.account}: {self.reason[:40]}"


class InstitutionProfile(models.Model):
    """What an institution offers MOs (guide chapters 6 and 7: rooms, intercultural
    training, job shadowing, advice on funding ...), with a contact person for MOs,
    so that cooperation goes both ways and MOs can find the institution.

    Who sees what: a published profile is public, except the contact person's
    e-mail address and phone number: these are shown to signed-in members of an
    MO team, verified institutions, coordinators and the profile's editors, never
    to anonymous visitors or bots (``accounts.institutions.contact_visible``). The
    contact's name and function are public: they tell an MO whom to ask for.
    An unpublished profile exists only for its editors and coordinators (404 for
    everybody else).

    Who edits: the verified institution account that created it and the verified
    colleagues added as editors (``InstitutionEditor``), coordinators always. The
    right is checked with ``User.is_institution`` at each request, so an account
    whose verification is revoked loses it at once (its editor row stays and counts
    again if the account is verified again).
    """

    name = models.CharField(_("Name der Institution"), max_length=200)
    slug = models.SlugField(_("Kurzname in der Adresse"), max_length=220, unique=True)
    institution_type = vocabulary_term(Term.Kind.INSTITUTION_TYPE, _("Art der Institution"))
    state = vocabulary_term(Term.Kind.STATE, _("Bundesland"))
    city = models.CharField(_("Ort"), max_length=100, blank=True)
    postal_code = models.CharField(_("Postleitzahl"), max_length=5, blank=True)
    description = models.TextField(_("Kurzbeschreibung"), max_length=2000, blank=True)
    website = models.URLField(_("Website"), blank=True)
    contact_name = models.CharField(_("Ansprechperson für MO"), max_length=150, blank=True)
    contact_function = models.CharField(
        _("Funktion der Ansprechperson"), max_length=150, blank=True
    )
    contact_email = models.EmailField(_("E-Mail der Ansprechperson"), blank=True)
    contact_phone = models.CharField(_("Telefon der Ansprechperson"), max_length=40, blank=True)
    offer_details = models.TextField(_("Einzelheiten zum Angebot"), max_length=2000, blank=True)
    published = models.BooleanField(_("Veröffentlicht"), default=False)
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Angelegt von"),
    )
    created_at = models.DateTimeField(_("Angelegt am"), default=timezone.now)
    updated_at = models.DateTimeField(_("Geändert am"), default=timezone.now)
    version = version_field()

    class Meta:
        verbose_name = _("Institutionsprofil")
        verbose_name_plural = _("Institutionsprofile")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("institution_profile", args=[self.slug])


class InstitutionOffer(models.Model):
    """One kind of thing an institution offers MOs (one row per kind and profile)."""

    class Kind(models.TextChoices):
        ROOMS = "rooms", _("Räume für Treffen und Veranstaltungen")
        TRAINING = "training", _("Interkulturelle Schulungen und Fortbildungen")
        SHADOWING = "shadowing", _("Hospitationen und Austauschtage")
        FUNDING = "funding", _("Beratung zu Förderung und Finanzierung")
        LABOUR_MARKET = "labour_market", _("Fachinformationen zum Arbeitsmarkt")
        NETWORKS = "networks", _("Einbindung in Netzwerke")
        JOINT_PROJECTS = "joint_projects", _("Kooperationsprojekte und gemeinsame Anträge")
        OTHER = "other", _("Sonstiges")

    profile = models.ForeignKey(
        InstitutionProfile,
        on_delete=models.CASCADE,
        related_name="offers",
        verbose_name=_("Institutionsprofil"),
    )
    kind = models.CharField(_("Angebot"), max_length=20, choices=Kind.choices)

    class Meta:
        verbose_name = _("Angebot einer Institution")
        verbose_name_plural = _("Angebote von Institutionen")
        constraints = [
            models.UniqueConstraint(fields=["profile", "kind"], name="one_offer_kind_per_profile")
        ]

    def __str__(self):
        return f"{self.profile}: {self.get_kind_display()}"


class InstitutionEditor(models.Model):
    """A person who may edit an institution profile (while a verified institution)."""

    profile = models.ForeignKey(
        InstitutionProfile,
        on_delete=models.CASCADE,
        related_name="editors",
        verbose_name=_("Institutionsprofil"),
    )
    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="institution_profile_editing",
        verbose_name=_("Person"),
    )
    added_at = models.DateTimeField(_("Seit"), default=timezone.now)
    added_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Hinzugefügt von"),
    )

    class Meta:
        verbose_name = _("Redaktion eines Institutionsprofils")
        verbose_name_plural = _("Redaktionen von Institutionsprofilen")
        constraints = [
            models.UniqueConstraint(fields=["profile", "user"], name="one_editor_row_per_profile")
        ]

    def __str__(self):
        return f"{self.profile}: {self.user}"
