"""'From the guide' on MO profile pages: the guide sections that matter for an
organisation, derived from its roles, resources and capacities."""

from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.pagecache import cached
from directory.vocabulary import get_vocabulary
from guidance.models import Item

# Capacity gaps and the guide's vocabulary for them.
GAPS = [
    # (test on the organisation, need slug, reason)
    (lambda o: o.paid_staff == 0, "hauptamtliche-strukturen", "no_paid_staff"),
    (lambda o: not o.has_rooms, "raeumlichkeiten", "no_rooms"),
]


def _reason_label(code: str, own_team: bool) -> str:
    """Why a section is shown: addressed to the MO ("Ihre Organisation") only
    where its own team looks; to everybody else it speaks of the organisation."""
    if own_team:
        return {
            "no_paid_staff": _("Weil Ihre Organisation ohne hauptamtliche Strukturen arbeitet"),
            "no_rooms": _("Weil Ihre Organisation keine eigenen Räume hat"),
            "featured": _("Ihre Organisation wird im Leitfaden vorgestellt"),
            "support": _("Unterstützungsangebote, die sich bewährt haben"),
        }[code]
    return {
        "no_paid_staff": _("Für Organisationen ohne hauptamtliche Strukturen wie diese"),
        "no_rooms": _("Für Organisationen ohne eigene Räume wie diese"),
        "featured": _("Diese Organisation wird im Leitfaden vorgestellt"),
        "support": _("Unterstützungsangebote, die sich bewährt haben"),
    }[code]


def guide_sections_for(organisation, terms: dict, own_team: bool = False) -> list[tuple[str, list]]:
    """[(reason, [items])]: the guide items an organisation should read, and why
    (in the words for its own team, or for every other visitor)."""
    vocab = get_vocabulary()
    own = {t.pk: t for relation in ("roles", "resources") for t in terms.get(relation, [])}
    gaps = [(vocab.get("need", slug), code) for test, slug, code in GAPS if test(organisation)]
    gaps = [(term, code) for term, code in gaps if term is not None]
    condition = Q(terms__in=list(own) + [t.pk for t, _code in gaps])
    condition |= Q(featured_organisations=organisation)
    no_paid_staff = organisation.paid_staff == 0
    if no_paid_staff:
        condition |= Q(kind=Item.Kind.SUPPORT_FORMAT)
    featured = Item.featured_organisations.through.objects.filter(
        item_id=OuterRef("pk"), organisation_id=organisation.pk
    )
    items = (
        Item.objects.filter(is_published=True)
        .filter(condition)
        .annotate(is_featured=Exists(featured))
        .select_related("chapter")
        .prefetch_related("terms")
        .distinct()
        .order_by("chapter__number", "position")
    )
    groups: dict[str, list] = {}
    gap_ids = {t.pk: code for t, code in gaps}
    for item in items:
        item_terms = {t.pk for t in item.terms.all()}
        reasons = []
        if item.is_featured:
            reasons.append(_reason_label("featured", own_team))
        for pk in item_terms & set(own):
            term = own[pk]
            reasons.append(f"{term.get_kind_display()}: {term.label}")
        for pk in item_terms & set(gap_ids):
            reasons.append(_reason_label(gap_ids[pk], own_team))
        if not reasons and item.kind == Item.Kind.SUPPORT_FORMAT and no_paid_staff:
            reasons.append(_reason_label("support", own_team))
        if reasons:
            groups.setdefault(reasons[0], []).append(item)
    return list(groups.items())


def profile_panel(request, organisation, terms=None, membership=None, **kwargs) -> str:
    """The panel's HTML, one for the MO's own team and one for every other
    visitor: kept per version of the profile (its roles, resources and
    capacities) and generation of the guide (what it features; a change of the
    vocabulary advances it too)."""
    own_team = membership is not None

    def render() -> str:
        groups = guide_sections_for(organisation, terms or {}, own_team)
        if not groups:
            return ""
        return render_to_string(
            "guidance/includes/profile_panel.html",
            {"groups": groups, "organisation": organisation, "own_team": own_team},
        )

    parts = (organisation.pk, organisation.version, get_language(), own_team)
    return mark_safe(cached("guide-panel", parts, render, namespaces=("guide",)))
