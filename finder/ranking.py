"""The partner finder: which published MOs suit a concrete purpose, and why.

Ranking (also explained on the page):
1. Every criterion marked "must" filters: an MO that misses one is not listed.
2. Every criterion marked "nice to have" that an MO meets earns one point (each
   wanted language counts on its own).
3. MOs are ordered by points, then (with a place for the distance criterion) by
   distance, nearest first and MOs without address last, then by the date they
   last confirmed their profile (most recent first), then by name. The same
   search always gives the same order.

Every criterion is a wish; a card says how many of them an MO meets, and the
headline counts the MOs that meet every wish and those that meet some
(``count_matches``).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, Count, Expression, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from directory import geo, identity
from directory.filters import DEFAULT_RADIUS
from directory.models import Organisation
from directory.reference_models import Reference
from directory.relations import (
    ADVICE_LANGUAGES,
    BY_FIELD,
    COMMUNITIES,
    COOPERATION_EXPERIENCE,
    FIELDS,
    LANGUAGES,
    ROLES,
    TARGET_GROUPS,
    term_token,
)
from directory.search import clean_query, place_condition, search_condition, searches_something

MUST, NICE = "must", "nice"


@dataclass
class Criterion:
    """One wish: a condition, its importance, and how it reads in an explanation."""

    key: str
    condition: Q
    importance: str
    met_label: str
    missed_label: str
    # test(organisation, terms) -> bool, for the explanation
    test: Callable[..., bool] | None = None
    # The place of a distance criterion: the results are annotated with the
    # distance from it (geo.DISTANCE), which breaks ties.
    centre: geo.Point | None = None
    # A wish whose matches an index finds (a topic: the trigram index of the
    # search text): ranked_page collects them in a pass of their own and joins
    # them to the scores, instead of testing every listed MO's text.
    own_pass: bool = False


@dataclass
class Explanation:
    items: list = field(default_factory=list)  # [(met: bool, text)]

    def __str__(self):
        return " · ".join(("✓ " if met else "✗ ") + text for met, text in self.items)

    @property
    def met(self) -> int:
        """How many of the wishes the MO meets ("3 von 4 Wünschen erfüllt")."""
        return sum(1 for met, _text in self.items if met)

    @property
    def wishes(self) -> int:
        return len(self.items)


# Budget bands from small to large: "at least this band" is every band from it up.
BUDGET_ORDER = [band.value for band in Organisation.BudgetBand]


def budget_at_least(band: str) -> list[str]:
    return BUDGET_ORDER[BUDGET_ORDER.index(band) :]


def budget_labels() -> dict[str, tuple[str, str]]:
    """A budget wish as it reads when met and when missed, by its lowest band."""
    return {
        "under_10k": (_("eigenes Budget"), _("kein eigenes Budget")),
        "10k_50k": (_("Jahresbudget ab 10.000 €"), _("Jahresbudget unter 10.000 €")),
        "50k_250k": (_("Jahresbudget ab 50.000 €"), _("Jahresbudget unter 50.000 €")),
        "over_250k": (_("Jahresbudget über 250.000 €"), _("Jahresbudget bis 250.000 €")),
    }


def _has(relation: str, term_id: int) -> Q:
    """The profile holds the term: its token in the row's term tokens (one test
    of a short text per row, on both databases). Before, ``id IN (SELECT
    organisation_id ...)`` built a hash of every holder of the term per wish:
    at 160,000 MOs 40-60 ms per wish, more than the rest of the scoring."""
    token = term_token(BY_FIELD[relation], term_id)
    return Q(GreaterThan(StrIndex(F("term_tokens"), Value(f" {token} ")), 0))


def _term_test(relation: str, term_id: int):
    return lambda organisation, terms: any(t.pk == term_id for t in terms.get(relation, []))


def _cooperated(
    declared: Q, declared_test: Callable[..., bool], term_id: int
) -> tuple[Q, Callable[..., bool]]:
    """Cooperation with an institution type: the MO says so in its profile, or a
    reference confirmed by both sides names a partner of that type
    (directory.references). The references are few: their MOs are one small
    subquery. The test reads ``confirmed_references``, set on the page's MOs."""
    confirmed = Reference.objects.confirmed().filter(partner_type_id=term_id)

    def test(organisation: Organisation, terms: dict) -> bool:
        return declared_test(organisation, terms) or any(
            r.partner_type_id == term_id for r in getattr(organisation, "confirmed_references", [])
        )

    return declared | Q(pk__in=confirmed.values("organisation_id")), test


def build_criteria(data: dict) -> list[Criterion]:
    """Criteria from the finder form's cleaned data."""
    criteria: list[Criterion] = []

    def importance(key):
        return MUST if data.get(f"{key}_importance") == MUST else NICE

    # One term of a relation, asked for by the directory's parameter of the relation.
    for relation, missing in (
        (ROLES, _("nicht als %(term)s")),
        (FIELDS, _("nicht im Feld %(term)s")),
        (TARGET_GROUPS, _("nicht für %(term)s")),
        (COMMUNITIES, _("nicht mit %(term)s")),
        (COOPERATION_EXPERIENCE, _("noch keine Kooperation mit %(term)s")),
    ):
        key = relation.param
        term = data.get(key)
        if term:
            condition, test = _has(relation.field, term.pk), _term_test(relation.field, term.pk)
            if relation is COOPERATION_EXPERIENCE:
                condition, test = _cooperated(condition, test, term.pk)
            criteria.append(
                Criterion(
                    key=key,
                    condition=condition,
                    importance=importance(key),
                    met_label=term.label,
                    missed_label=missing % {"term": term.label},
                    test=test,
                )
            )
    # A language counts whether the MO speaks it or advises in it.
    spoken, advice = LANGUAGES.field, ADVICE_LANGUAGES.field
    for language in data.get("languages") or []:
        criteria.append(
            Criterion(
                key="languages",
                condition=_has(spoken, language.pk) | _has(advice, language.pk),
                importance=importance("languages"),
                met_label=language.label,
                missed_label=_("kein %(language)s") % {"language": language.label},
                test=lambda o, terms, pk=language.pk: any(
                    t.pk == pk for t in terms.get(spoken, []) + terms.get(advice, [])
                ),
            )
        )
    place = " ".join((data.get("place") or "").split())
    state = data.get("state")
    if place or state:
        condition = Q()
        label = place  # with a state: replaced below
        if place and place.isdigit():
            condition = Q(postal_code__startswith=place[:5])
        elif place:
            condition = place_condition(place)
        if state:
            condition |= Q(state_id=state.pk)  # Q() | Q(state) is Q(state)
            label = f"{place}, {state.label}" if place else state.label

        def region_test(organisation, terms, place=place, state=state):
            ok = False
            if place.isdigit():
                ok = organisation.postal_code.startswith(place[:5])
            elif place:
                city = organisation.city.lower()
                ok = city == place.lower() or city.startswith(place.lower() + " ")
            return ok or bool(state and organisation.state_id == state.pk)

        criteria.append(
            Criterion(
                key="region",
                condition=condition,
                importance=importance("region"),
                met_label=label,
                missed_label=_("nicht in %(place)s") % {"place": label},
                test=region_test,
            )
        )
    near = data.get("near")
    if near is not None:
        radius = int(data.get("radius") or DEFAULT_RADIUS)
        limit = (radius / geo.KM_PER_DEGREE) ** 2

        def distance_test(organisation, terms, limit=limit):
            squared = getattr(organisation, geo.DISTANCE, None)
            return squared is not None and squared <= limit

        within = {"km": radius, "place": near.label}
        criteria.append(
            Criterion(
                key="distance",
                condition=geo.within_condition(near.point, radius),
                importance=importance("near"),
                met_label=_("im Umkreis von %(km)s km um %(place)s") % within,
                missed_label=_("weiter als %(km)s km von %(place)s") % within,
                test=distance_test,
                centre=near.point,
            )
        )
    topic = clean_query(data.get("topic"))
    # Without a word to search (the form says so; an alert saved before may hold
    # one), there is no condition: When() refuses an empty one.
    if topic and searches_something(topic):
        criteria.append(
            Criterion(
                key="topic",
                # As a wish, joined in ranked_page (own_pass); never as
                # ``pk IN (matches)`` inside a CASE: past work_mem PostgreSQL tests
                # such a subquery row by row (minutes for a common word).
                condition=search_condition(topic),
                importance=importance("topic"),
                met_label=_("Thema „%(topic)s“") % {"topic": topic},
                missed_label=_("Thema „%(topic)s“ nicht erwähnt") % {"topic": topic},
                test=None,  # decided in the database (annotated)
                own_pass=True,
            )
        )
    if data.get("paid_staff"):
        criteria.append(
            Criterion(
                key="paid_staff",
                condition=Q(paid_staff__gt=0),
                importance=importance("paid_staff"),
                met_label=_("hauptamtliche Strukturen"),
                missed_label=_("keine hauptamtlichen Strukturen"),
                test=lambda o, terms: o.paid_staff > 0,
            )
        )
    if data.get("rooms"):
        criteria.append(
            Criterion(
                key="rooms",
                condition=Q(has_rooms=True),
                importance=importance("rooms"),
                met_label=_("eigene Räume"),
                missed_label=_("keine eigenen Räume"),
                test=lambda o, terms: o.has_rooms,
            )
        )
    volunteers = data.get("volunteers")
    if volunteers:
        criteria.append(
            Criterion(
                key="volunteers",
                condition=Q(volunteers__gte=volunteers),
                importance=importance("volunteers"),
                met_label=ngettext(
                    "mindestens %(count)s Ehrenamtliche",
                    "mindestens %(count)s Ehrenamtliche",
                    volunteers,
                )
                % {"count": volunteers},
                missed_label=ngettext(
                    "weniger als %(count)s Ehrenamtliche",
                    "weniger als %(count)s Ehrenamtliche",
                    volunteers,
                )
                % {"count": volunteers},
                test=lambda o, terms, count=volunteers: o.volunteers >= count,
            )
        )
    budget = data.get("budget")
    if budget in BUDGET_ORDER[1:]:
        bands = budget_at_least(budget)
        met_label, missed_label = budget_labels()[budget]
        criteria.append(
            Criterion(
                key="budget",
                condition=Q(budget_band__in=bands),
                importance=importance("budget"),
                met_label=met_label,
                missed_label=missed_label,
                test=lambda o, terms, bands=bands: o.budget_band in bands,
            )
        )
    if data.get("verified"):
        criteria.append(
            Criterion(
                key="verified",
                condition=identity.verified_condition(),
                importance=importance("verified"),
                met_label=_("Identität geprüft"),
                missed_label=_("Identität nicht geprüft"),
                test=None,  # decided in the database (annotated)
            )
        )
    return criteria


def _listed(criteria: list[Criterion], *, open_only: bool) -> QuerySet:
    """Published (and open) MOs meeting every must."""
    queryset = Organisation.objects.published()
    if open_only:
        queryset = queryset.filter(open_for_cooperation=True)
    for criterion in criteria:
        if criterion.importance == MUST:
            queryset = queryset.filter(criterion.condition)
    return queryset


def rank(criteria: list[Criterion], *, open_only: bool = True) -> QuerySet:
    """Published MOs meeting every must, ordered by the nice-to-haves they meet."""
    queryset = _listed(criteria, open_only=open_only)
    score: Expression = Value(0, output_field=IntegerField())
    annotations: dict[str, Expression] = {}
    for index, criterion in enumerate(criteria):
        if criterion.importance == NICE:
            flag = Case(
                When(criterion.condition, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
            if criterion.test is None:
                annotations[f"meets_{index}"] = flag
                score = score + F(f"meets_{index}")
            else:
                score = score + flag
    order: list = ["-score", F("confirmed_at").desc(nulls_last=True), "name", "pk"]
    centre = next((c.centre for c in criteria if c.centre is not None), None)
    if centre is not None:
        annotations[geo.DISTANCE] = geo.squared_distance(centre)
        order.insert(1, F(geo.DISTANCE).asc(nulls_last=True))
    return queryset.annotate(**annotations, score=score).order_by(*order)


def _wish_score(criteria: list[Criterion]) -> Expression:
    """The number of nice-to-haves an MO meets, as one expression."""
    score: Expression = Value(0, output_field=IntegerField())
    for criterion in criteria:
        if criterion.importance == NICE:
            score = score + Case(
                When(criterion.condition, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
    return score


def _counts(criteria: list[Criterion], by_score: dict[int, int]) -> dict[str, int]:
    """The headline's figures from the number of listed MOs per wishes met."""
    wishes = sum(1 for c in criteria if c.importance == NICE)
    total = sum(by_score.values())
    if not wishes:  # every listed MO meets every wish
        return {"total": total, "all": total, "some": total}
    has_must = any(c.importance == MUST for c in criteria)
    # With a must, every listed MO meets at least that one.
    some = total if has_must else sum(n for met, n in by_score.items() if met > 0)
    return {"total": total, "all": by_score.get(wishes, 0), "some": some}


def count_matches(criteria: list[Criterion], *, open_only: bool = True) -> dict[str, int]:
    """One query: how many MOs are listed (they meet every must), how many meet every
    wish and how many meet at least one. The listed MOs are grouped by the number of
    wishes they meet, so that each wish's condition (a topic search among them) is
    evaluated once per MO: counting "every wish" and "some wish" as two filtered
    counts ran each subquery twice (1.9 s instead of 0.2 s at 160,000 MOs)."""
    listed = _listed(criteria, open_only=open_only).order_by()
    by_score = dict(
        listed.annotate(wishes_met=_wish_score(criteria))
        .values("wishes_met")
        .annotate(number=Count("pk"))
        .values_list("wishes_met", "number")
    )
    return _counts(criteria, by_score)


def ranked_page(
    criteria: list[Criterion], *, open_only: bool, offset: int, limit: int
) -> tuple[list[int], dict[str, int]]:
    """The primary keys of one page of ``rank`` and the figures of
    ``count_matches`` from one pass over the listed MOs: each is scored once
    into a materialised table, which is then counted by score and cut to the
    page. (Two queries scored every listed MO twice: at 160,000 MOs each pass
    is a scan of 128,000 rows.)"""
    centre = next((c.centre for c in criteria if c.centre is not None), None)
    columns = ["row_id", "score", "confirmed", "row_name"]
    if centre is not None:
        columns.append(geo.DISTANCE)
    # Wishes with a pass of their own: the others are scored on the listed rows
    # (an index-only scan of org_finder_cover on PostgreSQL), these collect their
    # matches among the listed MOs (a trigram index lookup for a rare word) and
    # are joined. At 160,000 MOs a topic tested on each of 128,000 listed rows
    # took 600-700 ms; collected, 70 ms for a rare word, 190 ms for a common one.
    joined = [c for c in criteria if c.importance == NICE and c.own_pass]
    scored = (
        rank([c for c in criteria if c not in joined], open_only=open_only)
        .order_by()
        .annotate(row_id=F("pk"), confirmed=F("confirmed_at"), row_name=F("name"))
        .values(*columns)
    )
    try:
        inner, params = scored.query.sql_with_params()
        ctes: list[str] = []
        wish_params: list = []  # the wishes' passes come first in the SQL
        joins, score = [], "base.score"
        for n, criterion in enumerate(joined):
            matches = (
                _listed(criteria, open_only=open_only)
                .filter(criterion.condition)
                .order_by()
                .values("pk")
                .distinct()  # one row per MO, whatever a condition joins
            )
            try:
                match_sql, match_params = matches.query.sql_with_params()
            except EmptyResultSet:  # the wish matches nothing: scores stay
                continue
            ctes.append(f"wish_{n} (row_id) AS MATERIALIZED ({match_sql})")
            wish_params += match_params
            joins.append(f"LEFT JOIN wish_{n} ON wish_{n}.row_id = base.row_id")
            score += f" + (CASE WHEN wish_{n}.row_id IS NULL THEN 0 ELSE 1 END)"
    except EmptyResultSet:  # a must that nothing can meet
        return [], _counts(criteria, {})
    rest = ", ".join(f"base.{c}" for c in columns[2:])
    ctes.append(
        f"scored ({', '.join(columns)}) AS MATERIALIZED (SELECT base.row_id, {score}, {rest} "
        f"FROM ({inner}) base {' '.join(joins)})"
    )
    distance = f"{geo.DISTANCE} ASC NULLS LAST, " if centre is not None else ""
    sql = (
        f"WITH {', '.join(ctes)} "
        "SELECT CAST(NULL AS BIGINT), score, COUNT(*) FROM scored GROUP BY score "
        "UNION ALL SELECT * FROM (SELECT row_id, score, CAST(NULL AS BIGINT) FROM scored ORDER BY "
        f"score DESC, {distance}confirmed DESC NULLS LAST, row_name, row_id "
        "LIMIT %s OFFSET %s) page"
    )
    ids: list[int] = []
    by_score: dict[int, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*wish_params, *params, limit, offset])
        for row_id, score, number in cursor.fetchall():
            if row_id is None:
                by_score[score] = number
            else:
                ids.append(row_id)
    return ids, _counts(criteria, by_score)


def explain(organisation, terms: dict, criteria: list[Criterion]) -> Explanation:
    explanation = Explanation()
    for index, criterion in enumerate(criteria):
        if criterion.importance == MUST:
            met = True
        elif criterion.test is None:
            met = bool(getattr(organisation, f"meets_{index}", 0))
        else:
            met = criterion.test(organisation, terms)
        explanation.items.append((met, criterion.met_label if met else criterion.missed_label))
    return explanation
