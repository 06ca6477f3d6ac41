"""Linked data, read with an RDF library as harvesters read it: the DCAT-AP.de
catalogue of the open data and the schema.org JSON-LD of profile pages (what
an anonymous visitor sees, never more)."""

import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib import namespace as vocabularies

from directory.models import Organisation
from tests.pages import build_world

pytestmark = pytest.mark.django_db
DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
DCAT, DCTERMS, FOAF, SDO = (
    vocabularies.DCAT,
    vocabularies.DCTERMS,
    vocabularies.FOAF,
    vocabularies.SDO,
)
SITE = "https://mo-portal.example"


@pytest.fixture
def world(settings):
    settings.SITE_URL = SITE
    return build_world()


def _catalogue(client) -> Graph:
    response = client.get(reverse("dcat-catalog"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    # The context is inline: parsing needs no network.
    return Graph().parse(data=response.content, format="json-ld")


def test_the_dcat_catalogue_describes_every_distribution(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("export_open_data", verbosity=0)
    graph = _catalogue(client)
    (catalog,) = graph.subjects(RDF.type, DCAT.Catalog)
    for required in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCAT.dataset):
        assert graph.value(catalog, required) is not None, required
    (dataset,) = graph.objects(catalog, DCAT.dataset)
    assert (dataset, RDF.type, DCAT.Dataset) in graph
    titles = {title.language: str(title) for title in graph.objects(dataset, DCTERMS.title)}
    assert titles["de"].startswith("Migrantenorganisationen") and titles["en"]
    licence = URIRef("http://dcat-ap.de/def/licenses/cc-by/4.0")  # CC BY 4.0, configured
    assert graph.value(dataset, DCTERMS.license) == licence
    publisher = graph.value(dataset, DCTERMS.publisher)
    assert graph.value(publisher, FOAF.name) == Literal(settings.OPEN_DATA_PUBLISHER)
    assert graph.value(dataset, DCAT.contactPoint) is not None
    assert graph.value(dataset, DCAT.theme) == URIRef(
        "http://publications.europa.eu/resource/authority/data-theme/SOCI"
    )
    distributions = list(graph.objects(dataset, DCAT.distribution))
    assert len(distributions) == 6
    downloads = []
    for distribution in distributions:
        assert (distribution, RDF.type, DCAT.Distribution) in graph
        assert graph.value(distribution, DCAT.accessURL) is not None
        assert graph.value(distribution, DCTERMS.license) == licence
        assert graph.value(distribution, DCTERMS["format"]) is not None
        assert graph.value(distribution, DCATDE.licenseAttributionByText) is not None
        url = graph.value(distribution, DCAT.downloadURL)
        if url is not None:
            downloads.append(str(url))
    assert len(downloads) == 4
    for url in downloads:  # every file named is there
        assert url.startswith(SITE)
        assert client.get(url.removeprefix(SITE)).status_code == 200, url
    modified = [graph.value(d, DCTERMS.modified) for d in distributions]
    assert sum(value is not None for value in modified) == 2  # the two dumps, when made


def _jsonld(html: str) -> dict:
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block)


def _graph(data: dict) -> Graph:
    """schema.org's context is a vocabulary: read offline as such."""
    return Graph().parse(
        data=json.dumps({**data, "@context": {"@vocab": "https://schema.org/"}}),
        format="json-ld",
    )


def test_a_profile_page_carries_schema_org_with_public_data_only(client, world):
    mo = world.mo
    mo.email_visibility, mo.phone_visibility, mo.street_visibility = (
        "institutions",
        "public",
        "hidden",
    )
    mo.save()
    url = reverse("directory:organisation_detail", args=[mo.slug])
    data = _jsonld(client.get(url).content.decode())
    assert data["@context"] == "https://schema.org" and data["@type"] == "NGO"
    graph = _graph(data)
    (node,) = graph.subjects(RDF.type, SDO.NGO)
    assert graph.value(node, SDO.name) == Literal("Kontakt e. V.")
    assert graph.value(node, SDO.telephone) == Literal("+49 385 123456")
    assert graph.value(node, SDO.email) is None  # institutions only
    address = graph.value(node, SDO.address)
    assert graph.value(address, SDO.postalCode) == Literal("19053")
    assert graph.value(address, SDO.streetAddress) is None  # hidden
    assert {str(v) for v in graph.objects(node, SDO.knowsLanguage)} == {"de", "ru"}
    identifier = graph.value(node, SDO.identifier)
    assert graph.value(identifier, SDO.value) == Literal("Amtsgericht Schwerin VR 1234")
    # A verified institution sees the e-mail on the page, the linked data stays public.
    client.force_login(world.users["institution"])
    page = client.get(url).content.decode()
    assert "info@kontakt.example" in page
    assert "info@kontakt.example" not in json.dumps(_jsonld(page))


def test_no_linked_data_for_a_profile_that_is_not_public(client, world):
    draft = Organisation.objects.get(slug="zur-pruefung")
    client.force_login(world.users["coordinator"])
    html = client.get(reverse("directory:organisation_detail", args=[draft.slug])).content
    assert b"application/ld+json" not in html


def test_markup_in_a_name_cannot_end_the_data_block(client, world):
    mo = world.mo
    mo.name = 'Kontakt </script><script>alert("x")</script> e. V.'
    mo.save()
    html = client.get(reverse("directory:organisation_detail", args=[mo.slug])).content.decode()
    assert _jsonld(html)["name"] == mo.name
    assert "<script>alert" not in html
