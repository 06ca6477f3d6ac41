"""Term pages: everything the portal knows about one vocabulary term — the
guide items that carry it and the MOs that do."""

from django.db.models import Count
from django.http import Http404
from django.shortcuts import render

from core.pagecache import anonymous_page, cached
from directory.models import Organisation, Term
from directory.relations import BY_KIND
from directory.vocabulary import get_vocabulary
from guidance.models import Item

KIND_BY_SLUG = {slug: kind for kind, slug in Term.KIND_SLUGS.items()}
ORGANISATIONS_SHOWN = 12


@anonymous_page("directory")
def topics_index(request):
    vocab = get_vocabulary()
    kinds = [
        (Term.Kind(kind).label, list(vocab.kind(kind)))
        for kind in Term.KIND_SLUGS
        if kind != Term.Kind.LANGUAGE
    ]
    return render(
        request,
        "portal/topics.html",
        {"kinds": kinds, "languages": vocab.kind(Term.Kind.LANGUAGE)},
    )


def _counts(field: str) -> dict[int, int]:
    """Published profiles per term of one relation (or of the state, a
    foreign key), in one grouped query."""
    through = getattr(getattr(Organisation, field), "through", None)
    if through is None:
        published = Organisation.objects.published().exclude(**{f"{field}__isnull": True})
        rows = published.values_list(f"{field}_id").annotate(n=Count("pk")).order_by()
        return dict(rows.values_list(f"{field}_id", "n"))
    rows = (
        through.objects.filter(organisation__status=Organisation.Status.PUBLISHED)
        .values_list("term_id")
        .annotate(n=Count("organisation_id"))
        .order_by()
    )
    return dict(rows.values_list("term_id", "n"))


def _organisations(term):
    relation = BY_KIND.get(term.kind)
    if relation is None:
        return None, []
    queryset = Organisation.objects.published().filter(**{relation.field: term.pk})
    shown = list(
        queryset.select_related("state")
        .only("name", "slug", "city", "state__label_de", "state__label_en", "confirmed_at")
        .order_by("-confirmed_at", "name")[:ORGANISATIONS_SHOWN]
    )
    # Counted for all terms of the relation at once and kept until the directory
    # changes: counting one common term anew cost 110 ms at 160,000 MOs.
    counts = cached(
        "term-counts", (relation.field,), lambda: _counts(relation.field), namespaces=("directory",)
    )
    return counts.get(term.pk, 0), shown


@anonymous_page("directory", "guide")
def term_detail(request, kind, slug):
    kind_value = KIND_BY_SLUG.get(kind)
    term = get_vocabulary().get(kind_value, slug) if kind_value else None
    if term is None:
        raise Http404
    items = list(
        Item.objects.filter(is_published=True, terms=term)
        .select_related("chapter")
        .order_by("chapter__number", "position")
    )
    count, organisations = _organisations(term)
    return render(
        request,
        "portal/term.html",
        {
            "term": term,
            "items": items,
            "organisation_count": count,
            "organisations": organisations,
        },
    )
