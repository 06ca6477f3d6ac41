"""Facet counts for a directory result in two queries, whatever the number of
facets, terms or results.

1. One UNION ALL of GROUP BY queries: for every vocabulary relation (and the
   state), how many of the current results carry each term.
2. One aggregate: the total and the counts for area and the yes/no filters.
"""

from dataclasses import dataclass, field

from django.db.models import CharField, Count, Q, QuerySet, Value

from directory.filters import TERM_FACETS
from directory.models import Organisation


@dataclass
class FacetCounts:
    total: int = 0
    terms: dict[str, dict[int, int]] = field(default_factory=dict)  # param -> term id -> n
    states: dict[int, int] = field(default_factory=dict)
    areas: dict[str, int] = field(default_factory=dict)
    flags: dict[str, dict[str, int]] = field(default_factory=dict)  # param -> ja/nein -> n


def facet_counts(results: QuerySet) -> FacetCounts:
    ids = results.order_by().values("pk")
    counts = FacetCounts()

    aggregate = results.order_by().aggregate(
        total=Count("pk"),
        paid_staff_ja=Count("pk", filter=Q(paid_staff__gt=0)),
        rooms_ja=Count("pk", filter=Q(has_rooms=True)),
        open_ja=Count("pk", filter=Q(open_for_cooperation=True)),
        **{
            f"area_{value}": Count("pk", filter=Q(area=value)) for value in Organisation.Area.values
        },
    )
    counts.total = aggregate["total"]
    counts.areas = {value: aggregate[f"area_{value}"] for value in Organisation.Area.values}
    for flag in ("paid_staff", "rooms", "open"):
        yes = aggregate[f"{flag}_ja"]
        counts.flags[flag] = {"ja": yes, "nein": counts.total - yes}
    if counts.total == 0:
        return counts

    query = (
        Organisation.objects.filter(pk__in=ids, state__isnull=False)
        .order_by()
        .values("state_id")
        .annotate(param=Value("state", output_field=CharField()), n=Count("pk"))
        .values_list("param", "state_id", "n")
    )
    for param, (relation, _kind, _label) in TERM_FACETS.items():
        through = Organisation._meta.get_field(relation).remote_field.through
        part = (
            through.objects.filter(organisation_id__in=ids)
            .order_by()
            .values("term_id")
            .annotate(param=Value(param, output_field=CharField()), n=Count("pk"))
            .values_list("param", "term_id", "n")
        )
        query = query.union(part, all=True)
    for param, term_id, n in query:
        if param == "state":
            counts.states[term_id] = n
        else:
            counts.terms.setdefault(param, {})[term_id] = n
    return counts
