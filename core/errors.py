"""Error pages: clear, friendly, in the visitor's language, and rendered
without the database, so that they still work while it is unreachable.

While the database is down every request ends here as a 503 with Retry-After
(no traceback); Django reconnects by itself on the next request once it is back
(persistent connections with health checks, settings.DATABASES). So does a
request whose statement ran past the statement timeout (config/database.py:
PostgreSQL cancels it, an OperationalError) or whose connection attempt timed out.
Under /api/ these answers are JSON in the API's format ({"detail": ...}).
"""

import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound

RETRY_AFTER_SECONDS = 30
API_PATH = "/api/"  # where config/urls.py mounts the open-data API


def _page(status: int, title: str, message: str, hint: str = "", **extra: object) -> HttpResponse:
    context = {"status": status, "title": title, "message": message, "hint": hint, **extra}
    return HttpResponse(render_to_string("errors/page.html", context), status=status)


def _signed_in(request: HttpRequest) -> bool:
    """Whether the visitor is signed in, as far as is known without the database
    (the view that refused has usually loaded the user already)."""
    try:
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated)
    except DatabaseError:
        return False


def bad_request(
    request: HttpRequest, exception: Exception | None = None, message: str = ""
) -> HttpResponse:
    """The 400 page; ``message`` (translated) says what was wrong, if known.
    Under /api/ a JSON body in the API's format (core.params gives its own detail)."""
    if request.path.startswith(API_PATH):
        return JsonResponse({"detail": "Bad request."}, status=400)
    if message:
        return _page(400, _("Ungültige Anfrage"), message)
    return _page(
        400,
        _("Ungültige Anfrage"),
        _("Diese Anfrage konnte nicht verarbeitet werden. Bitte prüfen Sie die Adresse."),
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A signed-in visitor is told that the account lacks the right; only a
    visitor who is not signed in is asked to sign in (and comes back here)."""
    if _signed_in(request):
        return _page(
            403,
            _("Kein Zugriff"),
            _("Ihr Konto hat keine Berechtigung für diese Seite."),
            _(
                "Wenn Sie glauben, dass das ein Fehler ist, wenden Sie sich an die "
                "Koordination. Unter „Mein Bereich“ sehen Sie, was Ihr Konto darf."
            ),
        )
    return _page(
        403,
        _("Kein Zugriff"),
        _("Diese Seite ist nur für angemeldete Personen mit einer Berechtigung."),
        _("Bitte melden Sie sich an. Danach kommen Sie hierher zurück."),
        login_url=f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}",
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith(API_PATH):
        # The API answers in JSON as documented, also at an address it does not have
        # (a lookup value its routes do not take, such as one with a dot).
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return _page(
        404,
        _("Seite nicht gefunden"),
        _("Diese Seite gibt es nicht (mehr). Vielleicht hilft die Suche im Verzeichnis."),
        search=True,
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _page(
        403,
        _("Formular abgelaufen"),
        _(
            "Das Formular war zu lange geöffnet oder Cookies sind blockiert. Bitte laden Sie "
            "die Seite neu und senden Sie es noch einmal."
        ),
    )


def ratelimited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    response = _page(
        429,
        _("Zu viele Versuche"),
        _(
            "Sie haben diese Aktion in kurzer Zeit zu oft ausgeführt. Bitte warten Sie einige "
            "Minuten und versuchen Sie es dann erneut."
        ),
    )
    response["Retry-After"] = "300"
    return response


def database_unavailable(request: HttpRequest | None = None) -> HttpResponse:
    response: HttpResponse
    if request is not None and request.path.startswith(API_PATH):
        response = JsonResponse(
            {"detail": "The database is unavailable or too slow. Please retry later."},
            status=503,
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    response = _page(
        503,
        _("Vorübergehend nicht erreichbar"),
        _(
            "Das Portal ist gerade kurz nicht erreichbar. Bitte versuchen Sie es in einer "
            "Minute noch einmal."
        ),
        _("Ihre bisher gespeicherten Angaben sind sicher."),
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database outage becomes a 503, everything else a 500."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError) or (
        isinstance(error, DatabaseError) and "connection" in str(error).lower()
    ):
        return database_unavailable(request)
    if request.path.startswith(API_PATH):
        return JsonResponse({"detail": "A server error occurred."}, status=500)
    return _page(
        500,
        _("Ein Fehler ist aufgetreten"),
        _(
            "Das hätte nicht passieren dürfen. Der Fehler wurde protokolliert; bitte "
            "versuchen Sie es später noch einmal."
        ),
        _("Ihre bisher gespeicherten Angaben sind sicher."),
    )
