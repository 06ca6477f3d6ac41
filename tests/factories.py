"""Small builders for test data, on top of the real services."""

import datetime
import itertools

from django.utils import timezone

from directory.models import Organisation
from directory.services import organisation_save
from directory.vocabulary import TERM_RELATIONS, get_vocabulary

_counter = itertools.count(1)


def term(kind: str, slug: str):
    found = get_vocabulary().get(kind, slug)
    assert found is not None, f"no term {kind}/{slug}"
    return found


def _offer(spec: dict) -> dict:
    """An offer for the services: the model's default kind, languages by code."""
    languages = [
        term("language", x) if isinstance(x, str) else x for x in spec.get("languages", [])
    ]
    return {"kind": "counselling", "summary": "", **spec, "languages": languages}


COMPLETE_DESCRIPTION = (
    "Wir sind ein Verein von Eltern, die Familien beim Ankommen begleiten: Beratung, "
    "Lernhilfe und Begegnung in mehreren Sprachen."
)
COMPLETE_VALUES = {
    "description": COMPLETE_DESCRIPTION,
    "fields": ["bildung"],
    "roles": ["kooperationspartner"],
    "email": "",
}


def make_organisation(
    name: str | None = None, *, offers=(), state="hamburg", **values
) -> Organisation:
    """Create an organisation (published unless told otherwise) through the
    services, as one recorded version with its search document.

    Vocabulary relations are given by slug: roles=["kooperationspartner"],
    languages=["ru"], ...; offers as dicts with title/summary/kind.
    """
    number = next(_counter)
    name = name or f"Testverein {number} e. V."
    incomplete = values.pop("incomplete", False)
    if values.get("status", Organisation.Status.PUBLISHED) != Organisation.Status.PUBLISHED:
        # A draft the team could submit (directory.completeness), unless told otherwise.
        complete = {} if incomplete else COMPLETE_VALUES
        for key, value in complete.items():
            values.setdefault(key, value if key != "email" else f"kontakt@verein-{number}.example")
    relations = {
        relation: [term(TERM_RELATIONS[relation], slug) for slug in values.pop(relation)]
        for relation in list(values)
        if relation in TERM_RELATIONS
    }
    values.setdefault("slug", f"testverein-{number}")
    values.setdefault("status", Organisation.Status.PUBLISHED)
    values.setdefault("city", "Hamburg")
    values.setdefault("postal_code", "20095")
    values.setdefault("confirmed_at", timezone.localdate() - datetime.timedelta(days=30))
    if state:
        values["state"] = term("state", state)
    return organisation_save(
        organisation=Organisation(name=name, **values),
        by=None,
        relations=relations,
        offers=[_offer(offer) for offer in offers],
        reason="created",
    )
