"""Demo support offers and mentors for a local installation (idempotent)."""

from django.db import transaction

from directory.models import Organisation
from directory.vocabulary import get_vocabulary
from support.models import Mentor, SupportOffer

OFFERS = [
    # title, provider org slug or institution name, format, needs, states, languages, dates
    (
        "Vereinsrecht kompakt: Satzung, Vorstand, Gemeinnützigkeit",
        "IQ Netzwerk Hamburg – NOBI",
        "schulung",
        ["vereinsrecht", "finanzen"],
        ["hamburg"],
        ["de"],
        "",
    ),
    (
        "Schulung „Zusammenarbeit zwischen MO und Jobcenter“",
        "club-dialog",
        "schulung",
        ["kooperationsvereinbarungen", "arbeitsmarktwissen"],
        [],
        ["de", "ru"],
        "",
    ),
    (
        "Interkulturelle Arbeitsmarktlotsen werden",
        "mozaik",
        "lotsen",
        ["arbeitsmarktwissen", "vernetzung"],
        ["nordrhein-westfalen"],
        ["de", "tr"],
        "Start jeweils im Frühjahr und Herbst",
    ),
    (
        "Coaching für Förderanträge",
        "Fachstelle Migrantenorganisationen",
        "coaching",
        ["foerderantraege", "projektmanagement"],
        [],
        ["de", "en"],
        "",
    ),
    (
        "Tandem: erfahrene MO begleitet neue MO",
        "kontakt-schwerin",
        "tandem",
        ["kooperationsvereinbarungen", "empowerment"],
        ["mecklenburg-vorpommern"],
        ["de", "ru"],
        "",
    ),
    (
        "Austauschtreffen der MO in Hessen",
        "kubi",
        "austauschplattform",
        ["vernetzung"],
        ["hessen"],
        ["de"],
        "Jeden ersten Dienstag im Monat",
    ),
    (
        "Hospitationstage im Jobcenter",
        "Jobcenter Schwerin",
        "hospitation",
        ["arbeitsmarktwissen", "vernetzung"],
        ["mecklenburg-vorpommern"],
        ["de"],
        "",
    ),
    (
        "Öffentlichkeitsarbeit für kleine Vereine",
        "IQ Fachstelle Interkulturelle Kompetenzentwicklung",
        "schulung",
        ["oeffentlichkeitsarbeit"],
        [],
        ["de", "ar"],
        "",
    ),
    (
        "Anerkennung ausländischer Abschlüsse: Multiplikatorenschulung",
        "IQ Netzwerk Niedersachsen",
        "multiplikatorenschulung",
        ["arbeitsmarktwissen"],
        ["niedersachsen", "bremen"],
        ["de", "ar", "fa"],
        "",
    ),
    (
        "Vom Ehrenamt zum Hauptamt: Beratung",
        "Servicestelle MO Berlin",
        "servicestelle",
        ["hauptamtliche-strukturen", "finanzen"],
        ["berlin", "brandenburg"],
        ["de"],
        "",
    ),
    (
        "Kleine Einstiegsprojekte: Mikroförderung",
        "Stiftung Bürgermut",
        "kleinprojekte",
        ["foerderantraege", "projektmanagement"],
        [],
        ["de"],
        "Antrag jederzeit",
    ),
    (
        "Empowerment-Training für Vorstände",
        "asm",
        "schulung",
        ["empowerment", "diversity"],
        [],
        ["de", "tr", "en"],
        "",
    ),
]

MENTORS = [
    (
        "club-dialog",
        ["kooperationsvereinbarungen", "arbeitsmarktwissen", "projektmanagement"],
        ["de", "ru"],
        True,
        3,
    ),
    ("mozaik", ["arbeitsmarktwissen", "vernetzung", "foerderantraege"], ["de", "tr"], True, 2),
    ("kubi", ["vernetzung", "kooperationsvereinbarungen"], ["de", "tr"], False, 2),
]


@transaction.atomic
def seed_support() -> tuple[int, int]:
    vocab = get_vocabulary()
    organisations = {
        o.slug: o
        for o in Organisation.objects.filter(
            slug__in=[o[1] for o in OFFERS] + [m[0] for m in MENTORS]
        )
    }
    created_offers = 0
    for title, provider, fmt, needs, states, languages, dates in OFFERS:
        if SupportOffer.objects.filter(title=title).exists():
            continue
        organisation = organisations.get(provider)
        offer = SupportOffer.objects.create(
            title=title,
            provider_organisation=organisation,
            provider_name="" if organisation else provider,
            format=vocab.get("support_format", fmt),
            description=f"{title}. Ein Angebot für Migrantenorganisationen, abgestimmt auf ihren Bedarf.",
            on_request=not dates,
            dates=dates,
            costs="kostenfrei",
            contact_email="unterstuetzung@mo-portal.example",
        )
        offer.needs.set([vocab.get("need", n) for n in needs])
        offer.states.set([vocab.get("state", s) for s in states])
        offer.languages.set([vocab.get("language", c) for c in languages])
        created_offers += 1
    created_mentors = 0
    for slug, topics, languages, nationwide, capacity in MENTORS:
        organisation = organisations.get(slug)
        if organisation is None or Mentor.objects.filter(organisation=organisation).exists():
            continue
        mentor = Mentor.objects.create(
            organisation=organisation,
            nationwide=nationwide,
            capacity=capacity,
            description="Wir geben unsere Erfahrung in der Zusammenarbeit mit Jobcentern, Kammern und Kommunen weiter.",
        )
        mentor.topics.set([vocab.get("need", t) for t in topics])
        mentor.languages.set([vocab.get("language", c) for c in languages])
        created_mentors += 1
    return created_offers, created_mentors
