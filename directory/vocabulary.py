"""Reading and loading the shared vocabulary.

All terms together are a few hundred rows that every page needs. Each process keeps
them (and what is derived from them: sorted choices, labels) in memory, tagged
with a small version token kept in the shared cache; a request reads only that
token (a few bytes) and reuses the process's copy while it matches. Whoever
changes terms calls ``invalidate_vocabulary()``: a new token, so every process
reads the terms again on its next request. Without the shared cache (an outage,
core/cache.py) there is no token to compare, and each request reads the terms
from the database: slower, never stale.
"""

import threading
import uuid
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TypeVar

from django.core.cache import cache
from django.db import connection, transaction

from directory.relations import MANY_RELATIONS
from directory.vocabulary_data import vocabulary as initial_vocabulary

VERSION_KEY = "directory:vocabulary:version"

T = TypeVar("T")

# Organisation's many-to-many relations to Term, and the kind each one holds.
TERM_RELATIONS: dict[str, str] = {r.field: r.kind for r in MANY_RELATIONS}


@dataclass
class Vocabulary:
    by_id: dict = field(default_factory=dict)
    by_kind: dict = field(default_factory=dict)
    _by_slug: dict = field(default_factory=dict)
    _derived: dict = field(default_factory=dict)

    @classmethod
    def from_terms(cls, terms) -> "Vocabulary":
        vocab = cls()
        for term in terms:
            vocab.by_id[term.pk] = term
            vocab.by_kind.setdefault(term.kind, []).append(term)
            vocab._by_slug[(term.kind, term.slug)] = term
        return vocab

    def get(self, kind: str, slug: str):
        return self._by_slug.get((kind, slug))

    def kind(self, kind: str) -> list:
        return self.by_kind.get(kind, [])

    def derived(self, key: Hashable, compute: Callable[[], T]) -> T:
        """What ``compute`` derives from these terms, computed once per key (include
        the language in the key when the result has labels). Results are shared
        by every request of the process: treat them as read-only."""
        try:
            return self._derived[key]
        except KeyError:
            value = self._derived[key] = compute()
            return value


# The vocabulary of the current request (VocabularyMiddleware starts each request
# afresh) and the process's copy with its version token.
_local = threading.local()
_process: tuple[str, Vocabulary] | None = None


def get_vocabulary() -> Vocabulary:
    global _process
    vocab = getattr(_local, "vocabulary", None)
    if vocab is not None:
        return vocab
    version = cache.get(VERSION_KEY)
    kept = _process
    if version is not None and kept is not None and kept[0] == version:
        vocab = kept[1]
    else:
        if version is None:
            cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
            version = cache.get(VERSION_KEY)  # another process may have been first
        from directory.models import Term

        # Read after the token: a change committed meanwhile brings a newer
        # token, and this copy is read again next time (never kept too long).
        vocab = Vocabulary.from_terms(Term.objects.all())
        if version is not None:
            _process = (version, vocab)
    _local.vocabulary = vocab
    return vocab


def forget_vocabulary() -> None:
    _local.vocabulary = None


def drop_vocabulary(**kwargs) -> None:
    """A new version token: every process reads the terms again (also on
    core.pagecache.cleared)."""
    global _process
    _process = None
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    forget_vocabulary()


def invalidate_vocabulary() -> None:
    from core.pagecache import bump

    transaction.on_commit(drop_vocabulary)
    drop_vocabulary()
    bump()  # labels appear on every page


class VocabularyMiddleware:
    """Each request looks at the vocabulary's version afresh (once)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        forget_vocabulary()
        return self.get_response(request)


def load_vocabulary(term_model, *, update: bool = False) -> tuple[int, int]:
    """Create the initial terms that are missing; with update, reset their texts.

    Takes the model class so that data migrations can pass their historical model.
    Returns (created, updated).
    """
    created = updated = 0
    existing = {(t.kind, t.slug): t for t in term_model.objects.all()}
    new_terms = []
    for kind, rows in initial_vocabulary().items():
        for position, row in enumerate(rows):
            slug, label_de, label_en, description_de, description_en = row[:5]
            code = row[5] if len(row) > 5 else ""
            values = {
                "label_de": label_de,
                "label_en": label_en,
                "description_de": description_de,
                "description_en": description_en,
                "code": code,
                "position": position,
            }
            term = existing.get((kind, slug))
            if term is None:
                new_terms.append(term_model(kind=kind, slug=slug, **values))
            elif update:
                for name, value in values.items():
                    setattr(term, name, value)
                term.save()
                updated += 1
    term_model.objects.bulk_create(new_terms)
    created = len(new_terms)
    return created, updated


def _through(relation: str):
    from directory.models import Organisation

    return getattr(Organisation, relation).through


def _union_parts(relations: tuple[str, ...]) -> list[str]:
    """Per relation, the SELECT of its through table (its rows for a list of
    profiles filled in later); the table and column names come from the models."""
    parts = []
    for relation in relations:
        if relation not in TERM_RELATIONS:  # a name of ours, never a parameter's text
            raise ValueError(relation)
        meta = _through(relation)._meta
        organisation = meta.get_field("organisation").column
        term = meta.get_field("term").column
        parts.append(
            f"SELECT '{relation}', {organisation}, {term} FROM {meta.db_table} "
            f"WHERE {organisation} IN ({{ids}})"
        )
    return parts


def terms_by_organisation(organisation_ids, relations=None) -> dict[int, dict[str, list]]:
    """The terms of each organisation, by relation, in one query.

    Returns {organisation_id: {relation: [Term, ...]}}, terms in vocabulary order.
    One UNION ALL over the through tables, written as SQL once per process: the
    ORM compiled the ten-part union anew for every page (about 3 ms of a profile
    page); the terms come from the process's vocabulary.
    """
    relations = tuple(relations or TERM_RELATIONS)
    organisation_ids = [int(pk) for pk in organisation_ids]
    result: dict[int, dict[str, list]] = {
        pk: {relation: [] for relation in relations} for pk in organisation_ids
    }
    if not organisation_ids:
        return result
    parts = _UNION_PARTS.get(relations)
    if parts is None:
        parts = _UNION_PARTS[relations] = _union_parts(relations)
    marks = ", ".join(["%s"] * len(organisation_ids))
    sql = " UNION ALL ".join(part.format(ids=marks) for part in parts)
    with connection.cursor() as cursor:
        cursor.execute(sql, organisation_ids * len(parts))
        rows = cursor.fetchall()
    vocab = get_vocabulary()
    for relation, organisation_id, term_id in rows:
        term = vocab.by_id.get(term_id)
        if term is not None:
            result[organisation_id][relation].append(term)
    order = vocab.derived("term_order", lambda: {pk: n for n, pk in enumerate(vocab.by_id)})
    for relations_of_one in result.values():
        for terms in relations_of_one.values():
            terms.sort(key=lambda t: order.get(t.pk, 0))
    return result


_UNION_PARTS: dict[tuple[str, ...], list[str]] = {}
