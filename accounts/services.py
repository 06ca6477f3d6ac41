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

from accounts.models import User
from core.siteurl import site_url
from directory.models import Term
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
    return user


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
        "memberships": [
            {"organisation": m.organisation.slug, "role": m.role, "since": iso(m.created_at)}
            for m in user.memberships.select_related("organisation")
        ],
        "claims": [
            {
                "organisation": c.organisation.slug,
                "message": c.message,
                "status": c.status,
                "created_at": iso(c.created_at),
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
            {"name": s.name, "query": s.query, "created_at": iso(s.created_at)}
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


@transaction.atomic
def delete_account(user: User) -> None:
    """Delete the account and what is personal to it.

    Memberships, claims, notes go with the account. Versions of profiles and of
    the guide stay (they belong to the organisation) with the author removed.
    An MO whose last owner leaves stays intact; coordinators re-assign it.
    """
    from axes.models import AccessAttempt, AccessFailureLog

    for contributor in DELETE_CONTRIBUTORS:
        contributor(user)
    memberships_end(user=user)
    OutgoingMail.objects.filter(to__iexact=user.email).delete()
    AccessAttempt.objects.filter(username__iexact=user.email).delete()
    AccessFailureLog.objects.filter(username__iexact=user.email).delete()
    user.delete()
