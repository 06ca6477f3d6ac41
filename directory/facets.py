"""Facet counts and the total of a directory result in one query, whatever the
number of facets, terms or results.

The result's ids (with the few columns the plain facets need) become a common
table expression that PostgreSQL materialises once (it is referenced several
times); every facet is a GROUP BY over it, all joined with UNION ALL into rows
of (facet, key, count). The same SQL runs on SQLite.
"""

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import QuerySet

from directory.models import IdentityVerification, Organisation
from directory.relations import MANY_RELATIONS

FLAG_CONDITIONS = {
    "paid_staff": "paid_staff > 0",
    "rooms": "has_rooms",
    "open": "open_for_cooperation",
}


@dataclass
class FacetCounts:
    total: int = 0
    terms: dict[str, dict[int, int]] = field(default_factory=dict)  # param -> term id -> n
    states: dict[int, int] = field(default_factory=dict)
    areas: dict[str, int] = field(default_factory=dict)
    flags: dict[str, dict[str, int]] = field(default_factory=dict)  # param -> ja/nein -> n
    verified: int = 0  # results whose identity a coordinator checked (directory.identity)


def _facet_sql(results: QuerySet) -> tuple[str, list]:
    qn = connection.ops.quote_name
    inner, params = (
        results.order_by()
        .values(
            "pk",
            "state_id",
            "area",
            "paid_staff",
            "has_rooms",
            "open_for_cooperation",
            "identity_key",
        )
        .query.sql_with_params()
    )
    parts = ["SELECT 'total' AS facet, '' AS item, COUNT(*) AS n FROM r"]
    for flag, condition in FLAG_CONDITIONS.items():
        parts.append(
            f"SELECT '{flag}', 'ja', COALESCE(SUM(CASE WHEN {condition} THEN 1 ELSE 0 END), 0)"
            " FROM r"
        )
    parts.append("SELECT 'area', area, COUNT(*) FROM r GROUP BY area")
    parts.append(
        "SELECT 'state', CAST(state_id AS TEXT), COUNT(*) FROM r"
        " WHERE state_id IS NOT NULL GROUP BY state_id"
    )
    # Verified: a check that saw the profile's current values. The checks are few
    # (one per checked profile, a handful at most), so they are joined to the
    # result, not the result probed row by row; a profile checked twice counts once.
    checks = qn(IdentityVerification._meta.db_table)
    parts.append(
        f"SELECT 'verified', 'ja', COUNT(DISTINCT v.organisation_id) FROM {checks} v"
        " JOIN r ON v.organisation_id = r.id AND v.identity_key = r.identity_key"
    )
    for relation in MANY_RELATIONS:
        through = getattr(Organisation, relation.field).through
        table = qn(through._meta.db_table)
        parts.append(
            f"SELECT '{relation.param}', CAST(t.term_id AS TEXT), COUNT(*) FROM {table} t"
            " JOIN r ON t.organisation_id = r.id GROUP BY t.term_id"
        )
    columns = "(id, state_id, area, paid_staff, has_rooms, open_for_cooperation, identity_key)"
    sql = f"WITH r {columns} AS ({inner}) " + " UNION ALL ".join(parts)
    return sql, list(params)


def facet_counts(results: QuerySet) -> FacetCounts:
    sql, params = _facet_sql(results)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    counts = FacetCounts(areas=dict.fromkeys(Organisation.Area.values, 0))
    flags_yes = {}
    for facet, item, n in rows:
        n = int(n)
        if facet == "total":
            counts.total = n
        elif facet in FLAG_CONDITIONS:
            flags_yes[facet] = n
        elif facet == "verified":
            counts.verified = n
        elif facet == "area":
            counts.areas[item] = n
        elif facet == "state":
            counts.states[int(item)] = n
        else:
            counts.terms.setdefault(facet, {})[int(item)] = n
    for flag in FLAG_CONDITIONS:
        yes = flags_yes.get(flag, 0)
        counts.flags[flag] = {"ja": yes, "nein": counts.total - yes}
    return counts
