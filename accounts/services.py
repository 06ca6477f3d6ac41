"""Accounts: sign-up with e-mail verification, personal data export, deletion."""

import datetime
from collections.abc import Callable
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts import institution_services
from accounts.domains import SEED, matching_entry, normalise_domain
from accounts.models import (
    AccountReport,
    InstitutionVerification,
    OfficialDomain,
    User,
    VerificationDecision,
)
from accounts.roles import COORDINATOR_GROUP
from core.siteurl import site_url
from directory.models import Organisation, Term
from directory.services import notify_reviewers_once_per
from directory.team import memberships_end
from mailer.models import OutgoingMail
from mailer.services import mail_user

VERIFY_SALT = "portal.verify-email"
STATE_SALT = "portal.verify-email.state"


def _registration_state(user: User) -> str:
    """A fingerprint of the registration: it changes when the password changes
    (a replacing sign-up, a reset), when the address changes and when the address
    is verified, so a link made for one state is worth nothing in the next."""
    verified = user.email_verified_at.isoformat() if user.email_verified_at else ""
    value = f"{user.password}\n{user.email.lower()}\n{verified}"
    return salted_hmac(STATE_SALT, value, algorithm="sha256").hexdigest()


def verification_token(user: User) -> str:
    return signing.dumps({"user": user.pk, "state": _registration_state(user)}, salt=VERIFY_SALT)


class Verification(NamedTuple):
    """What a verification link stands for: the account, the registration state
    the link was made for, and whether the account is still in that state and
    unverified (``current``)."""

    user: User
    state: str
    current: bool


def read_verification_token(token: str) -> Verification | None:
    """The account of a verification link, or None for a forged or expired link
    or a deleted account. A link of an account that is verified by now is not
    current (whichever way it was verified); nor is one whose registration was
    replaced or whose password changed."""
    try:
        data = signing.loads(
            token, salt=VERIFY_SALT, max_age=settings.EMAIL_VERIFICATION_DAYS * 24 * 3600
        )
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user_id, state = data.get("user"), data.get("state")
    if not isinstance(user_id, int) or not isinstance(state, str):
        return None  # a link of the earlier format: its account asks for a new one
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return None
    current = user.email_verified_at is None and constant_time_compare(
        state, _registration_state(user)
    )
    return Verification(user, state, current)


def send_verification(user: User) -> None:
    url = site_url() + reverse("verify_email", kwargs={"token": verification_token(user)})
    mail_user(user, "verify-email", {"url": url, "days": settings.EMAIL_VERIFICATION_DAYS})


def unverified_registrations() -> QuerySet[User]:
    """Registrations that nobody has completed: never verified, never active,
    never signed in. Only these may be replaced by a later sign-up or purged
    (an account an administrator created, active but without a verified
    address, is somebody's account and is left alone)."""
    return get_user_model().objects.filter(
        email_verified_at__isnull=True, is_active=False, last_login__isnull=True
    )


def _registration_for(email: str) -> User | None:
    found: User | None = get_user_model().objects.filter(email__iexact=email).first()
    return found


@transaction.atomic
def signup(
    *,
    email: str,
    password: str,
    language: str,
    name: str,
    account_type: str,
    institution_name: str = "",
    institution_type: Term | None = None,
    institution_state: Term | None = None,
) -> User | None:
    """Register an address and send the verification link.

    A sign-up for an address with an unverified registration *replaces* that
    registration (password, name, type, institution, language, date) in one
    conditional UPDATE: whoever registered the address first gets nothing, and
    their link stops working (the password is part of the link's state). For an
    address with an account in use the owner gets a note instead and nothing
    changes. The answer on the page is the same in every case, and so is the
    work done (one password hash; SELECT, a savepoint around one INSERT or
    UPDATE, one mail INSERT), so that neither tells which addresses have
    accounts. Returns the new or replaced registration, or None.
    """
    email = get_user_model().objects.normalize_email(email.strip()).lower()
    encoded = make_password(password)  # in every path: the same work for every address
    fields: dict[str, Any] = {
        "password": encoded,
        "name": name,
        "account_type": account_type,
        "institution_name": institution_name,
        "institution_type": institution_type,
        "institution_state": institution_state,
        "language": language,
        "date_joined": timezone.now(),
    }
    existing = _registration_for(email)
    if existing is None:
        try:
            with transaction.atomic():
                user = get_user_model().objects.create(email=email, is_active=False, **fields)
        except IntegrityError:
            # A parallel sign-up for the same address was faster: replace its
            # registration like any other unverified one.
            existing = _registration_for(email)
            if existing is None:  # pragma: no cover - it was deleted meanwhile
                raise
        else:
            send_verification(user)
            return user
    assert existing is not None  # found, or found after the failed INSERT
    with transaction.atomic():  # the same savepoint as around the INSERT above
        replaced = unverified_registrations().filter(email__iexact=email).update(**fields)
    if not replaced:
        mail_user(existing, "signup-existing", {"login_url": site_url() + reverse("login")})
        return None
    for field, value in fields.items():
        setattr(existing, field, value)
    send_verification(existing)
    return existing


def complete_verification(verification: Verification) -> User | None:
    """Mark the address verified and the account active, if the registration is
    still the one the link was made for (checked again under a row lock, so two
    submissions verify once). Returns the verified account or None."""
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().filter(pk=verification.user.pk).first()
        if user is None or user.email_verified_at is not None:
            return None
        if not constant_time_compare(verification.state, _registration_state(user)):
            return None
        user.email_verified_at = timezone.now()
        user.is_active = True
        user.save(update_fields=["email_verified_at", "is_active"])
        institution_verify_by_domain(user=user)
    return user


# -- Verified institutions ------------------------------------------------------------


def listed_domains() -> list[str]:
    """The allow-list of official e-mail domains (entries not removed)."""
    return list(
        OfficialDomain.objects.filter(removed_at__isnull=True).values_list("domain", flat=True)
    )


def official_domains_seed() -> int:
    """Add the shipped entries (accounts.domains.SEED) that were never listed (a
    removed entry stays removed); for installations and tests after a flush.
    Returns how many were added."""
    known = set(OfficialDomain.objects.values_list("domain", flat=True))
    missing = [(domain, label) for domain, label in SEED if domain not in known]
    OfficialDomain.objects.bulk_create(
        OfficialDomain(domain=domain, label=label, reason="Grundausstattung der Liste")
        for domain, label in missing
    )
    return len(missing)


def official_domain_of(email: str) -> str | None:
    """The listed entry that the address's domain matches (itself or a parent), or None."""
    return matching_entry(email, listed_domains())


def unverified_institutions() -> QuerySet[User]:
    """Institution accounts in use (address confirmed, active) without a verification."""
    return get_user_model().objects.filter(
        account_type=User.AccountType.INSTITUTION,
        is_active=True,
        email_verified_at__isnull=False,
        institution_verification__isnull=True,
    )


def _decision(
    *, user: User, action: str, method: str, by: User | None, reason: str
) -> VerificationDecision:
    return VerificationDecision.objects.create(
        user=user, action=action, method=method, by=by, reason=reason
    )


def _last_decision_is_a_no(user: User) -> bool:
    last = VerificationDecision.objects.filter(user=user).order_by("-decided_at", "-pk").first()
    return last is not None and last.action in (
        VerificationDecision.Action.REFUSED,
        VerificationDecision.Action.REVOKED,
    )


def _verify(
    *, user: User, method: str, by: User | None, reason: str
) -> InstitutionVerification | None:
    """Record the verification once (under a row lock on the account); None if
    the account is no institution account in use or is verified already."""
    locked = get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if locked is None or locked.account_type != User.AccountType.INSTITUTION:
        return None
    if InstitutionVerification.objects.filter(user=locked).exists():
        return None
    verification = InstitutionVerification.objects.create(
        user=locked, method=method, verified_by=by, reason=reason
    )
    _decision(
        user=locked,
        action=VerificationDecision.Action.VERIFIED,
        method=method,
        by=by,
        reason=reason,
    )
    user.institution_verification = verification  # this object knows it too
    return verification


@transaction.atomic
def institution_verify_by_domain(*, user: User) -> InstitutionVerification | None:
    """Verify an institution account whose confirmed address is on a listed
    domain (itself or a subdomain). Not after a coordinator refused or revoked
    the account's verification: their decision stands until they change it."""
    if user.account_type != User.AccountType.INSTITUTION or user.email_verified_at is None:
        return None
    entry = official_domain_of(user.email)
    if entry is None or _last_decision_is_a_no(user):
        return None
    return _verify(user=user, method=InstitutionVerification.Method.DOMAIN, by=None, reason=entry)


@transaction.atomic
def institution_verify(*, user: User, by: User, reason: str) -> InstitutionVerification | None:
    """A coordinator verifies an institution account, with a reason; the person
    is told in their language. None if it was verified already."""
    verification = _verify(
        user=user, method=InstitutionVerification.Method.COORDINATOR, by=by, reason=reason
    )
    if verification is not None:
        mail_user(user, "institution-verified", {"account_url": _account_url()})
    return verification


@transaction.atomic
def institution_refuse(*, user: User, by: User, reason: str) -> VerificationDecision:
    """A coordinator refuses to verify an (unverified) institution account; the
    person gets the reason in their language. The account stays usable as an
    ordinary account."""
    decision = _decision(
        user=user,
        action=VerificationDecision.Action.REFUSED,
        method=InstitutionVerification.Method.COORDINATOR,
        by=by,
        reason=reason,
    )
    mail_user(user, "institution-refused", {"reason": reason, "account_url": _account_url()})
    return decision


@transaction.atomic
def institution_revoke(*, user: User, by: User, reason: str) -> bool:
    """A coordinator revokes a verification (whichever way it was made); the
    person gets the reason. A later domain match does not verify the account
    again: only a coordinator does. False if it was not verified."""
    deleted, _detail = InstitutionVerification.objects.filter(user=user).delete()
    if not deleted:
        return False
    _decision(
        user=user,
        action=VerificationDecision.Action.REVOKED,
        method=InstitutionVerification.Method.COORDINATOR,
        by=by,
        reason=reason,
    )
    user._state.fields_cache.pop("institution_verification", None)  # this object forgets it
    mail_user(user, "institution-revoked", {"reason": reason, "account_url": _account_url()})
    return True


def _account_url() -> str:
    return site_url() + reverse("account")


class DomainError(ValueError):
    """The domain cannot be listed (malformed, or listed already)."""


@transaction.atomic
def official_domain_add(
    *, domain: str, label: str, reason: str, by: User | None
) -> tuple[OfficialDomain, int]:
    """List a domain; institution accounts in use whose confirmed address is on
    it (or a subdomain) become verified at once and are told so: the domain
    proves what it proves at sign-up, control of a mailbox of the institution.
    Accounts a coordinator refused or revoked are left to the coordinators.
    Returns the entry and how many accounts it verified."""
    domain = normalise_domain(domain)
    if "." not in domain or " " in domain or "@" in domain:
        raise DomainError(domain)
    if OfficialDomain.objects.filter(domain=domain, removed_at__isnull=True).exists():
        raise DomainError(domain)
    try:
        with transaction.atomic():
            entry = OfficialDomain.objects.create(
                domain=domain, label=label, reason=reason, added_by=by
            )
    except IntegrityError as error:  # listed by a parallel request
        raise DomainError(domain) from error
    verified = 0
    for user in unverified_institutions().filter(email__iendswith=domain):
        if matching_entry(user.email, [domain]) is None or _last_decision_is_a_no(user):
            continue  # "xarbeitsagentur.de" ends with the text, but is no subdomain
        if _verify(user=user, method=InstitutionVerification.Method.DOMAIN, by=None, reason=domain):
            mail_user(user, "institution-verified", {"account_url": _account_url()})
            verified += 1
    return entry, verified


@transaction.atomic
def official_domain_remove(*, entry: OfficialDomain, by: User | None, reason: str) -> int:
    """Take a domain off the list (kept, with who and why). Accounts verified
    through it stay verified: a removal corrects the list for future sign-ups,
    and each account is somebody's working access, so a coordinator revokes
    them one by one where needed. Returns how many accounts were verified
    through the domain (the page says so)."""
    OfficialDomain.objects.filter(pk=entry.pk, removed_at__isnull=True).update(
        removed_at=timezone.now(), removed_by=by, removed_reason=reason
    )
    return InstitutionVerification.objects.filter(
        method=InstitutionVerification.Method.DOMAIN, reason=entry.domain
    ).count()


@transaction.atomic
def account_report(
    *,
    account: User,
    by: User,
    organisation: Organisation | None,
    reason: str,
    context: str = "",
) -> AccountReport:
    """An MO reports an account. Coordinators get at most one mail per
    settings.ACCOUNT_REPORT_NOTIFY_MINUTES about new reports: the mail names
    nobody and carries nothing anybody typed, only the number of open reports
    and the link to the list. The coordinators' group row is locked while
    deciding, so parallel reports mail once."""
    from django.contrib.auth.models import Group

    list(Group.objects.select_for_update().filter(name=COORDINATOR_GROUP))
    report = AccountReport.objects.create(
        account=account, reported_by=by, organisation=organisation, reason=reason, context=context
    )
    notify_reviewers_once_per(
        report,
        minutes=settings.ACCOUNT_REPORT_NOTIFY_MINUTES,
        template="account-reported",
        context={
            "count": AccountReport.objects.filter(resolved_at__isnull=True).count(),
            "url": site_url() + reverse("account_reports"),
        },
    )
    return report


def account_report_resolve(*, report: AccountReport, by: User) -> None:
    AccountReport.objects.filter(pk=report.pk, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=by
    )


def purge_unverified(*, now: datetime.datetime | None = None) -> int:
    """Delete registrations that were not verified within
    EMAIL_VERIFICATION_DAYS (their links have expired) and that have no
    memberships. Returns how many."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.EMAIL_VERIFICATION_DAYS)
    stale = unverified_registrations().filter(date_joined__lt=cutoff, memberships__isnull=True)
    count = 0
    for user in stale:
        delete_account(user)
        count += 1
    return count


def export_personal_data(user: User) -> dict[str, Any]:
    """Everything the portal keeps about a person (DSGVO Art. 15 and 20)."""

    def iso(value: object) -> object:
        return value.isoformat() if isinstance(value, datetime.date | datetime.datetime) else value

    data: dict[str, Any] = {
        "account": {
            "email": user.email,
            "name": user.name,
            "account_type": user.account_type,
            "institution_name": user.institution_name,
            "institution_type": user.institution_type.slug if user.institution_type else None,
            "institution_state": user.institution_state.slug if user.institution_state else None,
            "language": user.language,
            "date_joined": iso(user.date_joined),
            "email_verified_at": iso(user.email_verified_at),
            "last_login": iso(user.last_login),
        },
        "institution_verification": [
            {
                "action": d.action,
                "method": d.method,
                "reason": d.reason,
                "decided_at": iso(d.decided_at),
            }
            for d in user.verification_decisions.all()
        ],
        "memberships": [
            {"organisation": m.organisation.slug, "role": m.role, "since": iso(m.created_at)}
            for m in user.memberships.select_related("organisation")
        ],
        "claims": [
            {
                "organisation": c.organisation.slug,
                "message": c.message,
                "status": c.status,
                "close_reason": c.close_reason,
                "created_at": iso(c.created_at),
                "decided_at": iso(c.decided_at),
            }
            for c in user.claims.select_related("organisation")
        ],
        "guide_notes": [
            {"chapter": n.chapter.slug, "text": n.text, "updated_at": iso(n.updated_at)}
            for n in user.guide_notes.select_related("chapter")
        ],
        "emails": [
            {"subject": m.subject, "created_at": iso(m.created_at), "status": m.status}
            for m in OutgoingMail.objects.filter(to__iexact=user.email)
        ],
        "shortlist": [
            {"organisation": e.organisation.slug, "note": e.note, "created_at": iso(e.created_at)}
            for e in user.shortlist.select_related("organisation")
        ],
        "saved_searches": [
            {
                "name": s.name,
                "query": s.query,
                "created_at": iso(s.created_at),
                "weekly_alert": s.alert,
            }
            for s in user.saved_searches.all()
        ],
        "profile_changes": [
            {
                "organisation": r.slug,
                "date": iso(r.history_date),
                "reason": r.history_change_reason,
            }
            for r in _profile_changes_by(user)
        ],
        "profile_changes_for_review": [
            {
                "organisation": r.organisation.slug,
                "date": iso(r.history_date),
                "content": r.content,
            }
            for r in _revision_saves_by(user)
        ],
        "institution_profiles": [
            {"profile": e.profile.slug, "name": e.profile.name, "editor_since": iso(e.added_at)}
            for e in user.institution_profile_editing.select_related("profile")
        ],
    }
    for contributor in EXPORT_CONTRIBUTORS:
        data.update(contributor(user))
    return data


# Later parts of the portal register functions user -> {section: data} here.
EXPORT_CONTRIBUTORS: list[Callable[[User], dict[str, Any]]] = []
DELETE_CONTRIBUTORS: list[Callable[[User], None]] = []


def _profile_changes_by(user: User) -> QuerySet[Any]:
    from directory.models import Organisation

    changes: QuerySet[Any] = Organisation.history.filter(history_user=user).only(
        "slug", "history_date", "history_change_reason"
    )
    return changes


def _revision_saves_by(user: User) -> QuerySet[Any]:
    """The user's saves of changes that waited for review (each version of a
    pending revision of a published profile)."""
    from directory.models import ProfileRevision

    saves: QuerySet[Any] = ProfileRevision.history.filter(history_user=user).select_related(
        "organisation"
    )
    return saves


@transaction.atomic
def delete_account(user: User) -> None:
    """Delete the account and what is personal to it.

    Memberships, claims, notes go with the account. Versions of profiles and of
    the guide stay (they belong to the organisation) with the author removed.
    An MO whose last owner leaves stays intact; coordinators re-assign it. An
    institution profile loses the person as its contact and, without another
    editor, its publication (``institution_services.editor_leaves``).
    """
    from axes.models import AccessAttempt, AccessFailureLog

    for contributor in DELETE_CONTRIBUTORS:
        contributor(user)
    institution_services.editor_leaves(user)
    memberships_end(user=user)
    OutgoingMail.objects.filter(to__iexact=user.email).delete()
    AccessAttempt.objects.filter(username__iexact=user.email).delete()
    AccessFailureLog.objects.filter(username__iexact=user.email).delete()
    user.delete()
