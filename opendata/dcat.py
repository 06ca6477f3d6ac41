"""The open data described for catalogues: DCAT-AP.de as JSON-LD
(/api/catalog.jsonld), so that open-data portals (GovData and the states'
portals) can harvest it. One dataset, the directory of migrant organisations,
with a distribution per way to get it: the two dumps, the result downloads,
the JSON API and the HSDS API. The context is inline: no reader needs the
network to understand it."""

from typing import Any

from django.conf import settings
from django.urls import reverse

from core.siteurl import site_url
from opendata.dump import FILES, stored_stamp
from opendata.licence import licence

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "dcatde": "http://dcat-ap.de/def/dcatde/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
# DCAT-AP.de names licences by its own URIs (dcat-ap.de/def/licenses); the
# licence's address as configured where it is not one of these.
DCATDE_LICENCES = {
    "https://creativecommons.org/licenses/by/4.0/": "http://dcat-ap.de/def/licenses/cc-by/4.0",
    "https://creativecommons.org/licenses/by-sa/4.0/": "http://dcat-ap.de/def/licenses/cc-by-sa/4.0",
    "https://creativecommons.org/publicdomain/zero/1.0/": "http://dcat-ap.de/def/licenses/cc-zero",
    "https://www.govdata.de/dl-de/by-2-0": "http://dcat-ap.de/def/licenses/dl-by-de/2.0",
    "https://www.govdata.de/dl-de/zero-2-0": "http://dcat-ap.de/def/licenses/dl-zero-de/2.0",
}


def licence_uri() -> str:
    url = licence()["url"]
    base = url.split("deed.")[0]
    return DCATDE_LICENCES.get(base, url)


def _text(german: str, english: str) -> list[dict]:
    return [{"@value": german, "@language": "de"}, {"@value": english, "@language": "en"}]


def _id(path: str) -> dict:
    return {"@id": site_url() + path}


def _distribution(
    key: str, title: str, path: str, file_type: str, media_type: str, *, download: bool
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@id": f"{site_url()}{reverse('dcat-catalog')}#{key}",
        "@type": "dcat:Distribution",
        "dct:title": title,
        "dcat:accessURL": _id(path),
        "dct:format": {"@id": f"{EU}file-type/{file_type}"},
        "dcat:mediaType": {"@id": IANA + media_type},
        "dct:license": {"@id": licence_uri()},
        "dcatde:licenseAttributionByText": licence()["attribution"],
    }
    if download:
        data["dcat:downloadURL"] = _id(path)
    return data


def catalogue() -> dict:
    here = f"{site_url()}{reverse('dcat-catalog')}"
    publisher = {
        "@id": f"{here}#publisher",
        "@type": "foaf:Agent",
        "foaf:name": settings.OPEN_DATA_PUBLISHER,
    }
    distributions = [
        _distribution(
            "hsds-json",
            "HSDS 3.0 (JSON)",
            reverse("hsds-dump", args=[FILES[0]]),
            "JSON",
            "application/json",
            download=True,
        ),
        _distribution(
            "hsds-tabular",
            "HSDS 3.0 (tabular data package, CSV)",
            reverse("hsds-dump", args=[FILES[1]]),
            "ZIP",
            "application/zip",
            download=True,
        ),
        _distribution(
            "xlsx",
            "Tabelle (XLSX)",
            reverse("export_xlsx"),
            "XLSX",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            download=True,
        ),
        _distribution(
            "csv", "Tabelle (CSV)", reverse("export_csv"), "CSV", "text/csv", download=True
        ),
        _distribution(
            "api", "JSON-API", reverse("api-root"), "JSON", "application/json", download=False
        ),  # fmt: skip
        _distribution(
            "hsds-api",
            "HSDS-3.0-API",
            reverse("hsds-info"),
            "JSON",
            "application/json",
            download=False,
        ),  # fmt: skip
    ]
    distributions[4]["dct:conformsTo"] = _id(reverse("api-schema"))
    distributions[5]["dct:conformsTo"] = {
        "@id": "https://docs.openreferral.org/en/latest/hsds/schema_reference.html"
    }
    stamp = stored_stamp(FILES[0])
    if stamp is not None:
        for distribution in distributions[:2]:
            distribution["dct:modified"] = {
                "@value": stamp.generated_at.isoformat(),
                "@type": "xsd:dateTime",
            }
    dataset = {
        "@id": f"{here}#dataset",
        "@type": "dcat:Dataset",
        "dct:identifier": f"{here}#dataset",
        "dct:title": _text(
            "Migrantenorganisationen in Deutschland (MO-Portal)",
            "Migrant organisations in Germany (MO-Portal)",
        ),
        "dct:description": _text(
            "Veröffentlichte Profile von Migrantenorganisationen: Rollen, Handlungsfelder, "
            "Sprachen, Angebote, Ort und die Kontaktdaten, die die Organisationen "
            "veröffentlicht haben.",
            "Published profiles of migrant organisations: roles, fields of action, "
            "languages, offers, place and the contact data the organisations made public.",
        ),
        "dcat:keyword": [
            "Migrantenorganisationen",
            "Integration",
            "Arbeitsmarkt",
            "Ehrenamt",
            "HSDS",
        ],
        "dcat:theme": [{"@id": f"{EU}data-theme/SOCI"}],
        "dct:language": {"@id": f"{EU}language/DEU"},
        "dct:spatial": {"@id": f"{EU}country/DEU"},
        "dct:accrualPeriodicity": {"@id": f"{EU}frequency/UPDATE_CONT"},
        "dct:publisher": {"@id": publisher["@id"]},
        "dcat:contactPoint": {
            "@type": "vcard:Organization",
            "vcard:fn": settings.OPEN_DATA_PUBLISHER,
            "vcard:hasURL": _id("/"),
        },
        "dct:license": {"@id": licence_uri()},
        "dcat:landingPage": _id(reverse("directory:organisation_list")),
        "dcat:distribution": [{"@id": d["@id"]} for d in distributions],
    }
    catalog = {
        "@id": f"{here}#catalog",
        "@type": "dcat:Catalog",
        "dct:title": _text("MO-Portal: offene Daten", "MO-Portal: open data"),
        "dct:description": _text(
            "Das Verzeichnis der Migrantenorganisationen des MO-Portals als offene Daten.",
            "The MO-Portal's directory of migrant organisations as open data.",
        ),
        "dct:publisher": {"@id": publisher["@id"]},
        "dct:language": {"@id": f"{EU}language/DEU"},
        "foaf:homepage": _id("/"),
        "dcat:dataset": [{"@id": dataset["@id"]}],
    }
    return {"@context": CONTEXT, "@graph": [catalog, dataset, publisher, *distributions]}
