"""The partner finder page, its printable checklist, the shortlist and saved searches."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import EmptyPage, Paginator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.roles import is_institution
from core.access import user_passes_test_or_403
from core.csvexport import csv_response
from core.http import safe_next
from core.pagecache import anonymous_page, is_fragment_request
from directory import geo, identity, references
from directory.access import visible_contact
from directory.filters import DEFAULT_RADIUS
from directory.geo import km_from_squared
from directory.models import Organisation
from directory.vocabulary import terms_by_organisation
from finder import services
from finder.forms import BUDGET_CHOICES, FinderForm, SavedSearchForm, ShortlistNoteForm
from finder.models import SavedSearch, ShortlistEntry
from finder.ranking import MUST, NICE, build_criteria, explain, rank, ranked_page
from guidance.models import Item

PAGE_SIZE = 20
MAX_PAGE = 100_000  # 2,000,000 MOs
CARD_FIELDS = (
    "name",
    "slug",
    "city",
    "postal_code",
    "state_id",
    "paid_staff",
    "volunteers",
    "budget_band",
    "has_rooms",
    "confirmed_at",
    "identity_key",
)


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


@dataclass
class Chip:
    """An active criterion of the finder, removable (the link leaves it out)."""

    param: str
    value: str
    label: str
    remove_url: str


def _without(querydict: QueryDict, *params: str, value: str | None = None) -> str:
    query = querydict.copy()
    for param in params:
        if value is None:
            query.pop(param, None)
        else:
            query.setlist(param, [v for v in query.getlist(param) if v != value])
    query.pop("page", None)
    return "?" + query.urlencode()


def _chips(form: FinderForm, querydict: QueryDict) -> list[Chip]:
    """One chip per criterion asked for (one per language), in the form's order."""
    data = form.cleaned_data
    chips: list[Chip] = []

    def add(
        param: str, value: str, shown: str, *also: str, one: bool = False, label: str = ""
    ) -> None:
        field = form.fields[param]
        group = "region" if param in ("state", "place") else param
        importance = data.get(f"{group}_importance")
        label = label or (f"{field.label}: {shown}" if shown else str(field.label))
        if importance == MUST:
            label = _("%(criterion)s (muss)") % {"criterion": label}
        remove = (
            _without(querydict, param, value=value) if one else _without(querydict, param, *also)
        )
        chips.append(Chip(param, value, label, remove))

    for name in FinderForm.CRITERIA:
        value = data.get(name)
        if not value:
            continue
        if name == "languages":
            for term in value:
                add(name, str(term.pk), term.label, one=True)
        elif name == "near":
            add(
                name,
                "",
                "",
                "radius",
                label=_("Umkreis: %(km)s km um %(place)s")
                % {
                    "km": data.get("radius") or DEFAULT_RADIUS,
                    "place": value.label,
                },
            )
        elif name in ("paid_staff", "rooms", "verified"):
            add(name, "on", "")
        elif name == "budget":
            add(name, "", str(dict(BUDGET_CHOICES)[value]))
        elif hasattr(value, "label"):  # a term
            add(name, "", value.label)
        else:
            add(name, "", str(value))
    if data.get("open_only"):
        chips.append(
            Chip(
                "open_only",
                "on",
                str(form.fields["open_only"].label),
                _without(querydict, "open_only"),
            )
        )
    return chips


@anonymous_page("directory", "guide")
def finder(request):
    bound = bool(request.GET)
    form = FinderForm(request.GET if bound else None, initial=_initial(request))
    context: dict[str, Any] = {"form": form, "searched": False}
    if bound and form.has_criteria():
        data = form.cleaned_data
        criteria = build_criteria(data)
        open_only = data.get("open_only", False)
        try:
            number = int(request.GET.get("page") or 1)
        except ValueError:
            raise Http404(_("Diese Seite gibt es nicht.")) from None
        if not 1 <= number <= MAX_PAGE:  # a larger offset would overflow SQL's bigint
            raise Http404(_("Diese Seite gibt es nicht."))
        # One pass scores the listed MOs for the page and the figures.
        ids, counts = ranked_page(
            criteria, open_only=open_only, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE
        )
        paginator = Paginator(range(counts["total"]), PAGE_SIZE)
        try:
            page = paginator.page(number)
        except EmptyPage:
            raise Http404(_("Diese Seite gibt es nicht.")) from None
        # The page's MOs, with what their cards explain (the wishes decided in
        # the database, the distance), in the order of the ranking.
        found = rank(criteria, open_only=open_only).filter(pk__in=ids).only(*CARD_FIELDS)
        by_pk = {o.pk: o for o in found}
        rows = [by_pk[pk] for pk in ids if pk in by_pk]
        page.object_list = rows
        terms = terms_by_organisation([o.pk for o in rows])
        identity.attach(rows)
        confirmed = references.confirmed_of([o.pk for o in rows])
        for organisation in rows:
            organisation.confirmed_references = confirmed[organisation.pk]
            organisation.explanation = explain(organisation, terms[organisation.pk], criteria)
            squared = getattr(organisation, geo.DISTANCE, None)
            organisation.distance_km = None if squared is None else round(km_from_squared(squared))
        query = request.GET.copy()
        query.pop("page", None)
        context.update(
            searched=True,
            page=page,
            results=rows,
            total=counts["total"],
            counts=counts,
            has_must=any(c.importance == MUST for c in criteria),
            has_nice=any(c.importance == NICE for c in criteria),
            criteria=criteria,
            query=query.urlencode(),
            advice=guide_advice(data.get("role")),
            role=data.get("role"),
            chips=_chips(form, request.GET),
        )
    else:
        context["advice"] = guide_advice()
    # The guide's first precondition (ch. 7, paid structures): volunteer-only cards link it.
    prerequisites = context["advice"]["prerequisites"]
    context["paid_structures_item"] = prerequisites[0] if prerequisites else None
    if is_institution(request.user):
        context["shortlisted"] = set(
            ShortlistEntry.objects.filter(user=request.user).values_list(
                "organisation_id", flat=True
            )
        )
        context["saved_searches"] = SavedSearch.objects.filter(user=request.user)[:20]
        context["save_form"] = SavedSearchForm(initial={"query": request.GET.urlencode()})
    # A live update (htmx) gets the results column only; the page cache keys it apart.
    template = (
        "finder/results_fragment.html" if is_fragment_request(request) else "finder/finder.html"
    )
    response = render(
        request, template, context, status=400 if bound and not form.is_valid() else 200
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


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
        .select_related("organisation", "organisation__state", "role")
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
                ShortlistEntry.objects.create(
                    user=request.user, organisation=organisation, role=_posted_role(request)
                )
        except IntegrityError:
            pass  # added at the same moment (another tab): it is on the list (shortlist_once)
        messages.success(
            request, _("%(name)s ist auf Ihrer Merkliste.") % {"name": organisation.name}
        )
    return HttpResponseRedirect(safe_next(request, reverse("shortlist")))


def _posted_role(request):
    """The role the finder searched for (the card's hidden field), if it is one."""
    form = FinderForm({"role": request.POST.get("role", "")})
    return form.cleaned_data.get("role") if form.is_valid() else None


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
        search = SavedSearch.objects.create(
            user=request.user, name=form.cleaned_data["name"], query=query
        )
        if form.cleaned_data["alert"]:
            services.alert_subscribe(search=search)
            messages.success(
                request,
                _(
                    "Suche gespeichert. Sie bekommen einmal pro Woche eine E-Mail, wenn neue "
                    "Organisationen passen."
                ),
            )
        else:
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


@user_passes_test_or_403(is_institution)
@require_POST
def search_alert(request, pk):
    """Switch the weekly e-mail of one's own saved search on or off."""
    search = get_object_or_404(SavedSearch, pk=pk, user=request.user)
    if search.alert:
        services.alert_unsubscribe(search=search)
        messages.success(request, _("Keine E-Mails mehr zu „%(name)s“.") % {"name": search.name})
    else:
        services.alert_subscribe(search=search)
        messages.success(
            request,
            _(
                "Sie bekommen einmal pro Woche eine E-Mail, wenn neue Organisationen zu "
                "„%(name)s“ passen."
            )
            % {"name": search.name},
        )
    return HttpResponseRedirect(safe_next(request, reverse("finder")))


@csrf_exempt  # the signed token is the permission; mail clients post one click (RFC 8058)
@never_cache
def alert_unsubscribe(request, pk, token):
    """The link in an alert: GET asks (mail scanners open links), POST switches off."""
    search = services.search_of_token(pk, token)
    if search is None:
        return render(request, "finder/alert_unsubscribe.html", {"invalid": True}, status=404)
    done = False
    if request.method == "POST":
        if search.alert:
            services.alert_unsubscribe(search=search)
        done = True
    elif request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(
        request,
        "finder/alert_unsubscribe.html",
        {"search": search, "done": done or not search.alert},
    )
