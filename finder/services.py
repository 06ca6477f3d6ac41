"""Saved searches and their weekly alert.

An MO *matches* a saved search when the partner finder lists it and it meets at
least one wish: every must, and for a search of nice-to-haves only, at least one of
them (an MO that meets none of the wishes is no news). When a search is subscribed,
the MOs matching it then are known (``AlertSeen``); once a week
(``send_alert_digests``, from the background worker) the MOs that match now and
are not known are mailed to its owner and become known. Nothing new: no mail.

Each search is claimed for its week by a conditional UPDATE of
``alert_checked_at`` in the transaction that queues its mail, so a second worker
or a restart never mails twice, and a failure leaves the search due.
"""

import datetime
from typing import Any

from django.core import signing
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from core.siteurl import site_url
from directory import merging, references
from directory.models import Organisation
from directory.vocabulary import terms_by_organisation
from finder.forms import FinderForm
from finder.models import AlertSeen, SavedSearch, ShortlistEntry
from finder.ranking import MUST, Criterion, build_criteria, explain, rank
from mailer.services import mail_user

WEEK = datetime.timedelta(days=7)
DIGEST_LIMIT = 20  # MOs listed in one mail; the rest are behind the link
_SALT = "finder.alert-unsubscribe"


def search_criteria(query: str) -> tuple[list[Criterion], bool] | None:
    """The criteria of a saved query and its "open only" choice, or None when the
    query (stored before the form changed) no longer makes a search."""
    form = FinderForm(QueryDict(query))
    if not form.has_criteria():
        return None
    return build_criteria(form.cleaned_data), bool(form.cleaned_data.get("open_only"))


def search_matches(query: str) -> QuerySet[Organisation]:
    """The MOs matching a saved query, best first (the finder's order)."""
    parsed = search_criteria(query)
    if parsed is None:
        return Organisation.objects.none()
    criteria, open_only = parsed
    results = rank(criteria, open_only=open_only)
    if not any(c.importance == MUST for c in criteria):
        results = results.filter(score__gte=1)
    return results


@transaction.atomic
def alert_subscribe(*, search: SavedSearch, now: datetime.datetime | None = None) -> None:
    """Switch the weekly alert on: the MOs matching now are known, the first digest
    is due a week from now."""
    now = now or timezone.now()
    search.alert = True
    search.alert_checked_at = now
    search.save(update_fields=["alert", "alert_checked_at"])
    AlertSeen.objects.filter(search=search).delete()
    ids = search_matches(search.query).values_list("pk", flat=True)
    AlertSeen.objects.bulk_create(
        [AlertSeen(search=search, organisation_id=pk) for pk in ids], batch_size=1000
    )


@transaction.atomic
def alert_unsubscribe(*, search: SavedSearch) -> None:
    search.alert = False
    search.alert_checked_at = None
    search.save(update_fields=["alert", "alert_checked_at"])
    AlertSeen.objects.filter(search=search).delete()


def unsubscribe_token(search: SavedSearch) -> str:
    """A link token that switches off this search's alert, without a login: signed,
    bound to the search and its owner."""
    return signing.dumps({"s": search.pk, "u": search.user_id}, salt=_SALT, compress=True)


def search_of_token(pk: int, token: str) -> SavedSearch | None:
    """The search a token is for, if it is this one (``pk``) and still its owner's."""
    try:
        payload = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("s") != pk:
        return None
    user = payload.get("u")
    if not isinstance(user, int):
        return None
    return SavedSearch.objects.filter(pk=pk, user_id=user).first()


def _due(now: datetime.datetime) -> Q:
    return Q(alert=True, alert_checked_at__lte=now - WEEK)


def send_alert_digests(*, now: datetime.datetime | None = None) -> int:
    """Mail the owner of every subscribed search whose week is up the MOs that newly
    match it. Returns the number of mails queued."""
    now = now or timezone.now()
    sent = 0
    for pk in SavedSearch.objects.filter(_due(now)).order_by("pk").values_list("pk", flat=True):
        if _digest(pk, now):
            sent += 1
    return sent


@transaction.atomic
def _digest(pk: int, now: datetime.datetime) -> bool:
    # Claim the week: only one worker's UPDATE finds the search still due.
    if not SavedSearch.objects.filter(_due(now), pk=pk, user__is_active=True).update(
        alert_checked_at=now
    ):
        return False
    search = SavedSearch.objects.select_related("user").get(pk=pk)
    seen = AlertSeen.objects.filter(search=search).values("organisation_id")
    new = list(search_matches(search.query).exclude(pk__in=seen))
    if not new:
        return False
    AlertSeen.objects.bulk_create(
        [AlertSeen(search=search, organisation=o) for o in new],
        batch_size=1000,
        ignore_conflicts=True,
    )
    _mail_digest(search, new)
    return True


def _mail_digest(search: SavedSearch, new: list[Organisation]) -> None:
    parsed = search_criteria(search.query)
    criteria = parsed[0] if parsed else []
    shown = new[:DIGEST_LIMIT]
    terms = terms_by_organisation([o.pk for o in shown])
    confirmed = references.confirmed_of([o.pk for o in shown])
    for organisation in shown:
        # What the ranking's test reads for "already cooperated with" (as on the page).
        organisation.confirmed_references = confirmed[organisation.pk]  # type: ignore[attr-defined]
        explanation = explain(organisation, terms[organisation.pk], criteria)
        organisation.explanation = explanation  # type: ignore[attr-defined]
    base = site_url()
    unsubscribe = base + reverse(
        "finder_alert_unsubscribe", args=[search.pk, unsubscribe_token(search)]
    )
    context: dict[str, Any] = {
        "search": search,
        "organisations": shown,
        "more": len(new) - len(shown),
        "count": len(new),
        "search_url": f"{base}{reverse('finder')}?{search.query}",
        "unsubscribe_url": unsubscribe,
    }
    mail_user(
        search.user,
        "alert-digest",
        context,
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def shortlist_merge(relation: merging.Relation, staying: Organisation, other: Organisation) -> int:
    """Mover of the shortlists when ``other`` is merged into ``staying``
    (directory.merging): an entry of ``other`` moves to ``staying``; on a
    shortlist that holds both, the two become one entry (one per person and
    profile) and no note is lost: the other's note is added below, headed by the
    merged-away profile's name (once if the notes are the same), the searched
    role kept (else taken over), the earlier date kept. Returns the entries moved
    or combined."""
    combined = 0
    theirs = ShortlistEntry.objects.filter(organisation=other)
    mine = {
        entry.user_id: entry
        for entry in ShortlistEntry.objects.filter(
            organisation=staying, user_id__in=theirs.values("user_id")
        )
    }
    for entry in theirs.filter(user_id__in=list(mine)):
        kept = mine[entry.user_id]
        note, added = kept.note.strip(), entry.note.strip()
        if added and added != note:
            kept.note = f"{note}\n\n{other.name}: {added}" if note else added
        kept.role_id = kept.role_id or entry.role_id
        kept.created_at = min(kept.created_at, entry.created_at)
        kept.save(update_fields=["note", "role", "created_at"])
        entry.delete()
        combined += 1
    return combined + theirs.update(organisation=staying)
