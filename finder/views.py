"""The partner finder page, its printable checklist, the shortlist and saved searches."""

from django.contrib import messages
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import is_institution
from core.access import user_passes_test_or_403
from core.csvexport import csv_response
from core.http import safe_next
from core.pagecache import anonymous_page
from directory import geo
from directory.access import visible_contact
from directory.geo import km_from_squared
from directory.models import Organisation
from directory.vocabulary import terms_by_organisation
from finder.forms import FinderForm, SavedSearchForm, ShortlistNoteForm
from finder.models import SavedSearch, ShortlistEntry
from finder.ranking import build_criteria, explain, rank
from guidance.models import Item

PAGE_SIZE = 20


def shortlist_action(request, organisation, **kwargs) -> str:
    """The shortlist button on a profile, for institution staff."""
    user = request.user
    if not is_institution(user) or not organisation.is_published:
        return ""
    return render_to_string(
        "finder/includes/shortlist_action.html",
        {
            "organisation": organisation,
            "shortlisted": ShortlistEntry.objects.filter(
                user=user, organisation=organisation
            ).exists(),
        },
        request=request,
    )


def guide_advice(role=None) -> dict:
    """The guide's advice for a cooperation: the prerequisites of ch. 7, the
    "Zusammenarbeit" checklist of ch. 8 and the items on the role sought."""
    condition = Q(kind__in=[Item.Kind.PREREQUISITE, Item.Kind.CHECKLIST])
    if role is not None:
        condition |= Q(terms=role)
    items = list(
        Item.objects.filter(is_published=True)
        .filter(condition)
        .select_related("chapter")
        .distinct()
        .order_by("chapter__number", "position")
    )
    return {
        "prerequisites": [i for i in items if i.kind == Item.Kind.PREREQUISITE],
        "checklist": [i for i in items if i.kind == Item.Kind.CHECKLIST],
        "on_role": [
            i for i in items if i.kind not in (Item.Kind.PREREQUISITE, Item.Kind.CHECKLIST)
        ],
    }


def _initial(request) -> dict:
    initial = {}
    user = request.user
    if is_institution(user) and user.institution_type_id:
        initial["cooperated_with"] = user.institution_type_id
    return initial


@anonymous_page("directory", "guide")
def finder(request):
    bound = bool(request.GET)
    form = FinderForm(request.GET if bound else None, initial=_initial(request))
    context = {"form": form, "searched": False}
    if bound and form.has_criteria():
        data = form.cleaned_data
        criteria = build_criteria(data)
        results = rank(criteria, open_only=data.get("open_only", False)).only(
            "name",
            "slug",
            "city",
            "postal_code",
            "state_id",
            "paid_staff",
            "has_rooms",
            "confirmed_at",
        )
        paginator = Paginator(results, PAGE_SIZE)
        try:
            page = paginator.page(request.GET.get("page") or 1)
        except (PageNotAnInteger, EmptyPage):
            raise Http404(_("Diese Seite gibt es nicht.")) from None
        rows = list(page.object_list)
        terms = terms_by_organisation([o.pk for o in rows])
        for organisation in rows:
            organisation.explanation = explain(organisation, terms[organisation.pk], criteria)
            squared = getattr(organisation, geo.DISTANCE, None)
            organisation.distance_km = None if squared is None else round(km_from_squared(squared))
        query = request.GET.copy()
        query.pop("page", None)
        context.update(
            searched=True,
            page=page,
            results=rows,
            total=paginator.count,
            criteria=criteria,
            query=query.urlencode(),
            advice=guide_advice(data.get("role")),
        )
    else:
        context["advice"] = guide_advice()
    if is_institution(request.user):
        context["shortlisted"] = set(
            ShortlistEntry.objects.filter(user=request.user).values_list(
                "organisation_id", flat=True
            )
        )
        context["saved_searches"] = SavedSearch.objects.filter(user=request.user)[:20]
        context["save_form"] = SavedSearchForm(initial={"query": request.GET.urlencode()})
    return render(
        request, "finder/finder.html", context, status=400 if bound and not form.is_valid() else 200
    )


def checklist(request):
    role = None
    if request.GET.get("role"):
        form = FinderForm(request.GET)
        role = form.cleaned_data.get("role") if form.is_valid() else None
    return render(request, "finder/checklist.html", {"advice": guide_advice(role), "role": role})


@user_passes_test_or_403(is_institution)
def shortlist(request):
    entries = list(
        ShortlistEntry.objects.filter(user=request.user)
        .select_related("organisation", "organisation__state")
        .filter(organisation__status=Organisation.Status.PUBLISHED)
    )
    for entry in entries:
        entry.form = ShortlistNoteForm(initial={"note": entry.note}, prefix=f"e{entry.pk}")
    return render(request, "finder/shortlist.html", {"entries": entries})


@user_passes_test_or_403(is_institution)
@require_POST
def shortlist_toggle(request, slug):
    organisation = get_object_or_404(Organisation.objects.published(), slug=slug)
    entry = ShortlistEntry.objects.filter(user=request.user, organisation=organisation).first()
    if entry:
        entry.delete()
        messages.success(
            request, _("%(name)s ist nicht mehr auf Ihrer Merkliste.") % {"name": organisation.name}
        )
    else:
        try:
            with transaction.atomic():
                ShortlistEntry.objects.create(user=request.user, organisation=organisation)
        except IntegrityError:
            pass  # added at the same moment (another tab): it is on the list (shortlist_once)
        messages.success(
            request, _("%(name)s ist auf Ihrer Merkliste.") % {"name": organisation.name}
        )
    return HttpResponseRedirect(safe_next(request, reverse("shortlist")))


@user_passes_test_or_403(is_institution)
@require_POST
def shortlist_note(request, pk):
    entry = get_object_or_404(ShortlistEntry, pk=pk, user=request.user)
    form = ShortlistNoteForm(request.POST, prefix=f"e{entry.pk}")
    if form.is_valid():
        entry.note = form.cleaned_data["note"]
        entry.save(update_fields=["note"])
        messages.success(request, _("Notiz gespeichert."))
        return redirect("shortlist")
    entries = [entry]
    entry.form = form
    return render(request, "finder/shortlist.html", {"entries": entries}, status=400)


@user_passes_test_or_403(is_institution)
def shortlist_csv(request):
    entries = (
        ShortlistEntry.objects.filter(user=request.user)
        .select_related("organisation", "organisation__state")
        .filter(organisation__status=Organisation.Status.PUBLISHED)
    )
    rows = []
    for entry in entries:
        organisation = entry.organisation
        contact = visible_contact(organisation, request.user)
        rows.append(
            [
                organisation.name,
                contact["postal_code"],
                contact["city"],
                organisation.state.label if organisation.state else "",
                contact["street"],
                contact["email"],
                contact["phone"],
                contact["website"],
                request.build_absolute_uri(organisation.get_absolute_url()),
                entry.note,
            ]
        )
    header = [
        _("Name"),
        _("Postleitzahl"),
        _("Ort"),
        _("Bundesland"),
        _("Straße"),
        _("E-Mail"),
        _("Telefon"),
        _("Website"),
        _("Profil"),
        _("Private Notiz"),
    ]
    stamp = timezone.localdate().isoformat()
    return csv_response(f"merkliste-{stamp}.csv", header, rows)


@user_passes_test_or_403(is_institution)
@require_POST
def search_save(request):
    form = SavedSearchForm(request.POST)
    if form.is_valid():
        query = QueryDict(form.cleaned_data["query"]).urlencode()
        SavedSearch.objects.create(user=request.user, name=form.cleaned_data["name"], query=query)
        messages.success(request, _("Suche gespeichert."))
        return redirect(f"{reverse('finder')}?{query}")
    messages.error(request, _("Bitte geben Sie der Suche einen Namen."))
    query = QueryDict(request.POST.get("query", "")[:2000]).urlencode()
    return redirect(f"{reverse('finder')}?{query}")


@user_passes_test_or_403(is_institution)
@require_POST
def search_delete(request, pk):
    get_object_or_404(SavedSearch, pk=pk, user=request.user).delete()
    messages.success(request, _("Gespeicherte Suche gelöscht."))
    return redirect("finder")
