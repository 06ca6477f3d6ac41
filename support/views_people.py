"""Mentors and tandems (Lotsen, Mentoren, Tandemarbeit) and the expert pool."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.roles import is_institution
from cooperation.forms import RequestForm
from cooperation.models import CooperationRequest
from cooperation.services import RequestError, request_send
from cooperation.views import UNREACHABLE_MESSAGE, alternatives, sent_message
from directory.access import is_reviewer, organisation_for_member
from directory.models import Organisation
from directory.reach import reach_of
from support import services
from support.forms import ContactForm, ExpertForm, MentorForm, MentorSearchForm
from support.models import Assessment, Expert, Mentor


def _my_organisations(user):
    return list(Organisation.objects.filter(memberships__user=user).order_by("name"))


@login_required
def mentor_edit(request, slug):
    organisation, _membership = organisation_for_member(request, slug)
    mentor = Mentor.objects.filter(organisation=organisation).first()
    form = MentorForm(request.POST or None, instance=mentor)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.organisation = organisation
        saved.save()
        form.save_m2m()
        messages.success(request, _("Ihre Organisation ist als Mentorin eingetragen."))
        return redirect("support:mentors")
    return render(
        request,
        "support/mentor_form.html",
        {"form": form, "organisation": organisation},
        status=400 if request.method == "POST" else 200,
    )


def _latest_needs(organisation) -> list:
    latest = organisation.assessments.filter(status=Assessment.Status.SUBMITTED).first()
    if latest is None:
        return []
    return [r.term for r in services.needs_profile(latest) if r.is_need]


@login_required
def mentors(request):
    organisations = _my_organisations(request.user)
    if not organisations:
        return render(request, "support/mentors.html", {"form": None, "mentors": None})
    data = request.GET or None
    initial = {}
    if data is None:
        initial["needs"] = [str(t.pk) for t in _latest_needs(organisations[0])]
    form = MentorSearchForm(data, organisations=organisations, initial=initial)
    found = None
    if form.is_valid():
        organisation = form.cleaned_data["organisation"]
        found = services.matching_mentors(
            organisation=organisation,
            need_ids=[t.pk for t in form.cleaned_data["needs"]],
            language_ids=list(organisation.languages.values_list("pk", flat=True)),
        )
    return render(request, "support/mentors.html", {"form": form, "mentors": found})


@login_required
def tandem_request(request, pk):
    mentor = get_object_or_404(Mentor.objects.select_related("organisation"), pk=pk, active=True)
    organisations = [o for o in _my_organisations(request.user) if o.pk != mentor.organisation_id]
    if not organisations:
        raise PermissionDenied
    form = RequestForm(request.POST or None)
    chosen = organisations[0]
    if request.POST.get("sender_organisation"):
        chosen = next(
            (o for o in organisations if str(o.pk) == request.POST["sender_organisation"]), None
        )
        if chosen is None:
            raise PermissionDenied
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                sent = request_send(
                    sender=request.user,
                    organisation=mentor.organisation,
                    sender_organisation=chosen,
                    kind=CooperationRequest.Kind.TANDEM,
                    **form.cleaned_data,
                )
            except RequestError as error:
                if str(error) == "unreachable":
                    messages.error(request, UNREACHABLE_MESSAGE)
                    status = 409
                else:
                    messages.error(request, _("Die Anfrage konnte jetzt nicht gesendet werden."))
                    status = 429
            else:
                messages.success(request, sent_message(sent))
                return redirect(sent)
        else:
            status = 400
    return render(
        request,
        "support/tandem_form.html",
        {
            "form": form,
            "mentor": mentor,
            "organisations": organisations,
            "chosen": chosen,
            "organisation": mentor.organisation,
            "reach": reach_of(mentor.organisation).value,
            **alternatives(mentor.organisation),
        },
        status=status,
    )


def _may_see_experts(user) -> bool:
    return user.is_authenticated and (is_institution(user) or is_reviewer(user))


@login_required
def experts(request):
    if not _may_see_experts(request.user):
        raise PermissionDenied
    listed = Expert.objects.select_related("user", "organisation", "state").prefetch_related(
        "topics", "languages"
    )
    topic = request.GET.get("topic")
    if topic and topic.isdigit():
        listed = listed.filter(topics=int(topic))
    own = Expert.objects.filter(user=request.user).exists()
    return render(
        request, "support/experts.html", {"experts": listed.order_by("user__name"), "own": own}
    )


@login_required
def expert_register(request):
    organisations = _my_organisations(request.user)
    if not organisations:
        raise PermissionDenied
    existing = Expert.objects.filter(user=request.user).first()
    initial = {}
    if existing:
        initial = {
            "organisation": existing.organisation_id or "",
            "topics": [str(t.pk) for t in existing.topics.all()],
            "languages": [str(t.pk) for t in existing.languages.all()],
            "state": existing.state_id or "",
        }
    form = ExpertForm(
        request.POST or None, instance=existing, organisations=organisations, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        services.expert_register(
            user=request.user,
            organisation=form.cleaned_data["organisation"],
            data={
                "expertise": form.cleaned_data["expertise"],
                "availability": form.cleaned_data["availability"],
                "state": form.cleaned_data["state"],
            },
            topics=form.cleaned_data["topics"],
            languages=form.cleaned_data["languages"],
        )
        messages.success(request, _("Sie sind im Expertenpool eingetragen."))
        return redirect("account")
    return render(
        request,
        "support/expert_form.html",
        {"form": form, "existing": existing},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def expert_withdraw(request):
    if request.method == "POST":
        services.expert_withdraw(user=request.user)
        messages.success(request, _("Ihr Eintrag im Expertenpool ist gelöscht."))
        return redirect("account")
    return render(request, "support/expert_withdraw.html")


@login_required
def expert_contact(request, pk):
    if not _may_see_experts(request.user):
        raise PermissionDenied
    expert = get_object_or_404(Expert.objects.select_related("user"), pk=pk)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.expert_contact(
            expert=expert, by=request.user, message=form.cleaned_data["message"]
        )
        messages.success(request, _("Ihre Nachricht ist gesendet."))
        return redirect("support:experts")
    return render(
        request,
        "support/expert_contact.html",
        {"form": form, "expert": expert},
        status=400 if request.method == "POST" else 200,
    )
