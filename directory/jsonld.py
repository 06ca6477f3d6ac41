"""schema.org JSON-LD of a published profile (an NGO), for search engines and
harvesters: what an anonymous visitor sees, never more (the contact data the
MO made public only, directory.access.visible_contact)."""

import json
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils.safestring import SafeString, mark_safe

from core.siteurl import site_url
from directory.access import visible_contact
from directory.identity import REGISTER_SCHEME
from directory.models import Organisation, Term
from directory.relations import FIELDS, LANGUAGES
from directory.vocabulary import get_vocabulary


def organisation_data(organisation: Organisation, terms: dict[str, list[Term]]) -> dict:
    contact = visible_contact(organisation, AnonymousUser())
    url = site_url() + organisation.get_absolute_url()
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NGO",
        "@id": f"{url}#organisation",
        "url": url,
        "name": organisation.name,
    }
    if organisation.short_name:
        data["alternateName"] = organisation.short_name
    if organisation.description:
        data["description"] = organisation.description
    if organisation.website:
        data["sameAs"] = [organisation.website]
    if contact["email"]:
        data["email"] = contact["email"]
    if contact["phone"]:
        data["telephone"] = contact["phone"]
    if organisation.city or organisation.postal_code:
        address: dict[str, Any] = {"@type": "PostalAddress", "addressCountry": "DE"}
        if contact["street"]:
            address["streetAddress"] = contact["street"]
        if organisation.postal_code:
            address["postalCode"] = organisation.postal_code
        if organisation.city:
            address["addressLocality"] = organisation.city
        state = get_vocabulary().by_id.get(organisation.state_id)  # no query
        if state is not None:
            address["addressRegion"] = state.label_de
        data["address"] = address
    if organisation.founding_year:
        data["foundingDate"] = str(organisation.founding_year)
    languages = [term.code or term.slug for term in terms.get(LANGUAGES.field, [])]
    if languages:
        data["knowsLanguage"] = languages
    fields = [term.label_de for term in terms.get(FIELDS.field, [])]
    if fields:
        data["knowsAbout"] = fields
    if organisation.register_court and organisation.register_number:
        data["identifier"] = {
            "@type": "PropertyValue",
            "propertyID": REGISTER_SCHEME,
            "value": f"{organisation.register_court} {organisation.register_number}",
        }
    if organisation.updated_at:
        data["dateModified"] = organisation.updated_at.isoformat()
    return data


def script(data: dict) -> SafeString:
    """A <script type="application/ld+json"> data block (not run: the
    Content-Security-Policy does not apply); <, > and & escaped as in json_script."""
    text = json.dumps(data, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308
