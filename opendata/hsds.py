"""The directory in Open Referral's Human Services Data Specification (HSDS) 3.0.

Mapping:
- a published MO profile        -> organization (with its location and address)
- each offer of the MO           -> service (at the MO's location, with its languages)
- each vocabulary kind           -> taxonomy; each term -> taxonomy_term
- the MO's terms                 -> attributes of the organization and its services
- "confirmed as current on"      -> assured_date of the services
- register court and number      -> organization_identifiers (scheme DE-CR, the
  German common register portal in org-id.guide), published as the MO entered
  them; its metadata says whether a coordinator verified it ("verified", with
  the date) or not ("entered by the organisation, not verified").
- legal form and charitable status -> legal_status (legal_status()): fixed
  wording, the German legal term with an English gloss, the same in every
  language of the request (HSDS 3.0 has only the deprecated tax_status besides).
Contact data appears only where the MO made it public. Organisations and offers
keep a stored UUID; the ids of the other objects are derived from it (uuid5), so
they all stay the same from export to export.
"""

import functools
import uuid
from typing import Any

from django.urls import reverse

from core.siteurl import site_url
from directory import identity
from directory.access import visible_contact
from directory.identity import REGISTER_SCHEME
from directory.models import Organisation, Term
from directory.relations import (
    ADVICE_LANGUAGES,
    COMMUNITIES,
    FIELDS,
    MANY_RELATIONS,
    ROLES,
    TARGET_GROUPS,
    Relation,
)
from directory.vocabulary import get_vocabulary

HSDS_VERSION = "3.0"
NAMESPACE = uuid.UUID("5c1b2f9e-6a0e-4a63-9b6f-3f0c8f2a7d10")  # never change: ids depend on it


class _Anonymous:
    is_authenticated = False


PUBLIC = _Anonymous()


@functools.lru_cache(maxsize=200_000)
def uid(*parts) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts)))


# The relations whose terms describe each service of an MO too.
SERVICE_RELATIONS = (ROLES, FIELDS, TARGET_GROUPS, COMMUNITIES)


def absolute(path: str) -> str:
    return site_url() + path


KIND_NAMES = {
    "role": (
        "Rollen von Migrantenorganisationen",
        "Die sechs Rollen aus Kapitel 4 des Leitfadens.",
    ),
    "resource": (
        "Ressourcen und Potenziale",
        "Ressourcen von Migrantenorganisationen (Kapitel 3).",
    ),
    "field": ("Handlungsfelder", "Handlungsfelder von Migrantenorganisationen (Kapitel 2)."),
    "need": ("Bedarfe", "Professionalisierungsbedarfe (Kapitel 4 bis 6)."),
    "support_format": ("Unterstützungsformate", "Formate der Unterstützung (Kapitel 6 und 7)."),
    "institution_type": ("Institutionstypen", "Arten von Regelinstitutionen."),
    "target_group": ("Zielgruppen", "Zielgruppen der Angebote."),
    "community": ("Communities und Herkunftsländer", "Communities, mit denen MOs arbeiten."),
    "language": ("Sprachen (ISO 639-1)", "Sprachen nach ISO 639-1."),
    "state": ("Bundesländer", "Die 16 deutschen Länder."),
}


def taxonomy(kind: str) -> dict:
    name, description = KIND_NAMES[kind]
    return {
        "id": uid("taxonomy", kind),
        "name": f"MO-Portal: {name}",
        "description": description,
        "uri": absolute(reverse("topics")),
        "version": "1",
    }


def taxonomy_term(term: Term) -> dict:
    return dict(
        _taxonomy_term(term.pk, term.kind, term.slug, term.code, term.label_de, term.description_de)
    )


@functools.lru_cache(maxsize=5000)
def _taxonomy_term(pk, kind, slug, code, label_de, description_de) -> tuple:
    term = Term(
        pk=pk, kind=kind, slug=slug, code=code, label_de=label_de, description_de=description_de
    )
    return tuple(_taxonomy_term_dict(term).items())


def term_code(term: Term) -> str:
    """A code unique in the whole dataset (HSDS: taxonomy_term.code is unique):
    the term's own code (a language's ISO 639-1 code), else kind and slug
    ("field:frauen" and "target_group:frauen" are two terms)."""
    return term.code or f"{term.kind}:{term.slug}"


def _taxonomy_term_dict(term: Term) -> dict:
    return {
        "id": uid("term", term.pk),
        "code": term_code(term),
        "name": term.label_de,
        "description": term.description_de or term.label_de,
        "taxonomy": KIND_NAMES[term.kind][0],
        "taxonomy_id": uid("taxonomy", term.kind),
        "language": "de",
        "term_uri": absolute(term.get_absolute_url()),
    }


# Relations whose kind an earlier relation has already (advice languages after
# the languages spoken): their attributes' ids take the relation too, so that a
# language both spoken and used for advice is two attributes, not one id twice.
_SECOND_OF_KIND = {
    relation.field
    for index, relation in enumerate(MANY_RELATIONS)
    if any(earlier.kind == relation.kind for earlier in MANY_RELATIONS[:index])
}


def _attribute(link_entity: str, link_id: str, relation: Relation, term: Term) -> dict:
    """An attribute: link_type names the relation (its URL parameter: "language",
    "advice_language", "cooperated_with", ...)."""
    key = (relation.field, term.pk) if relation.field in _SECOND_OF_KIND else (term.pk,)
    return {
        "id": uid("attribute", link_id, *key),
        "link_id": link_id,
        "link_type": relation.param,
        "link_entity": link_entity,
        "taxonomy_term_id": uid("term", term.pk),
        "taxonomy_term": taxonomy_term(term),
    }


def _location(organisation: Organisation, contact: dict) -> dict:
    location_id = uid("location", organisation.uuid)
    vocab = get_vocabulary()
    state = vocab.by_id.get(organisation.state_id)
    location: dict[str, Any] = {
        "id": location_id,
        "location_type": "physical",
        "organization_id": str(organisation.uuid),
        "name": organisation.name,
        "addresses": [],
    }
    place = " ".join(part for part in (organisation.postal_code, organisation.city) if part)
    if place:
        location["description"] = place
    if organisation.latitude is not None and organisation.longitude is not None:
        # The centre of the postcode's area (directory.geo), not the house.
        location["latitude"] = float(organisation.latitude)
        location["longitude"] = float(organisation.longitude)
    # An HSDS address needs its first line: only where the street is public.
    if organisation.city and contact["street"]:
        address = {
            "id": uid("address", organisation.uuid),
            "location_id": location_id,
            "address_1": contact["street"],
            "city": organisation.city,
            "state_province": state.label_de if state else "",
            "postal_code": organisation.postal_code,
            "country": "DE",
            "address_type": "physical",
        }
        location["addresses"].append(address)
    return location


def _phones(organisation: Organisation, contact: dict, **links) -> list[dict]:
    if not contact["phone"]:
        return []
    owner = "-".join(f"{k}={v}" for k, v in sorted(links.items()))
    return [
        {
            "id": uid("phone", organisation.uuid, owner),
            "number": contact["phone"],
            "type": "voice",
            **links,
        }
    ]


REGISTER_TYPES = {
    "VR": "Vereinsregister",
    "HRA": "Handelsregister A",
    "HRB": "Handelsregister B",
    "GNR": "Genossenschaftsregister",
    "PR": "Partnerschaftsregister",
}
PORTAL = "MO-Portal"


# legal_status: the German legal term (what the register and the tax office
# say) with an English gloss, never translated with the request's language: the
# same text from export to export (docs/identity.md).
LEGAL_FORMS: dict[str, str] = {
    Organisation.LegalForm.EV: "e. V. (eingetragener Verein / registered association)",
    Organisation.LegalForm.GGMBH: "gGmbH (gemeinnützige GmbH / non-profit limited company)",
    Organisation.LegalForm.FOUNDATION: "Stiftung (foundation)",
    Organisation.LegalForm.COOPERATIVE: "Genossenschaft (cooperative)",
    Organisation.LegalForm.GBR: "GbR (Gesellschaft bürgerlichen Rechts / civil-law partnership)",
    Organisation.LegalForm.INITIATIVE: "nicht eingetragene Initiative (unregistered initiative)",
    Organisation.LegalForm.OTHER: "andere Rechtsform (other legal form)",
}
CHARITABLE: dict[str, str] = {
    Organisation.Charitable.YES: "gemeinnützig (charitable, tax-exempt)",
    Organisation.Charitable.NO: "nicht gemeinnützig (not charitable)",
}


def legal_status(organisation: Organisation) -> str:
    """The legal form and, if the MO said, its charitable status (with the date
    of the latest notice of exemption), as the public profile shows them, e.g.
    "e. V. (eingetragener Verein / registered association); gemeinnützig
    (charitable, tax-exempt), Freistellungsbescheid (notice of exemption)
    2024-03-15". "Don't know" says nothing."""
    parts = [LEGAL_FORMS.get(organisation.legal_form, LEGAL_FORMS[Organisation.LegalForm.OTHER])]
    charitable = CHARITABLE.get(organisation.charitable_status)
    if charitable:
        notice = organisation.charitable_notice_date
        if notice and organisation.charitable_status == Organisation.Charitable.YES:
            charitable += f", Freistellungsbescheid (notice of exemption) {notice.isoformat()}"
        parts.append(charitable)
    return "; ".join(parts)


def organization_identifiers(organisation: Organisation) -> list[dict]:
    """The register entry as an HSDS organization_identifier (none without
    one), with the verification as its metadata. ``identity_check`` must be
    attached (directory.identity.attach)."""
    if not organisation.register_key:
        return []
    org_id = str(organisation.uuid)
    identifier_id = uid("organization_identifier", organisation.uuid, organisation.register_key)
    prefix = "".join(c for c in organisation.register_number.upper() if c.isalpha())
    register = REGISTER_TYPES.get(prefix, "Register")
    identifier = f"{organisation.register_court} {organisation.register_number}"
    check = getattr(organisation, "identity_check", None)
    if check is not None and check.register_checked:
        action, date = "verified", check.verified_at.date().isoformat()
        who = f"{PORTAL}: coordinator"
    else:
        action, date = "entered (not verified)", organisation.updated_at.date().isoformat()
        who = f"{PORTAL}: organization"
    return [
        {
            "id": identifier_id,
            "organization_id": org_id,
            "identifier_scheme": REGISTER_SCHEME,
            "identifier_type": f"{register} ({organisation.register_court})",
            "identifier": identifier,
            "metadata": [
                {
                    "id": uid("metadata", identifier_id, action, date),
                    "resource_id": identifier_id,
                    "resource_type": "organization_identifier",
                    "last_action_date": date,
                    "last_action_type": action,
                    "field_name": "identifier",
                    "previous_value": "",
                    "replacement_value": identifier,
                    "updated_by": who,
                }
            ],
        }
    ]


def organization(
    organisation: Organisation,
    terms: dict,
    offers: list,
    *,
    full: bool = False,
    basic_only: bool = False,
) -> dict:
    """``terms``: {relation: [Term]}; ``offers``: the organisation's offers
    (``full``: as services); ``basic_only``: without the identifiers' lookup."""
    contact = visible_contact(organisation, PUBLIC)
    org_id = str(organisation.uuid)
    data: dict[str, Any] = {
        "id": org_id,
        "name": organisation.name,
        "description": organisation.description or organisation.name,
        "legal_status": legal_status(organisation),
        "uri": absolute(organisation.get_absolute_url()),
        "phones": _phones(organisation, contact, organization_id=org_id),
        "locations": [_location(organisation, contact)],
        "attributes": [
            _attribute("organization", org_id, relation, term)
            for relation in MANY_RELATIONS
            for term in terms.get(relation.field, [])
        ],
    }
    if organisation.short_name:
        data["alternate_name"] = organisation.short_name
    if contact["email"]:
        data["email"] = contact["email"]
    if organisation.website:
        data["website"] = organisation.website
    if organisation.founding_year:
        data["year_incorporated"] = organisation.founding_year
    if basic_only:
        return data
    if not hasattr(organisation, "identity_check"):  # a single profile
        identity.attach([organisation])
    data["organization_identifiers"] = organization_identifiers(organisation)
    if full:
        data["services"] = [service(organisation, terms, offer) for offer in offers]
    return data


def service(organisation: Organisation, terms: dict, offer) -> dict:
    contact = visible_contact(organisation, PUBLIC)
    service_id = str(offer.uuid)
    location = _location(organisation, contact)
    languages = list(offer.languages.all()) or terms.get(ADVICE_LANGUAGES.field, [])
    data = {
        "id": service_id,
        "organization_id": str(organisation.uuid),
        "name": offer.title,
        "description": offer.summary or offer.get_kind_display(),
        "status": "active",
        "url": absolute(organisation.get_absolute_url()),
        "last_modified": organisation.updated_at.isoformat(),
        "languages": [
            {
                "id": uid("language", offer.uuid, term.code),
                "service_id": service_id,
                "name": term.label_de,
                "code": term.code,
            }
            for term in languages
        ],
        "phones": _phones(organisation, contact, service_id=service_id),
        "service_at_locations": [
            {
                "id": uid("service_at_location", offer.uuid),
                "service_id": service_id,
                "location_id": location["id"],
                "location": location,
            }
        ],
        "attributes": [
            _attribute("service", service_id, relation, term)
            for relation in SERVICE_RELATIONS
            for term in terms.get(relation.field, [])
        ],
    }
    if organisation.confirmed_at:
        data["assured_date"] = organisation.confirmed_at.isoformat()
    if contact["email"]:
        data["email"] = contact["email"]
    return data


# The fields of the basic (list) representations: the official list schemas'
# properties without nested objects (compiled/organization_list.json, ...).
ORGANIZATION_BASIC = (
    "id",
    "name",
    "alternate_name",
    "description",
    "email",
    "website",
    "year_incorporated",
    "legal_status",
    "uri",
)
SERVICE_BASIC = (
    "id",
    "organization_id",
    "name",
    "description",
    "url",
    "email",
    "status",
    "assured_date",
    "last_modified",
)


def basic(data: dict, fields: tuple[str, ...]) -> dict:
    return {key: data[key] for key in fields if key in data}


def organization_basic(organisation: Organisation) -> dict:
    """The basic organization of a list: no phones, locations, attributes or
    identifiers (about 1 KB instead of 10 KB); ``full=true`` gives everything."""
    return basic(organization(organisation, {}, [], basic_only=True), ORGANIZATION_BASIC)


def service_at_location(organisation: Organisation, terms: dict, offer, *, full: bool) -> dict:
    """The MO's offer at the MO's location; full: with the location and the service."""
    contact = visible_contact(organisation, PUBLIC)
    location = _location(organisation, contact)
    data: dict[str, Any] = {
        "id": uid("service_at_location", offer.uuid),
        "service_id": str(offer.uuid),
        "location_id": location["id"],
    }
    if full:
        data["location"] = location
        data["service"] = basic(service(organisation, terms, offer), SERVICE_BASIC)
    return data


def page(contents: list, *, total: int, page_number: int, per_page: int) -> dict:
    total_pages = max(1, -(-total // per_page)) if total else 0
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page_number,
        "size": len(contents),
        "first_page": page_number == 1,
        "last_page": page_number >= total_pages,
        "empty": not contents,
        "contents": contents,
    }
