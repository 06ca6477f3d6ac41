"""Accounts: sign-up with e-mail verification, personal data export, deletion."""

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from directory.team import memberships_end
from mailer.models import OutgoingMail
from mailer.services import mail_user

VERIFY_SALT = "portal.verify-email"


def verification_token(user: User) -> str:
    return signing.dumps({"user": user.pk, "email": user.email}, salt=VERIFY_SALT)


def user_from_verification_token(token: str) -> User | None:
    try:
        data = signing.loads(
            token, salt=VERIFY_SALT, max_age=settings.EMAIL_VERIFICATION_DAYS * 24 * 3600
        )
    except signing.BadSignature:
        return None
    return get_user_model().objects.filter(pk=data.get("user"), email=data.get("email")).first()


def send_verification(user: User) -> None:
    url = settings.SITE_URL + reverse("verify_email", kwargs={"token": verification_token(user)})
    mail_user(user, "verify-email", {"url": url, "days": settings.EMAIL_VERIFICATION_DAYS})


@transaction.atomic
def signup(*, email: str, password: str, language: str, **fields: Any) -> User | None:
    """Create an inactive account and send the verification link.

    For an address that has an account already, the owner of that address gets
    a note instead: the answer on the page is the same, so sign-up does not
    tell anybody which addresses have accounts.
    """
    users = get_user_model().objects
    email = email.strip().lower()
    existing = users.filter(email__iexact=email).first()
    if existing is not None:
        if not existing.is_active and existing.email_verified_at is None:
            send_verification(existing)
        else:
            login_url = settings.SITE_URL + reverse("login")
            mail_user(existing, "signup-existing", {"login_url": login_url})
        return None
    user = users.create_user(
        email=email, password=password, is_active=False, language=language, **fields
    )
    send_verification(user)
    return user


def verify(user: User) -> None:
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
    user.is_active = True
    user.save(update_fields=["email_verified_at", "is_active"])


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
