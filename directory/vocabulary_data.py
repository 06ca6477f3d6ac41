"""The curated shared vocabulary that a new installation starts with.

Each entry: (slug, German label, English label, German description, English
description[, code]). Coordinators edit the terms afterwards in the admin;
``load_vocabulary`` only adds what is missing and never overwrites edits
unless asked to. Languages are ISO 639-1 (data/languages.json, names from the
ISO 639 tables as published by the pycountry project).
"""

import json
from pathlib import Path

ROLES = [
    (
        "informationsvermittler",
        "Informationsvermittler",
        "Information broker",
        "Vermittelt Informationen, z. B. über das Anerkennungsgesetz und Beratungsstellen "
        "oder über Angebote der Agentur für Arbeit.",
        "Passes on information, e.g. about the recognition act and counselling services "
        "or about what the employment agency offers.",
    ),
    (
        "interessenvertreter",
        "Interessenvertreter",
        "Advocate",
        "Vertritt die Interessen bestimmter Gruppen, z. B. von Neuzugewanderten oder von "
        "Menschen aus bestimmten Herkunftsländern.",
        "Represents the interests of particular groups, e.g. newcomers or people from "
        "particular countries of origin.",
    ),
    (
        "kooperationspartner",
        "Kooperationspartner",
        "Cooperation partner",
        "Arbeitet mit Regelinstitutionen zusammen, z. B. bei ganzheitlicher Erstberatung.",
        "Works together with mainstream institutions, e.g. in holistic first counselling.",
    ),
    (
        "projekttraeger",
        "Eigenständiger Projektträger",
        "Independent project provider",
        "Führt eigene Projekte durch, z. B. Lotsen- und Mentorenprogramme oder "
        "zielgruppenorientierte Fachthemen für Ausbildung und Arbeit.",
        "Runs its own projects, e.g. guide and mentoring programmes or target-group "
        "oriented topics for training and work.",
    ),
    (
        "expertengremium-zielgruppe",
        "Expertengremium für die Zielgruppe",
        "Expert body for the target group",
        "Bringt Wissen über die eigene Zielgruppe in Gremien und Programme ein.",
        "Contributes knowledge about its own target group to committees and programmes.",
    ),
    (
        "expertengremium-fachthemen",
        "Expertengremium für fachliche Themen",
        "Expert body for specialist topics",
        "Bringt Fachwissen zu spezifischen fachlichen Themen ein.",
        "Contributes expertise on specific specialist topics.",
    ),
]

RESOURCES = [
    (
        "mehrsprachigkeit",
        "Mehrsprachigkeit",
        "Multilingualism",
        "Beratung und Information in den Sprachen der Zielgruppen.",
        "Counselling and information in the target groups' languages.",
    ),
    (
        "zugang-zu-communities",
        "Zugang zu Communities",
        "Access to communities",
        "Erreicht Menschen, die von Regelinstitutionen schwer erreicht werden.",
        "Reaches people whom mainstream institutions find hard to reach.",
    ),
    (
        "erstanlaufstelle",
        "Erstanlaufstelle und Wegweiser für Neuzugewanderte",
        "First point of contact and guide for newcomers",
        "Neuzuwanderer finden in der MO eine kompetente Erstanlaufstelle.",
        "Newcomers find a competent first point of contact in the MO.",
    ),
    (
        "integrationserfahrung",
        "Erfahrungen und Strategien der Integration",
        "Experience and strategies of integration",
        "Wissen darüber, wie Integration in der Einwanderungsgesellschaft gelingen kann.",
        "Knowledge of how integration in an immigration society can succeed.",
    ),
    (
        "ehrenamtliches-netzwerk",
        "Ehrenamtliches Netzwerk",
        "Volunteer network",
        "Sozialintegrative Aufgaben werden von Ehrenamtlichen übernommen.",
        "Volunteers take on tasks of social integration.",
    ),
    (
        "raeume",
        "Räume",
        "Rooms",
        "Eigene Räume für Beratung, Kurse und Treffen.",
        "Own rooms for counselling, courses and meetings.",
    ),
    (
        "flexibilitaet",
        "Flexibilität",
        "Flexibility",
        "Kann schnell und flexibel auf neue Bedarfe reagieren.",
        "Can respond quickly and flexibly to new needs.",
    ),
    (
        "programmgestaltung",
        "Expertise für die Gestaltung von Programmen",
        "Expertise in programme design",
        "Experten, wenn es um die Gestaltung von Integrationsprogrammen geht.",
        "Experts when it comes to designing integration programmes.",
    ),
    (
        "vertrauen",
        "Vertrauen in der Community",
        "Trust within the community",
        "Genießt das Vertrauen der Menschen, die Rat suchen.",
        "Enjoys the trust of the people who seek advice.",
    ),
    (
        "kultursensible-beratung",
        "Kultursensible Beratung",
        "Culturally sensitive counselling",
        "Beratung, die Herkunft und Lebenslagen der Ratsuchenden berücksichtigt.",
        "Counselling that takes the origin and situation of those seeking advice into account.",
    ),
]

FIELDS = [
    ("sozial", "Soziales", "Social work", "", ""),
    ("kultur", "Kultur", "Culture", "", ""),
    ("religion", "Religion", "Religion", "", ""),
    ("wirtschaft", "Wirtschaft und Selbständigkeit", "Business and self-employment", "", ""),
    ("bildung", "Bildung", "Education", "", ""),
    ("arbeitsmarkt", "Arbeitsmarkt und Beruf", "Labour market and work", "", ""),
    ("sport", "Sport", "Sport", "", ""),
    ("jugend", "Jugend", "Youth", "", ""),
    ("frauen", "Frauen und Gleichstellung", "Women and equality", "", ""),
    ("gesundheit", "Gesundheit und Pflege", "Health and care", "", ""),
    ("medien", "Medien", "Media", "", ""),
    ("politik", "Politische Teilhabe", "Political participation", "", ""),
    ("gefluechtete", "Hilfe für Geflüchtete", "Support for refugees", "", ""),
    ("antidiskriminierung", "Antidiskriminierung", "Anti-discrimination", "", ""),
]

NEEDS = [
    ("vereinsrecht", "Vereinsrecht", "Association law", "", ""),
    ("projektmanagement", "Projektmanagement", "Project management", "", ""),
    ("oeffentlichkeitsarbeit", "Öffentlichkeitsarbeit", "Public relations", "", ""),
    ("foerderantraege", "Förderanträge", "Funding applications", "", ""),
    (
        "kooperationsvereinbarungen",
        "Kooperationsvereinbarungen",
        "Cooperation agreements",
        "",
        "",
    ),
    (
        "arbeitsmarktwissen",
        "Arbeitsmarktwissen (z. B. Anerkennung ausländischer Abschlüsse)",
        "Labour-market knowledge (e.g. recognition of foreign qualifications)",
        "",
        "",
    ),
    ("vernetzung", "Vernetzung", "Networking", "", ""),
    ("hauptamtliche-strukturen", "Hauptamtliche Strukturen", "Paid structures", "", ""),
    ("raeumlichkeiten", "Räumlichkeiten", "Premises", "", ""),
    ("coaching", "Coaching und Begleitung", "Coaching and mentoring", "", ""),
    ("empowerment", "Empowerment", "Empowerment", "", ""),
    ("diversity", "Diversity", "Diversity", "", ""),
    ("finanzen", "Finanzen und Buchhaltung", "Finance and bookkeeping", "", ""),
]

SUPPORT_FORMATS = [
    ("schulung", "Auf die MO abgestimmte Schulung", "Tailored training", "", ""),
    (
        "multiplikatorenschulung",
        "Schulung von Multiplikatoren",
        "Training of multipliers",
        "",
        "",
    ),
    ("coaching", "Coaching", "Coaching", "", ""),
    ("tandem", "Tandem zwischen MO", "Tandem between MOs", "", ""),
    ("lotsen", "Lotsen und Mentoren", "Guides and mentors", "", ""),
    ("austauschplattform", "Austauschplattform", "Exchange platform", "", ""),
    ("servicestelle", "Servicestelle", "Service centre", "", ""),
    (
        "hospitation",
        "Hospitation und Austauschtage",
        "Job shadowing and exchange days",
        "",
        "",
    ),
    ("kleinprojekte", "Kleine Einstiegsprojekte", "Small starter projects", "", ""),
    ("best-practice", "Best-Practice-Analyse", "Best-practice analysis", "", ""),
]

INSTITUTION_TYPES = [
    ("jobcenter", "Jobcenter", "Jobcenter", "", ""),
    ("agentur-fuer-arbeit", "Agentur für Arbeit", "Employment agency", "", ""),
    ("kammer", "Kammer (IHK, HWK)", "Chamber (IHK, HWK)", "", ""),
    ("wohlfahrtsverband", "Wohlfahrtsverband", "Welfare association", "", ""),
    ("kommune", "Kommune", "Municipality", "", ""),
    ("bildungstraeger", "Bildungsträger", "Education provider", "", ""),
    ("beratungsstelle", "Beratungsstelle", "Counselling service", "", ""),
    ("hochschule", "Hochschule", "University", "", ""),
    ("arbeitgeber", "Arbeitgeber", "Employer", "", ""),
]

TARGET_GROUPS = [
    ("neuzugewanderte", "Neuzugewanderte", "Newcomers", "", ""),
    ("gefluechtete", "Geflüchtete", "Refugees", "", ""),
    ("frauen", "Frauen", "Women", "", ""),
    ("jugendliche", "Jugendliche", "Young people", "", ""),
    ("eltern", "Eltern und Familien", "Parents and families", "", ""),
    ("senioren", "Ältere Menschen", "Older people", "", ""),
    (
        "fachkraefte",
        "Fachkräfte mit ausländischen Abschlüssen",
        "Skilled workers with foreign qualifications",
        "",
        "",
    ),
    ("arbeitsuchende", "Arbeitsuchende", "Jobseekers", "", ""),
    ("gruender", "Gründerinnen und Gründer", "Founders", "", ""),
    ("studierende", "Studierende", "Students", "", ""),
    ("auszubildende", "Auszubildende", "Apprentices", "", ""),
]

COMMUNITIES = [
    ("tuerkei", "Türkei", "Turkey", "", ""),
    ("russischsprachige", "Russischsprachige Community", "Russian-speaking community", "", ""),
    ("ukraine", "Ukraine", "Ukraine", "", ""),
    ("polen", "Polen", "Poland", "", ""),
    ("syrien", "Syrien", "Syria", "", ""),
    ("afghanistan", "Afghanistan", "Afghanistan", "", ""),
    ("irak", "Irak", "Iraq", "", ""),
    ("iran", "Iran", "Iran", "", ""),
    ("kurdische-community", "Kurdische Community", "Kurdish community", "", ""),
    ("griechenland", "Griechenland", "Greece", "", ""),
    ("italien", "Italien", "Italy", "", ""),
    ("spanien", "Spanien", "Spain", "", ""),
    ("portugal", "Portugal", "Portugal", "", ""),
    ("rumaenien", "Rumänien", "Romania", "", ""),
    ("bulgarien", "Bulgarien", "Bulgaria", "", ""),
    ("kroatien", "Kroatien", "Croatia", "", ""),
    ("serbien", "Serbien", "Serbia", "", ""),
    ("bosnien", "Bosnien und Herzegowina", "Bosnia and Herzegovina", "", ""),
    ("kosovo", "Kosovo", "Kosovo", "", ""),
    ("vietnam", "Vietnam", "Vietnam", "", ""),
    ("china", "China", "China", "", ""),
    ("indien", "Indien", "India", "", ""),
    ("eritrea", "Eritrea", "Eritrea", "", ""),
    ("somalia", "Somalia", "Somalia", "", ""),
    ("nigeria", "Nigeria", "Nigeria", "", ""),
    ("ghana", "Ghana", "Ghana", "", ""),
    ("kamerun", "Kamerun", "Cameroon", "", ""),
    ("afrikanische-diaspora", "Afrikanische Diaspora", "African diaspora", "", ""),
    ("marokko", "Marokko", "Morocco", "", ""),
    ("tunesien", "Tunesien", "Tunisia", "", ""),
    ("lateinamerika", "Lateinamerika", "Latin America", "", ""),
    ("arabischsprachige", "Arabischsprachige Community", "Arabic-speaking community", "", ""),
    ("sinti-roma", "Sinti und Roma", "Sinti and Roma", "", ""),
    ("herkunftsuebergreifend", "Herkunftsübergreifend", "Across origins", "", ""),
]

# The 16 German states with their official two-letter abbreviations.
STATES = [
    ("baden-wuerttemberg", "Baden-Württemberg", "Baden-Württemberg", "", "", "BW"),
    ("bayern", "Bayern", "Bavaria", "", "", "BY"),
    ("berlin", "Berlin", "Berlin", "", "", "BE"),
    ("brandenburg", "Brandenburg", "Brandenburg", "", "", "BB"),
    ("bremen", "Bremen", "Bremen", "", "", "HB"),
    ("hamburg", "Hamburg", "Hamburg", "", "", "HH"),
    ("hessen", "Hessen", "Hesse", "", "", "HE"),
    (
        "mecklenburg-vorpommern",
        "Mecklenburg-Vorpommern",
        "Mecklenburg-Western Pomerania",
        "",
        "",
        "MV",
    ),
    ("niedersachsen", "Niedersachsen", "Lower Saxony", "", "", "NI"),
    ("nordrhein-westfalen", "Nordrhein-Westfalen", "North Rhine-Westphalia", "", "", "NW"),
    ("rheinland-pfalz", "Rheinland-Pfalz", "Rhineland-Palatinate", "", "", "RP"),
    ("saarland", "Saarland", "Saarland", "", "", "SL"),
    ("sachsen", "Sachsen", "Saxony", "", "", "SN"),
    ("sachsen-anhalt", "Sachsen-Anhalt", "Saxony-Anhalt", "", "", "ST"),
    ("schleswig-holstein", "Schleswig-Holstein", "Schleswig-Holstein", "", "", "SH"),
    ("thueringen", "Thüringen", "Thuringia", "", "", "TH"),
]


def _languages():
    path = Path(__file__).parent / "data" / "languages.json"
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [(r["code"], r["de"], r["en"], "", "", r["code"]) for r in rows]


def vocabulary() -> dict[str, list[tuple]]:
    """All initial terms by kind (the keys are Term.Kind values)."""
    return {
        "role": ROLES,
        "resource": RESOURCES,
        "field": FIELDS,
        "need": NEEDS,
        "support_format": SUPPORT_FORMATS,
        "institution_type": INSTITUTION_TYPES,
        "target_group": TARGET_GROUPS,
        "community": COMMUNITIES,
        "language": _languages(),
        "state": STATES,
    }
