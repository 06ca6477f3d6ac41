"""Exactly once: a form that creates something is carried out once, however
often it is submitted (a double click, a retry after a timeout, the browser's
"send again").

Each such form carries a random submit key (``{% submit_key %}`` from
core.templatetags.once, one line in the form's template). A POST with a key runs
in one transaction: first the key is stored (``SubmittedForm``, unique), then
the view runs, then the view's answer is stored with the key. The same key again
does not run the view: it gets the first answer (the same redirect, with a note
that the form had been sent already). Two submissions at the same moment: on
PostgreSQL the second INSERT waits on the unique key until the first commits,
then fails and answers as the first did; on SQLite the transactions run one
after the other (``BEGIN IMMEDIATE``). Never a second object, never a 500.

Only an answer that went through is kept: a redirect (3xx) or a page (2xx). A
form with errors (4xx) forgets its key, so the corrected form can be sent; a
server error (5xx) rolls back everything the view wrote. A POST without a key
(an old form, a client of its own) runs as before. Keys are purged after a day
(``manage.py purge_submitted_forms``, a daily job of the worker). A page that
shows a secret once (a letter's invitation code) is never kept: ``forget``.
"""

from __future__ import annotations

import datetime
import re
import secrets
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import bad_request
from core.models import SubmittedForm

FIELD = "submit_key"
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
KEEP = datetime.timedelta(days=1)
MAX_BODY = 512 * 1024  # a page kept as the first answer (a redirect needs none)
ALREADY_SENT = _("Dieses Formular war schon abgeschickt. Es wurde nur einmal ausgeführt.")


def new_key() -> str:
    return secrets.token_urlsafe(24)


def _user_id(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return int(user.pk)


def _view_name(request: HttpRequest) -> str:
    match = request.resolver_match
    return (match.view_name if match else request.path)[:200]


class SubmitOnceMiddleware:
    """Placed after the authentication and message middleware and before the
    rate limits (a repeated form is answered without counting again)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.POST.get(FIELD) if request.method == "POST" else None
        if not key:
            return self.get_response(request)
        if not KEY_PATTERN.fullmatch(key):
            return bad_request(request)
        request._submit_key = key  # type: ignore[attr-defined]
        with transaction.atomic():
            response = self.get_response(request)
            record: SubmittedForm | None = getattr(request, "_submitted_form", None)
            if record is not None:
                _keep_answer(record, response)
        return response

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        key: str | None = getattr(request, "_submit_key", None)
        if key is None:
            return None
        user_id, view_name = _user_id(request), _view_name(request)
        try:
            with transaction.atomic():
                record = SubmittedForm.objects.create(key=key, user_id=user_id, view_name=view_name)
        except IntegrityError:
            first = SubmittedForm.objects.filter(key=key).first()
            return _replay(request, first, user_id=user_id, view_name=view_name)
        request._submitted_form = record  # type: ignore[attr-defined]
        return None


def forget(response: HttpResponse) -> HttpResponse:
    """Keep no copy of this answer (it shows a secret once): a second submission
    of the form runs the view again instead of getting the stored page."""
    response.once_forget = True  # type: ignore[attr-defined]
    return response


def _keep_answer(record: SubmittedForm, response: HttpResponse) -> None:
    if getattr(response, "once_forget", False):
        record.delete()
        return
    status = response.status_code
    if status >= 500:
        transaction.set_rollback(True)  # nothing of a failed request stays, nor its key
        return
    if 300 <= status < 400 and response.has_header("Location"):
        record.response_status = status
        record.response_location = response["Location"][:2000]
        record.save(update_fields=["response_status", "response_location"])
        return
    if 200 <= status < 300 and not response.streaming and len(response.content) <= MAX_BODY:
        record.response_status = status
        record.response_content_type = response.get("Content-Type", "")[:200]
        record.response_body = response.content
        record.save(update_fields=["response_status", "response_content_type", "response_body"])
        return
    record.delete()  # not carried out (a form error, a limit): the form may be sent again


def _replay(
    request: HttpRequest, first: SubmittedForm | None, *, user_id: int | None, view_name: str
) -> HttpResponse:
    if (
        first is None
        or not first.response_status
        or first.user_id != user_id
        or first.view_name != view_name
    ):
        return bad_request(request)  # a key of another person or form: never replayed
    if 300 <= first.response_status < 400:
        response = HttpResponse(status=first.response_status)
        response["Location"] = first.response_location
        messages.info(request, ALREADY_SENT)
        return response
    return HttpResponse(
        bytes(first.response_body),
        status=first.response_status,
        content_type=first.response_content_type or None,
    )


def purge(*, now: datetime.datetime | None = None) -> int:
    """Forget the keys older than a day; returns how many."""
    before = (now or timezone.now()) - KEEP
    deleted, _rows = SubmittedForm.objects.filter(created_at__lt=before).delete()
    return deleted
