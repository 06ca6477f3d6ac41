import copy
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import F
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.pagecache import (
    anonymous_page,
    cached,
    generations,
    hash_params,
    is_fragment_request,
)
from directory import extensions, identity, jsonld, merging, references
from directory.access import is_reviewer, membership_of, organisation_for_viewer, visible_contact
from directory.facet_html import options_html
from directory.facets import facet_counts
from directory.filters import SORT_CHOICES, DirectoryPageFilter, radius_km
from directory.geo import DISTANCE, km_from_squared
from directory.models import Offer, Organisation
from directory.paging import order_for_page
from directory.relations import BY_PARAM, LANGUAGES, MANY_RELATIONS, ROLES, STATE, Text
from directory.term_choices import german_key
from directory.vocabulary import get_vocabulary, terms_by_organisation

LIST_FIELDS = [
    "name",
    "short_name",
    "slug",
    "city",
    "postal_code",
    "state",
    "paid_staff",
    "has_rooms",
    "open_for_cooperation",
    "confirmed_at",
    "source_imported_at",
    "area",
    "identity_key",
]
MAX_RELAX_SUGGESTIONS = 8


@dataclass
class ActiveFilter:
    param: str
    value: str
    label: str
    remove_url: str


@dataclass
class FacetOption:
    value: str
    label: Text
    count: int
    selected: bool


def _query_without(querydict, param: str, value: str | None = None) -> str:
    query = querydict.copy()
    if value is None:
        query.pop(param, None)
    else:
        query.setlist(param, [v for v in query.getlist(param) if v != value])
    query.pop("page", None)
    return "?" + query.urlencode() if query else "?"


def _active_filters(filterset, querydict) -> list[ActiveFilter]:
    filterset.form.is_valid()
    data = filterset.form.cleaned_data  # only the valid parameters
    vocab = get_vocabulary()
    active = []
    for relation in MANY_RELATIONS:
        param = relation.param
        for slug in data.get(param) or []:
            term = vocab.get(relation.kind, slug)
            if term:
                active.append(
                    ActiveFilter(
                        param,
                        slug,
                        f"{relation.label}: {term.label}",
                        _query_without(querydict, param, slug),
                    )
                )
    simple = {
        "q": _("Suche"),
        STATE.param: STATE.label,
        "place": _("Ort/PLZ"),
        "area": _("Wirkungsbereich"),
        "paid_staff": _("Hauptamtliche"),
        "rooms": _("Eigene Räume"),
        "open": _("Offen für Kooperationen"),
        "verified": _("Identität geprüft"),
    }
    near = data.get("near")
    if near is not None:
        query = querydict.copy()
        for param in ("near", "radius", "page"):
            query.pop(param, None)
        if query.get("sort") == "distance":
            query.pop("sort")
        chip = _("Umkreis: %(km)s km um %(place)s") % {"km": radius_km(data), "place": near.label}
        active.append(ActiveFilter("near", near.label, chip, "?" + query.urlencode()))
    for param, label in simple.items():
        value = data.get(param)
        if not value:
            continue
        shown = value
        if param == STATE.param:
            term = vocab.get(STATE.kind, value)
            shown = term.label if term else value
        elif param == "area":
            shown = Organisation.Area(value).label
        elif param in ("paid_staff", "rooms", "open", "verified"):
            shown = _("ja") if value == "ja" else _("nein")
        active.append(
            ActiveFilter(param, value, f"{label}: {shown}", _query_without(querydict, param))
        )
    return active


SINGLE_CHOICE = (STATE.param, "area", "paid_staff", "rooms", "open")


def _own_choices(querydict, counts):
    """A single-choice facet that is set (a radio group: state, area, the flags)
    counts its options as if it were not set: the other choices stay offered with
    the number each would give. Otherwise choosing one state would leave only that
    state, and the arrow keys, which check each radio button they pass (and each
    check updates the live results), could never reach the next one."""
    for param in SINGLE_CHOICE:
        if not querydict.get(param):
            continue
        others = querydict.copy()
        for name in (param, "page", "sort"):
            others.pop(name, None)
        key = sorted((k, sorted(v)) for k, v in others.lists())

        def count(others: Any = others) -> Any:
            published = Organisation.objects.published()
            return facet_counts(DirectoryPageFilter(others, queryset=published).qs)

        without = cached("facets", key, count, namespaces=("directory",))
        if param == STATE.param:
            counts.states = without.states
        elif param == "area":
            counts.areas = without.areas
        else:
            counts.flags[param] = without.flags[param]
    return counts


def _facet_groups(filterset, counts, querydict=None):
    """Options per facet: those present in the result, plus the selected ones."""
    vocab = get_vocabulary()
    filterset.form.is_valid()
    data = filterset.form.cleaned_data
    if querydict is not None:
        counts = _own_choices(querydict, copy.deepcopy(counts))
    groups: list[dict[str, Any]] = []
    for relation in MANY_RELATIONS:
        selected = set(data.get(relation.param) or [])
        by_term = counts.terms.get(relation.param, {})
        options = [
            FacetOption(term.slug, term.label, by_term.get(term.pk, 0), term.slug in selected)
            for term in vocab.kind(relation.kind)
            if by_term.get(term.pk) or term.slug in selected
        ]
        if relation.long_list:
            options.sort(key=lambda o: (-o.count, german_key(str(o.label))))
        groups.append(
            {
                "param": relation.param,
                "label": relation.label,
                "glossary": relation.glossary,
                "options": options,
                "multiple": True,
                # a long list gets a field that filters it as one types (livefilter.js)
                "long": relation.long_list,
            }
        )
    state = data.get(STATE.param) or ""
    groups.insert(
        0,
        {
            "param": STATE.param,
            "label": STATE.label,
            "multiple": False,
            "options": [
                FacetOption(t.slug, t.label, counts.states.get(t.pk, 0), t.slug == state)
                for t in vocab.kind(STATE.kind)
                if counts.states.get(t.pk) or t.slug == state
            ],
        },
    )
    area = data.get("area") or ""
    groups.append(
        {
            "param": "area",
            "label": _("Wirkungsbereich"),
            "glossary": "wirkungsbereich",
            "multiple": False,
            "options": [
                FacetOption(value, label, counts.areas.get(value, 0), value == area)
                for value, label in Organisation.Area.choices
                if counts.areas.get(value) or value == area
            ],
        }
    )
    for param, label, glossary in (
        ("paid_staff", _("Hauptamtliche Mitarbeitende"), "hauptamtliche-strukturen"),
        ("rooms", _("Eigene Räume"), ""),
        ("open", _("Offen für neue Kooperationen"), ""),
    ):
        chosen = data.get(param) or ""
        groups.append(
            {
                "param": param,
                "label": label,
                "glossary": glossary,
                "multiple": False,
                "options": [
                    FacetOption(value, shown, counts.flags[param][value], value == chosen)
                    for value, shown in (("ja", _("ja")), ("nein", _("nein")))
                    if counts.flags[param][value] or value == chosen
                ],
            }
        )
    # Verified identity: one checkbox; its count is how many of the current
    # results carry the badge (with the box ticked: all of them).
    verified = data.get("verified") or ""
    groups.append(
        {
            "param": "verified",
            "label": _("Identität"),
            "multiple": True,
            "options": [
                FacetOption("ja", _("Identität geprüft"), counts.verified, verified == "ja")
            ]
            if counts.verified or verified == "ja"
            else [],
        }
    )
    # The long lists (languages) first: the facet most searched in, and its search
    # field near the top of the column rather than thousands of pixels down (issue 18).
    groups.sort(key=lambda group: not group.get("long", False))
    for group in groups:
        group["selected_any"] = any(option.selected for option in group["options"])
        group["options_html"] = options_html(
            group["param"], group["options"], multiple=group["multiple"]
        )
    return groups


def _page_end(request) -> int:
    """Where the page asked for ends (an invalid page: the first; the paginator
    refuses it later)."""
    try:
        number = max(int(request.GET.get("page") or 1), 1)
    except ValueError:  # also "²", which isdigit() takes for a digit
        number = 1
    return number * settings.DIRECTORY_PAGE_SIZE


def _ordered(
    queryset, sort: str, searching: bool, near: bool = False, *, total: int = 0, until: int = 0
):
    """The page's order. By name, a rare filter's few matches are sorted instead
    of walking the name index past nearly every profile (directory.paging:
    ``total`` matches, the page ending at ``until``)."""
    if sort == "distance" and near:
        return queryset.order_by(DISTANCE, "name", "pk")
    if sort == "confirmed":
        return queryset.order_by(F("confirmed_at").desc(nulls_last=True), "name", "pk")
    if sort == "relevance" and searching:
        return queryset.order_by("-rank", "name", "pk")
    return order_for_page(queryset, total, ("name", "text"), ("pk", "number"), until=until)


def _relax_suggestions(request, active):
    """For an empty result: how many results there would be without each filter."""
    suggestions = []
    for item in active[:MAX_RELAX_SUGGESTIONS]:
        params = request.GET.copy()
        relation = BY_PARAM.get(item.param)
        if relation is not None and relation.many:
            params.setlist(item.param, [v for v in params.getlist(item.param) if v != item.value])
        else:
            params.pop(item.param, None)
        relaxed = DirectoryPageFilter(params, queryset=Organisation.objects.published())
        suggestions.append((item, relaxed.qs.count()))
    return suggestions


@anonymous_page("directory")
def organisation_list(request):
    filterset = DirectoryPageFilter(request.GET, queryset=Organisation.objects.published())
    results = filterset.qs
    params = sorted((k, sorted(v)) for k, v in request.GET.lists() if k not in ("page", "sort"))
    counts = cached("facets", params, lambda: facet_counts(results), namespaces=("directory",))
    searching = bool(filterset.search_query.strip())
    near = filterset.near_location is not None
    default_sort = "relevance" if searching else "distance" if near else "name"
    sort = request.GET.get("sort") or default_sort
    sort_choices = [
        (value, label)
        for value, label in SORT_CHOICES
        if (value != "relevance" or searching) and (value != "distance" or near)
    ]
    if sort not in dict(sort_choices):
        sort = "name"

    ordered = _ordered(results, sort, searching, near, total=counts.total, until=_page_end(request))
    ordered = ordered.select_related("state")
    ordered = ordered.only(*LIST_FIELDS)
    paginator = Paginator(ordered, settings.DIRECTORY_PAGE_SIZE)
    paginator.__dict__["count"] = counts.total  # known from the facet query
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except (PageNotAnInteger, EmptyPage):
        raise Http404(_("Diese Seite gibt es nicht.")) from None

    rows = list(page.object_list)
    terms = terms_by_organisation([o.pk for o in rows], relations=[ROLES.field, LANGUAGES.field])
    identity.attach(rows)
    for organisation in rows:
        organisation.term_lists = terms[organisation.pk]
        squared = getattr(organisation, DISTANCE, None)
        organisation.distance_km = None if squared is None else round(km_from_squared(squared))

    active = _active_filters(filterset, request.GET)
    plan = filterset.search_plan
    suggestion_url = ""
    if plan is not None and plan.suggestion:
        corrected = request.GET.copy()
        corrected["q"] = plan.suggestion
        corrected.pop("page", None)
        suggestion_url = "?" + corrected.urlencode()
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    context = {
        "filterset": filterset,
        "page": page,
        "page_range": list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
        "organisations": rows,
        "total": counts.total,
        # Rendered only when the cached sidebar fragment is missing (see the template).
        "facet_groups": SimpleLazyObject(lambda: _facet_groups(filterset, counts, request.GET)),
        "facet_cache_key": f"{generations(('directory',))}:{hash_params(params)}",
        "active_filters": active,
        "relax": _relax_suggestions(request, active) if counts.total == 0 and active else [],
        "search_plan": plan,
        "suggestion_url": suggestion_url,
        "sort": sort,
        "sort_choices": sort_choices,
        # The default order is sent as "": after adding a search term or a place the
        # form's next submit orders by relevance or distance, not by the old default.
        "default_sort": default_sort,
        "query_without_page": query_without_page.urlencode(),
        "open_data_licence": {
            "name": settings.OPEN_DATA_LICENCE_NAME,
            "url": settings.OPEN_DATA_LICENCE_URL,
            "attribution": settings.OPEN_DATA_ATTRIBUTION,
        },
        # An unknown place is explained next to its field (near_errors).
        "invalid_params": sorted(set(filterset.form.errors) - {"near"})
        if filterset.is_bound
        else [],
        "near_errors": filterset.form.errors.get("near", []) if filterset.is_bound else [],
        "radius_choices": filterset.form.fields["radius"].choices[1:],
        "radius": str(radius_km(filterset.form.cleaned_data if filterset.is_bound else {})),
    }
    # A live update (htmx) gets the results and, out of band, the parts of the filters
    # that depend on them; the page cache keys the two apart (core.pagecache).
    fragment = is_fragment_request(request)
    template = "directory/organisation_list_fragment.html" if fragment else None
    response = render(request, template or "directory/organisation_list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@dataclass(frozen=True)
class ProfileParts:
    head: SafeString
    body: SafeString
    has_owner: bool
    jsonld: SafeString  # schema.org, what anonymous visitors see (published profiles)


def profile_parts(organisation: Organisation, loaded: dict[str, Any] | None = None) -> ProfileParts:
    """The parts of a profile page that are the same for every visitor who may see
    it (its heading and what the MO says about itself), rendered once per version
    of the profile, language and generation of the directory's data (a change of
    the vocabulary, an identity check or of the team advances it): a signed-in
    visitor, for whom no page is kept, gets them without their five queries.
    ``loaded`` receives the terms when they were read."""

    def render_parts() -> ProfileParts:
        terms = terms_by_organisation([organisation.pk])[organisation.pk]
        if loaded is not None:
            loaded["terms"] = terms
        offers = Offer.objects.filter(organisation=organisation).prefetch_related("languages")
        identity.attach([organisation])
        context = {
            "organisation": organisation,
            "terms": terms,
            "offers": offers,
            "overdue": overdue,
            "references": references.confirmed_of([organisation.pk])[organisation.pk],
        }
        return ProfileParts(
            head=mark_safe(render_to_string("directory/includes/profile_head.html", context)),
            body=mark_safe(render_to_string("directory/includes/profile_body.html", context)),
            has_owner=organisation.memberships.filter(role="owner").exists(),
            jsonld=jsonld.script(jsonld.organisation_data(organisation, terms))
            if organisation.is_published
            else mark_safe(""),
        )

    # Whether it is overdue changes with the date, not with a version.
    overdue = organisation.confirmation_overdue()
    parts = (organisation.pk, organisation.version, get_language(), overdue)
    # ":2": with the JSON-LD (parts kept before it have none).
    return cached("profile-parts:2", parts, render_parts, namespaces=("directory",))


@anonymous_page("directory", "guide")
def organisation_detail(request, slug):
    try:
        organisation = organisation_for_viewer(request, slug)
    except Http404:
        organisation = None
    if organisation is None or organisation.merged_into_id is not None:
        # A profile merged into another (directory.merging): its address moved.
        target = merging.target_of(Organisation.objects.filter(slug=slug))
        if target is None or not (
            target.is_published or is_reviewer(request.user) or membership_of(request.user, target)
        ):
            raise Http404
        return HttpResponsePermanentRedirect(target.get_absolute_url())
    loaded: dict[str, Any] = {}
    parts = profile_parts(organisation, loaded)
    membership = membership_of(request.user, organisation)

    def panel_terms() -> Any:
        if "terms" not in loaded:
            loaded["terms"] = terms_by_organisation([organisation.pk])[organisation.pk]
        return loaded["terms"]

    # Read only by a panel that is not kept (guidance.profile_panel).
    terms = SimpleLazyObject(panel_terms)
    return render(
        request,
        "directory/organisation_detail.html",
        {
            "organisation": organisation,
            "parts": parts,
            "contact": visible_contact(organisation, request.user),
            "membership": membership,
            "reviewer": is_reviewer(request.user),
            "claimable": organisation.is_published and membership is None and not parts.has_owner,
            "panels": extensions.render_all(
                extensions.profile_panels, request, organisation, terms=terms, membership=membership
            ),
            "actions": extensions.render_all(
                extensions.profile_actions, request, organisation, terms=terms
            ),
        },
    )
