"""The self-assessment of an MO: rounds, drafts, results. Private to the MO's
editors and the coordinators."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from support import services
from support.access import assessment_view
from support.forms import AssessmentForm
from support.models import Assessment
from support.questions import AREAS


def edit_links(request, organisation, membership=None, **kwargs) -> str:
    return render_to_string(
        "support/includes/edit_links.html", {"organisation": organisation}, request=request
    )


@assessment_view(edit=False)
def rounds(request, organisation, may_edit):
    assessments = list(organisation.assessments.prefetch_related("answers"))
    submitted = [a for a in assessments if a.status == Assessment.Status.SUBMITTED]
    areas = [area for area, _q in AREAS]
    progress = []
    for assessment in reversed(submitted):
        scores: dict[str, int] = {}
        for answer in assessment.answers.all():
            scores[answer.area] = max(scores.get(answer.area, 0), answer.score)
        progress.append((assessment, [scores.get(area) for area in areas]))
    return render(
        request,
        "support/assessment_rounds.html",
        {
            "organisation": organisation,
            "assessments": assessments,
            "may_edit": may_edit,
            "progress": progress,
            "area_terms": _area_terms(),
        },
    )


def _area_terms():
    from directory.vocabulary import get_vocabulary

    vocab = get_vocabulary()
    return [vocab.get("need", area) for area, _q in AREAS]


@assessment_view(edit=True)
@require_POST
def start(request, organisation, may_edit):
    assessment = services.assessment_start(organisation=organisation, by=request.user)
    return redirect("support:assessment", slug=organisation.slug, pk=assessment.pk)


@assessment_view(edit=False)
def assessment(request, organisation, may_edit, pk):
    item = get_object_or_404(Assessment, pk=pk, organisation=organisation)
    if item.status == Assessment.Status.SUBMITTED or not may_edit:
        return redirect("support:result", slug=organisation.slug, pk=item.pk)
    answers = {a.question: a for a in item.answers.all()}
    form = AssessmentForm(request.POST or None, answers=answers)
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        services.assessment_save(assessment=item, answers=form.answers(), submit=submit)
        if submit:
            messages.success(request, _("Die Bedarfsermittlung ist abgeschlossen."))
            return redirect("support:result", slug=organisation.slug, pk=item.pk)
        messages.success(request, _("Entwurf gespeichert. Sie können später weitermachen."))
        return redirect("support:assessment", slug=organisation.slug, pk=item.pk)
    return render(
        request,
        "support/assessment_form.html",
        {"organisation": organisation, "assessment": item, "form": form},
        status=400 if form.is_bound else 200,
    )


@assessment_view(edit=False)
def result(request, organisation, may_edit, pk):
    item = get_object_or_404(Assessment, pk=pk, organisation=organisation)
    profile = services.needs_profile(item)
    need_ids = [r.term.pk for r in profile if r.is_need]
    guide = services.guide_items_for_needs(need_ids)
    for area in profile:
        area.guide_items = guide.get(area.term.pk, [])
    return render(
        request,
        "support/assessment_result.html",
        {
            "organisation": organisation,
            "assessment": item,
            "profile": profile,
            "offers": services.recommended_offers(organisation=organisation, need_ids=need_ids),
            "may_edit": may_edit,
        },
    )
