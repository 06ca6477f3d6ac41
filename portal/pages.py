"""Text pages (accessibility statement, imprint, privacy) that coordinators edit,
and the accessibility feedback channel."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from core.access import permission_required_or_403
from core.concurrency import (
    CONFLICT_STATUS,
    Conflict,
    VersionedFormMixin,
    conflict_context,
    expected_version,
)
from core.errors import bad_request
from core.markdown import render_markdown
from directory.access import REVIEW_PERMISSION
from portal import services
from portal.models import Feedback, Page

FEEDBACK_PAGE = "barrierefreiheit"


class PageForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Page
        fields = ["title", "body", "title_en", "body_en"]
        widgets = {
            "title": forms.TextInput(attrs={"lang": "de"}),
            "body": forms.Textarea(attrs={"rows": 14, "lang": "de"}),
            "title_en": forms.TextInput(attrs={"lang": "en"}),
            "body_en": forms.Textarea(attrs={"rows": 14, "lang": "en"}),
        }


class FeedbackForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Welche Barriere ist Ihnen aufgefallen?"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    page_url = forms.CharField(
        label=gettext_lazy("Auf welcher Seite? (freiwillig)"), max_length=300, required=False
    )
    email = forms.EmailField(
        label=gettext_lazy("Ihre E-Mail-Adresse für eine Antwort (freiwillig)"), required=False
    )


def page(request, slug):
    item = get_object_or_404(Page, slug=slug)
    english = (get_language() or "de").startswith("en") and bool(item.body_en)
    form = None
    if slug == FEEDBACK_PAGE:
        form = FeedbackForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            services.feedback_receive(**form.cleaned_data)
            messages.success(request, _("Danke! Ihre Rückmeldung ist angekommen."))
            return redirect(item)
    return render(
        request,
        "portal/page.html",
        {
            "page": item,
            "title": item.title_en if english and item.title_en else item.title,
            "body": render_markdown(item.body_en if english else item.body, top_level=2),
            "lang": "en" if english else "de",
            "form": form,
        },
        status=400 if form is not None and form.is_bound and not form.is_valid() else 200,
    )


@permission_required_or_403(REVIEW_PERMISSION)
def page_edit(request, slug):
    item = get_object_or_404(Page, slug=slug)
    form = PageForm(request.POST or None, instance=item)
    preview = conflict = None
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "preview":
            preview = render_markdown(form.cleaned_data["body"], top_level=2)
        else:
            try:
                saved = services.page_save(
                    page=form.save(commit=False),
                    by=request.user,
                    expected_version=expected_version(form),
                )
            except Conflict as stale:
                item = stale.current
                stored = {name: getattr(item, name) for name in form._meta.fields or []}
                conflict = conflict_context(form, current_version=item.version, stored=stored)
            else:
                messages.success(request, _("Die Seite ist gespeichert."))
                return redirect(saved)
    return render(
        request,
        "portal/page_edit.html",
        {"page": item, "form": form, "preview": preview, "conflict": conflict},
        status=CONFLICT_STATUS
        if conflict
        else 400
        if form.is_bound and not form.is_valid()
        else 200,
    )


@permission_required_or_403(REVIEW_PERMISSION)
def feedback_list(request):
    """The accessibility feedback for coordinators, newest first; "erledigt"
    deletes one (with the sender's address)."""
    if request.method == "POST":
        pk = request.POST.get("done", "")
        if not pk.isdigit():
            return bad_request(request)
        services.feedback_done(pk=int(pk))
        messages.success(request, _("Die Rückmeldung ist als erledigt gelöscht."))
        return redirect("feedback_list")
    return render(request, "portal/feedback_list.html", {"feedback": Feedback.objects.all()[:500]})
