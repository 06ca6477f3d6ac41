"""How many published MOs carry a term, and a few of them: for guide items
and term pages. Two queries for any number of terms."""

from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from directory.models import Organisation
from directory.relations import BY_KIND


@dataclass
class TermStats:
    count: int = 0
    organisations: list = field(default_factory=list)


def term_statistics(terms, *, samples: int = 3) -> dict[int, TermStats]:
    """{term id: TermStats} for terms of kinds that describe organisations."""
    qn = connection.ops.quote_name
    org_table = qn(Organisation._meta.db_table)
    published = Organisation.Status.PUBLISHED
    by_relation: dict[str, list[int]] = {}
    for term in terms:
        relation = BY_KIND.get(term.kind)  # through tables: many-to-many relations only
        if relation is not None and relation.many:
            by_relation.setdefault(relation.field, []).append(term.pk)
    result: dict[int, TermStats] = {}
    if not by_relation:
        return result
    parts: list[str] = []
    params: list[Any] = []
    for field_name, ids in sorted(by_relation.items()):
        through = qn(getattr(Organisation, field_name).through._meta.db_table)
        placeholders = ", ".join(["%s"] * len(ids))
        parts.append(
            "SELECT term_id, org_id, n FROM ("
            " SELECT t.term_id AS term_id, o.id AS org_id,"
            " COUNT(*) OVER (PARTITION BY t.term_id) AS n,"
            " ROW_NUMBER() OVER (PARTITION BY t.term_id"
            " ORDER BY o.confirmed_at DESC, o.id) AS rn"
            f" FROM {through} t JOIN {org_table} o ON o.id = t.organisation_id"
            f" WHERE o.status = %s AND t.term_id IN ({placeholders})"
            ") ranked WHERE rn <= %s"
        )
        params += [published, *ids, samples]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    org_ids = {org_id for _term, org_id, _n in rows}
    organisations = Organisation.objects.only("name", "slug", "city").in_bulk(org_ids)
    for term_id, org_id, n in rows:
        stats = result.setdefault(term_id, TermStats(count=n))
        stats.organisations.append(organisations[org_id])
    for stats in result.values():
        stats.organisations.sort(key=lambda o: o.name)
    return result
