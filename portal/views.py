from django.conf import settings
from django.db import Error as DatabaseError
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache

from core.cache import cache_status
from core.http import safe_next
from core.pagecache import anonymous_page
from portal.home import home_figures


@anonymous_page()
def home(request):
    """Three doors (institutions, MOs, the guide), the portal in figures, and how
    it works in three steps."""
    return render(request, "portal/home.html", {"figures": home_figures()})


def favicon(request):
    """Browsers ask for /favicon.ico; the icon is a static SVG."""
    return redirect(static("favicon.svg"), permanent=True)


@never_cache
def healthz(request):
    """For load balancers: 200 when this server can reach its database, else 503.
    The shared cache is optional (core.cache): without it the status is
    "degraded", still 200 (the server answers every page, computed). JSON, e.g.
    ``{"status": "degraded", "database": "ok", "cache": "unavailable"}``; no
    session, no cache."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except DatabaseError:  # also InterfaceError: a connection broken under us
        database = "unavailable"
    cache = cache_status()
    if database != "ok":
        status, code = "unavailable", 503
    elif cache != "ok":
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return JsonResponse({"status": status, "database": database, "cache": cache}, status=code)


def floor(request):
    """The framework floor for the benchmark: a trivial view through the same
    server and middleware (only routed with BENCHMARK_FLOOR=true)."""
    return HttpResponse("ok", content_type="text/plain")


def switch_language(request, code):
    """Change the language with a plain link (GET): pages stay free of CSRF tokens,
    so the anonymous page cache can serve them to everybody."""
    if code not in dict(settings.LANGUAGES):
        raise Http404
    response = HttpResponseRedirect(safe_next(request, "/"))  # only to a page of the portal
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response
