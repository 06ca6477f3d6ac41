from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import coordination
from accounts import institution_views as institution
from accounts import views as account_views
from accounts.forms import LoginForm

urlpatterns = [
    # Coordinators: verified institutions, the allow-list of domains, reports.
    path("koordination/institutionen/", coordination.institutions, name="institutions"),
    path(
        "koordination/institutionen/<int:pk>/",
        coordination.institution_decide,
        name="institution_decide",
    ),
    path("koordination/domains/", coordination.domains, name="official_domains"),
    path(
        "koordination/domains/<int:pk>/entfernen/",
        coordination.domain_remove,
        name="official_domain_remove",
    ),
    path("koordination/meldungen/", coordination.reports, name="account_reports"),
    # Institution profiles: what institutions offer MOs (guide ch. 6/7).
    path("institutionen/", institution.profile_list, name="institution_profiles"),
    path("institutionen/neu/", institution.profile_new, name="institution_profile_new"),
    path("institutionen/<slug:slug>/", institution.profile_detail, name="institution_profile"),
    path(
        "institutionen/<slug:slug>/bearbeiten/",
        institution.profile_edit,
        name="institution_profile_edit",
    ),
    path(
        "institutionen/<slug:slug>/redaktion/",
        institution.profile_editors,
        name="institution_profile_editors",
    ),
    path(
        "institutionen/<slug:slug>/veroeffentlichen/",
        institution.profile_publish,
        name="institution_profile_publish",
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
        account_views.LoginView.as_view(authentication_form=LoginForm),
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
