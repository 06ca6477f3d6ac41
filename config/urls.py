"""The root URLs: every room brings its own; nothing here is imported from a room.

A room's URLs are included by module name, so this module depends on no room's code.
"""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.static import serve

OLD_ACCOUNTS_ADMIN = admin.site.admin_view(
    RedirectView.as_view(url="/admin/accounts/user/%(rest)s", permanent=True, query_string=True)
)

urlpatterns = [
    path("", include("portal.urls")),
    # The account administration moved with the accounts app: its old addresses
    # redirect (for staff; others get the admin's login like every admin page).
    path("admin/portal/user/", OLD_ACCOUNTS_ADMIN, {"rest": ""}),
    path("admin/portal/user/<path:rest>", OLD_ACCOUNTS_ADMIN),
    path("admin/", admin.site.urls),
    path("", include("opendata.root_urls")),
    path("organisationen/", include("directory.urls")),
    path("api/", include("opendata.urls")),
    path("leitfaden/", include("guidance.urls")),
    path("anfragen/", include("cooperation.urls")),
    path("veranstaltungen/", include("events.urls")),
    path("unterstuetzung/", include("support.urls")),
    path("koordination/import/", include("intake.urls")),
    path("", include("finder.urls")),
    path("", include("accounts.urls")),
]

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
