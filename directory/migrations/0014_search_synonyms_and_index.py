"""A first thesaurus of the field for the search (coordinators edit it in the
admin), and the search index and typo vocabulary of the profiles already stored."""

from django.db import migrations

SYNONYMS = [
    ("Geflüchtete\nFlüchtlinge\nSchutzsuchende\nGeflüchteter\nrefugees", "Geflüchtete"),
    (
        "Dolmetschen\nDolmetscher\nSprachmittlung\nSprachmittler\nÜbersetzung\nÜbersetzer\n"
        "interpreting\ntranslation",
        "Sprachmittlung",
    ),
    (
        "Jobcenter\nArbeitsagentur\nAgentur für Arbeit\nArbeitsamt\nemployment agency",
        "Arbeitsverwaltung",
    ),
    ("Ältere Menschen\nSenioren\nSeniorinnen\nolder people\nelderly", "Ältere"),
    ("Neuzugewanderte\nNeuzuwanderer\nNeuankommende\nnewcomers", "Neuzugewanderte"),
    ("Jugendliche\nJugend\njunge Menschen\nyoung people\nyouth", "Jugend"),
    ("Kinder\nKids\nchildren", "Kinder"),
    ("Arbeitsuchende\nArbeitslose\nErwerbslose\njobseekers", "Arbeitsuche"),
    ("Gründer\nGründerinnen\nfounders", "Gründung"),
    ("Anerkennung\nAnerkennungsberatung\nrecognition", "Anerkennung"),
    ("Deutschkurs\nSprachkurs\nIntegrationskurs\nGerman course", "Sprachkurs"),
    ("Beratung\ncounselling\nadvice", "Beratung"),
    ("Ehrenamt\nEhrenamtliche\nFreiwillige\nvolunteers", "Ehrenamt"),
    ("Mentoring\nMentoren\nPatenschaft", "Mentoring"),
    ("Frauen\nwomen", "Frauen"),
    ("Kammer\nIHK\nHWK\nHandwerkskammer\nchamber", "Kammern"),
]


def seed_synonyms(apps, schema_editor):
    SynonymGroup = apps.get_model("directory", "SynonymGroup")
    if not SynonymGroup.objects.exists():
        SynonymGroup.objects.bulk_create(
            [SynonymGroup(words=words, note=note) for words, note in SYNONYMS]
        )


def index_profiles(apps, schema_editor):
    from directory.search import build_search_index, record_words
    from directory.vocabulary import TERM_RELATIONS

    Organisation = apps.get_model("directory", "Organisation")
    Term = apps.get_model("directory", "Term")
    terms = {(t.kind, t.slug): t for t in Term.objects.all()}
    by_id = {t.pk: t for t in terms.values()}
    batch = []

    class Offer:
        def __init__(self, title, summary):
            self.title, self.summary = title, summary

    for organisation in Organisation.objects.iterator(chunk_size=500):
        snapshot = organisation.snapshot or {}
        labels = []
        for relation, kind in TERM_RELATIONS.items():
            for slug in (snapshot.get("terms") or {}).get(relation, []):
                term = terms.get((kind, slug))
                if term:
                    labels += [term.label_de, term.label_en]
        if organisation.state_id in by_id:
            labels.append(by_id[organisation.state_id].label_de)
        offers = [
            Offer(o.get("title", ""), o.get("summary", "")) for o in snapshot.get("offers", [])
        ]
        organisation.search_index = build_search_index(
            organisation=organisation, term_labels=labels, offers=offers
        )
        batch.append(organisation)
        if len(batch) >= 500:
            Organisation.objects.bulk_update(batch, ["search_index"])
            record_words(o.search_document for o in batch)
            batch = []
    Organisation.objects.bulk_update(batch, ["search_index"])
    record_words(o.search_document for o in batch)


class Migration(migrations.Migration):
    dependencies = [("directory", "0013_search_index")]

    operations = [
        migrations.RunPython(seed_synonyms, migrations.RunPython.noop),
        migrations.RunPython(index_profiles, migrations.RunPython.noop),
    ]
