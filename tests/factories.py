"""Small builders for test data, on top of the real services."""

import datetime
import itertools

from directory.models import Offer, Organisation
from directory.search import refresh_search_document
from directory.vocabulary import TERM_RELATIONS, get_vocabulary

_counter = itertools.count(1)


def term(kind: str, slug: str):
    found = get_vocabulary().get(kind, slug)
    assert found is not None, f"no term {kind}/{slug}"
    return found


def make_organisation(name: str | None = None, *, offers=(), state="hamburg", **values):
    """Create an organisation (published unless told otherwise).

    Vocabulary relations are given by slug: roles=["kooperationspartner"],
    languages=["ru"], ...; offers as dicts with title/summary/kind.
    """
    number = next(_counter)
    name = name or f"Testverein {number} e. V."
    relations = {rel: values.pop(rel) for rel in list(values) if rel in TERM_RELATIONS}
    values.setdefault("slug", f"testverein-{number}")
    values.setdefault("status", Organisation.Status.PUBLISHED)
    values.setdefault("city", "Hamburg")
    values.setdefault("postal_code", "20095")
    values.setdefault("confirmed_at", datetime.date(2026, 1, 1))
    if state:
        values["state"] = term("state", state)
    organisation = Organisation.objects.create(name=name, **values)
    for relation, slugs in relations.items():
        kind = TERM_RELATIONS[relation]
        getattr(organisation, relation).set([term(kind, slug) for slug in slugs])
    for position, offer in enumerate(offers):
        Offer.objects.create(organisation=organisation, position=position, **offer)
    refresh_search_document(organisation)
    return organisation
