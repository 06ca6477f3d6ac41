"""What a row does: the one code path of the dry run and of the import.

``plan_row`` decides for one row: skip it (missing name, an invalid value, a
duplicate of an earlier row of the file, a duplicate of an existing profile
nobody decided about), update an existing profile (the coordinator chose it),
or create a new one. The dry run stores the decision; the import decides again
with the same function, just before it writes, and does what it decided.

Duplicates inside the file: a row is the duplicate of an earlier valid row of
the file when ``directory.duplicates`` judges the two alike (the same reasons as
against the database: similar name in the same town, same website, same e-mail
domain, same name where a town is missing). Only rows that share a key
(postal code, town and a name word, website, e-mail domain) are compared, so a
file of 16,000 rows is not 128 million comparisons. This depends on the file
alone, so the dry run and the import find the same.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from directory import duplicates
from directory.models import Organisation, Term
from directory.reach import has_team
from directory.vocabulary import get_vocabulary
from intake.models import ImportJob, ImportRow
from intake.values import Cleaned, clean, organisation_from

COMPARE_AT_MOST = 200  # earlier rows judged per row


@dataclass
class Plan:
    action: str
    reasons: list[dict[str, Any]] = field(default_factory=list)
    candidates: list[dict[str, Any]] = field(default_factory=list)
    duplicate_of_row: int | None = None
    target: int | None = None  # UPDATE: the profile
    cleaned: Cleaned | None = None


@dataclass
class Context:
    """What planning a job's rows needs once: the mapping, the vocabulary, the
    duplicates inside the file, the profiles this job created (never a
    duplicate of a row of the same file: the file check covers that)."""

    job: ImportJob
    vocabulary: dict[str, dict[str, Term]]
    file_duplicates: dict[int, int]
    created: set[int] = field(default_factory=set)

    @classmethod
    def of(cls, job: ImportJob, *, file_duplicates: dict[int, int] | None = None) -> Context:
        """The context of a job; ``file_duplicates`` as found before (the
        file's duplicates depend on the file and the mapping alone)."""
        vocabulary: dict[str, dict[str, Term]] = defaultdict(dict)
        for term in get_vocabulary().by_id.values():
            vocabulary[term.kind][term.slug] = term
        context = cls(job=job, vocabulary=dict(vocabulary), file_duplicates={})
        if file_duplicates is None:
            rows = job.rows.order_by("number").values_list("number", "values")
            file_duplicates = find_file_duplicates(
                (number, clean(values, job.mapping, context.vocabulary))
                for number, values in rows.iterator(chunk_size=2000)
            )
        context.file_duplicates = file_duplicates
        created = job.rows.filter(result=ImportRow.Action.CREATE)
        context.created = {pk for pk in created.values_list("organisation_pk", flat=True) if pk}
        return context

    def clean(self, row: ImportRow) -> Cleaned:
        return clean(row.values, self.job.mapping, self.vocabulary)


@dataclass
class _Seen:
    number: int
    organisation: Organisation


def _keys(organisation: Organisation) -> list[tuple[str, str]]:
    """The keys a row is compared on, as the database check pre-selects: the
    postal code; the town with the name's two longest words; without a town,
    all the name's words; the website; the e-mail domain (not a mass provider)."""
    keys = []
    if organisation.postal_code:
        keys.append(("postal", organisation.postal_code))
    host, domain = duplicates.contact_keys(organisation)
    if host:
        keys.append(("host", host))
    if domain and not duplicates.is_mail_provider(domain):
        keys.append(("domain", domain))
    tokens = duplicates.name_tokens(organisation.name, city=organisation.city)
    longest = sorted(sorted(set(tokens)), key=len, reverse=True)[:2]
    town = duplicates.town_key(organisation.city)
    if town and longest:
        keys.append(("town-words", "|".join([town, *sorted(longest)])))
    whole = " ".join(sorted(set(duplicates.name_tokens(organisation.name))))
    if whole:
        keys.append(("name", whole))
    return keys


def find_file_duplicates(rows: Iterable[tuple[int, Cleaned]]) -> dict[int, int]:
    """Row number -> the number of the earlier row it duplicates."""
    found: dict[int, int] = {}
    index: dict[tuple[str, str], list[_Seen]] = defaultdict(list)
    for number, cleaned in rows:
        if cleaned.errors:
            continue
        organisation = organisation_from(cleaned)
        organisation.website_host, organisation.email_domain = duplicates.contact_keys(organisation)
        keys = _keys(organisation)
        seen: dict[int, _Seen] = {}
        for key in keys:
            # The earliest rows of each key are enough: the earliest of them all
            # (compared below) are among them. Bounded work for a common postcode.
            for earlier in index.get(key, ())[:COMPARE_AT_MOST]:
                seen.setdefault(earlier.number, earlier)
        if seen:
            host, domain = organisation.website_host, organisation.email_domain
            if domain and duplicates.is_mail_provider(domain):
                domain = ""
            tokens = duplicates.name_tokens(organisation.name, city=organisation.city)
            whole = duplicates.name_tokens(organisation.name)
            for earlier in sorted(seen.values(), key=lambda s: s.number)[:COMPARE_AT_MOST]:
                # The database check's judgement, row against row.
                judged = duplicates.judge(
                    earlier.organisation,
                    tokens=tokens,
                    whole=whole,
                    city=organisation.city,
                    postal_code=organisation.postal_code,
                    host=host,
                    domain=domain,
                    register="",
                )
                if judged.reasons:
                    found[number] = earlier.number
                    break
        if number in found:
            continue  # the first of a group stands for it
        entry = _Seen(number, organisation)
        for key in keys:
            index[key].append(entry)
    return found


def _candidate(c: duplicates.Candidate) -> dict[str, Any]:
    return {"pk": c.pk, "name": c.name, "city": c.city, "slug": c.slug, "reasons": c.reasons}


def plan_row(row: ImportRow, context: Context) -> Plan:
    """What this row does now (see the module's description)."""
    cleaned = context.clean(row)
    notes: list[dict[str, Any]] = list(cleaned.notes)
    if cleaned.errors:
        return Plan(ImportRow.Action.SKIP, [*cleaned.errors, *notes], cleaned=cleaned)
    earlier = context.file_duplicates.get(row.number)
    if earlier is not None:
        reasons = [{"code": "duplicate_row", "row": earlier}, *notes]
        return Plan(ImportRow.Action.SKIP, reasons, duplicate_of_row=earlier, cleaned=cleaned)
    fields = cleaned.fields
    found = [
        c
        for c in duplicates.candidates(
            fields.get("name", ""),
            city=fields.get("city", ""),
            postal_code=fields.get("postal_code", ""),
            website=fields.get("website", ""),
            email=fields.get("email", ""),
            limit=5 + len(context.created),
        )
        if c.pk not in context.created
    ][:5]
    candidates = [_candidate(c) for c in found]
    if not found:
        return Plan(ImportRow.Action.CREATE, notes, cleaned=cleaned)
    resolution = row.resolution
    if resolution == ImportRow.Resolution.CREATE:
        reasons = [{"code": "duplicate_db_create"}, *notes]
        return Plan(ImportRow.Action.CREATE, reasons, candidates, cleaned=cleaned)
    if resolution == ImportRow.Resolution.UPDATE:
        pks = [c.pk for c in found]
        target = row.resolution_target if row.resolution_target in pks else None
        if target is None and row.resolution_target is None:
            target = pks[0]
        if target is not None:
            reasons = [{"code": "duplicate_db_update", "pk": target}, *notes]
            if has_team(target):
                reasons.insert(1, {"code": "team_fills_empty"})
            return Plan(
                ImportRow.Action.UPDATE, reasons, candidates, target=target, cleaned=cleaned
            )
        reasons = [{"code": "target_gone"}, *notes]
        return Plan(ImportRow.Action.SKIP, reasons, candidates, cleaned=cleaned)
    code = "duplicate_db_skip" if resolution == ImportRow.Resolution.SKIP else "duplicate_db"
    return Plan(ImportRow.Action.SKIP, [{"code": code}, *notes], candidates, cleaned=cleaned)


def store_plan(row: ImportRow, plan: Plan) -> None:
    """Put the plan on the row (the dry run's report); the caller saves."""
    row.planned = plan.action
    row.reasons = plan.reasons
    row.candidates = plan.candidates
    row.duplicate_of_row = plan.duplicate_of_row
