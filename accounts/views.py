"""Sign-up, e-mail verification, the personal area, data export and deletion."""

import json

from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import extensions, services
from accounts.forms import (
    AccountForm,
    DeleteAccountForm,
    ResendVerificationForm,
    SignupForm,
    VerifyEmailForm,
)
from accounts.institutions import profile_of
from core.http import is_safe_next, safe_next
from core.siteurl import site_url
from directory import completeness
from directory.models import Claim, Invitation
from directory.vocabulary import terms_by_organisation
from mailer.services import queue_mail

# Where a person who signed up (or was sent to sign in) goes once signed in: a
# page of this site that sent them, such as taking over a profile (directory.
# takeover_views). Kept in the session, not in the verification mail's link.
RETURN_SESSION_KEY = "accounts.return_to"


def _remembered_next(request) -> str:
    url = request.session.get(RETURN_SESSION_KEY, "")
    return url if isinstance(url, str) and is_safe_next(request, url) else ""


def signup(request):
    next_url = safe_next(request, "")
    if request.user.is_authenticated:
        return redirect(next_url or "account")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("privacy")
        if data["account_type"] != get_user_model().AccountType.INSTITUTION:
            data.update(institution_name="", institution_type=None, institution_state=None)
        services.signup(language=(get_language() or "de")[:2], **data)
        if next_url:
            request.session[RETURN_SESSION_KEY] = next_url
        return render(
            request,
            "registration/signup_done.html",
            {"email": data["email"], "next": next_url},
        )
    return render(
        request,
        "registration/signup.html",
        {"form": form, "next": next_url},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def verify_email(request, token):
    """The link from the verification mail. GET only shows a form (mail scanners
    that open links change nothing); the POST with the registration's password
    verifies the address and signs in. A link whose account is verified by now
    only says so."""
    verification = services.read_verification_token(token)
    if verification is None:
        return render(request, "registration/verify_invalid.html", status=400)
    user = verification.user
    if user.email_verified_at is not None:
        if request.user.is_authenticated and request.user.pk == user.pk:
            return redirect("account")  # the same person submitted twice
        return render(request, "registration/verify_done.html")
    if not verification.current:  # replaced by a later sign-up, or another password
        return render(request, "registration/verify_invalid.html", status=400)
    form = VerifyEmailForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        verified = services.complete_verification(verification)
        if verified is None:  # verified or replaced in the meantime
            return redirect("verify_email", token=token)
        next_url = _remembered_next(request)  # signed up in this browser, from a page
        login(request, verified, backend="django.contrib.auth.backends.ModelBackend")
        request.session.pop(RETURN_SESSION_KEY, None)
        messages.success(request, _("Ihre E-Mail-Adresse ist bestätigt. Willkommen!"))
        return redirect(next_url or "account")
    return render(
        request,
        "registration/verify_email.html",
        {"form": form, "email": user.email},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def resend_verification(request):
    form = ResendVerificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = (
            get_user_model()
            .objects.filter(
                email__iexact=form.cleaned_data["email"], email_verified_at__isnull=True
            )
            .first()
        )
        if user is not None:
            services.send_verification(user)
        # The same answer for every address: nobody learns who has an account.
        return render(
            request, "registration/signup_done.html", {"email": form.cleaned_data["email"]}
        )
    return render(request, "registration/resend.html", {"form": form})


@login_required
def account(request):
    form = AccountForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Ihre Angaben sind gespeichert."))
        return redirect("account")
    memberships = list(request.user.memberships.select_related("organisation"))
    terms = terms_by_organisation([m.organisation_id for m in memberships])  # one query
    for membership in memberships:
        membership.complete_percent = completeness.percent(
            completeness.checks(membership.organisation, terms.get(membership.organisation_id, {}))
        )
    return render(
        request,
        "accounts/account.html",
        {
            "form": form,
            "panels": extensions.render_all(request),
            "memberships": memberships,
            "invitations": Invitation.objects.filter(
                email__iexact=request.user.email, accepted_at__isnull=True
            ).select_related("organisation"),
            "claims": Claim.objects.filter(user=request.user).select_related("organisation"),
            "institution_profile": profile_of(request.user),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@login_required
def export_data(request):
    data = services.export_personal_data(request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="mo-portal-meine-daten-{stamp}.json"'
    return response


@login_required
def delete_account(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.delete_account(user)
        messages.success(request, _("Ihr Konto und Ihre persönlichen Daten sind gelöscht."))
        return redirect("home")
    return render(
        request,
        "registration/delete_account.html",
        {"form": form},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


class QueuedPasswordResetForm(PasswordResetForm):
    """Password reset mail goes through the outbox like every other mail.

    Every address gets a mail, so that a known and an unknown address cost the
    same work (one SELECT, one mail INSERT): an active account the reset link;
    any other address a note that there is no account to reset, with the link
    to sign up. That includes unverified registrations (signing up again
    replaces them) and deactivated accounts: Django resets neither.
    """

    def get_users(self, email):
        self.users = list(super().get_users(email))
        return self.users

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if not self.users:
            queue_mail(
                to=self.cleaned_data["email"],
                template="password-reset-unknown",
                context={"signup_url": site_url() + reverse("signup")},
                language=(get_language() or "de")[:2],
            )

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        user = context["user"]
        url = (
            context["protocol"]
            + "://"
            + context["domain"]
            + str(
                reverse_lazy(
                    "password_reset_confirm",
                    kwargs={"uidb64": context["uid"], "token": context["token"]},
                )
            )
        )
        queue_mail(
            to=to_email,
            template="password-reset",
            context={"user": user, "url": url},
            language=user.language,
        )


class LoginView(auth_views.LoginView):
    """Django's login; its ``next`` checked by the portal's one rule (core/http.py).
    Without one, the page a sign-up in this browser came from (the verification
    link was opened elsewhere, so this is the first login here)."""

    # django-stubs 6 give it Django 6.0's request parameter; Django 5.2 has none.
    def get_redirect_url(self) -> str:  # type: ignore[override]
        return safe_next(self.request, "", self.redirect_field_name) or _remembered_next(
            self.request
        )

    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.session.pop(RETURN_SESSION_KEY, None)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    success_url = reverse_lazy("password_reset_done")


@require_POST
def logout_view(request):
    logout(request)
    return redirect("home")
