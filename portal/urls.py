from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.static import serve

from opendata import downloads, widget
from portal import account_views, dashboard_views, finder_views, pages, topics, views
from portal.forms import LoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon),
    path("healthz", views.healthz, name="healthz"),
    path("sprache/<str:code>/", views.switch_language, name="switch_language"),
    path("admin/", admin.site.urls),
    path("organisationen/export.csv", downloads.export_csv, name="export_csv"),
    path("organisationen/export.json", downloads.export_json, name="export_json"),
    path("organisationen/", include("directory.urls")),
    path("widget/", widget.widget, name="widget"),
    path("api/", include("opendata.urls")),
    path("leitfaden/", include("guidance.urls")),
    path("anfragen/", include("cooperation.urls")),
    path("unterstuetzung/", include("support.urls")),
    path("koordination/", dashboard_views.dashboard_view, name="dashboard"),
    path("koordination/zahlen.csv", dashboard_views.dashboard_csv, name="dashboard_csv"),
    path("seiten/<slug:slug>/", pages.page, name="page"),
    path("seiten/<slug:slug>/bearbeiten/", pages.page_edit, name="page_edit"),
    path("themen/", topics.topics_index, name="topics"),
    path("themen/<str:kind>/<slug:slug>/", topics.term_detail, name="term"),
    path("partnersuche/", finder_views.finder, name="finder"),
    path("partnersuche/checkliste/", finder_views.checklist, name="finder_checklist"),
    path("partnersuche/merkliste/", finder_views.shortlist, name="shortlist"),
    path("partnersuche/merkliste.csv", finder_views.shortlist_csv, name="shortlist_csv"),
    path(
        "partnersuche/merkliste/<slug:slug>/",
        finder_views.shortlist_toggle,
        name="shortlist_toggle",
    ),
    path(
        "partnersuche/merkliste/notiz/<int:pk>/",
        finder_views.shortlist_note,
        name="shortlist_note",
    ),
    path("partnersuche/suchen/", finder_views.search_save, name="finder_search_save"),
    path(
        "partnersuche/suchen/<int:pk>/loeschen/",
        finder_views.search_delete,
        name="finder_search_delete",
    ),
    path("konto/", account_views.account, name="account"),
    path("konto/registrieren/", account_views.signup, name="signup"),
    path("konto/bestaetigen/<str:token>/", account_views.verify_email, name="verify_email"),
    path(
        "konto/bestaetigung-erneut/",
        account_views.resend_verification,
        name="resend_verification",
    ),
    path(
        "konto/anmelden/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("konto/abmelden/", account_views.logout_view, name="logout"),
    path("konto/daten/", account_views.export_data, name="export_data"),
    path("konto/loeschen/", account_views.delete_account, name="delete_account"),
    path(
        "konto/passwort/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "konto/passwort/geaendert/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "konto/passwort-vergessen/",
        account_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "konto/passwort-vergessen/gesendet/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "konto/passwort-neu/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "konto/passwort-neu/fertig/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

if settings.BENCHMARK_FLOOR:
    urlpatterns += [path("_floor/", views.floor)]

handler400 = "portal.errors.bad_request"
handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"
