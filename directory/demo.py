"""A deterministic generator of realistic demo organisations.

Used by ``manage.py seed_demo`` and by the benchmarks. Rows are written in
bulk; the same count and seed always give the same organisations.

Profiles are written here in bulk, beside ``directory.services``, on purpose: the
benchmarks seed 160,000 MOs, and saving them one by one (a dozen queries each)
would take hours. What the services keep is still right: each profile gets the
snapshot, search document and coordinates the services would derive
(``snapshot_from``, ``search_document_from``, ``places.coordinates``) and one
recorded version ("demo data"), and cached pages are invalidated.
"""

import datetime
import random
from collections.abc import Iterable, Iterator

from django.db import transaction

from core.pagecache import bump
from core.text import german_slugify
from directory import demo_data, identity
from directory.duplicates import contact_keys
from directory.models import Offer, Organisation
from directory.places import Gazetteer, coordinates
from directory.relations import BY_FIELD
from directory.services import derive_search, public_data_changed, snapshot_from
from directory.vocabulary import get_vocabulary

DEMO_REASON = "demo data"

BATCH = 2000
DEFAULT_SEED = 2013
TODAY = datetime.date(2026, 11, 1)


def _pick(rng: random.Random, items: list, low: int, high: int) -> list:
    return rng.sample(items, k=min(len(items), rng.randint(low, high)))


class DemoGenerator:
    def __init__(self, *, seed: int = DEFAULT_SEED):
        self.rng = random.Random(seed)
        self.vocab = get_vocabulary()
        self.terms = {
            kind: {t.slug: t for t in terms} for kind, terms in self.vocab.by_kind.items()
        }
        self.cities = demo_data.CITIES
        self.city_weights = [c[3] for c in self.cities]
        self.communities = list(demo_data.COMMUNITIES.items())

    def _terms(self, kind: str, slugs) -> list:
        return [self.terms[kind][s] for s in slugs if s in self.terms.get(kind, {})]

    def _slugs(self, kind: str) -> list[str]:
        return list(self.terms.get(kind, {}))

    def _relation_slugs(self, field: str) -> list[str]:
        """The slugs a vocabulary relation may hold."""
        return self._slugs(BY_FIELD[field].kind)

    def _relations(self, slugs: dict[str, Iterable[str]]) -> dict[str, list]:
        """{relation field: slugs} -> {relation field: terms of the relation's kind}."""
        return {field: self._terms(BY_FIELD[field].kind, s) for field, s in slugs.items()}

    def guide_organisations(self) -> Iterator[tuple[dict, dict, list]]:
        for spec in demo_data.GUIDE_ORGANISATIONS:
            fields = {
                "name": spec["name"],
                "short_name": spec.get("short_name", ""),
                "slug": spec["slug"],
                "legal_form": spec.get("legal_form", "ev"),
                "description": spec["description"],
                "city": spec["city"],
                "postal_code": spec["postal_code"],
                "state": self.terms["state"][spec["state"]],
                "area": spec["area"],
                "paid_staff": spec["paid_staff"],
                "volunteers": 25,
                "members": 80,
                "has_rooms": True,
                "open_for_cooperation": True,
                "status": Organisation.Status.PUBLISHED,
                "confirmed_at": TODAY - datetime.timedelta(days=30),
                "budget_band": "50k_250k" if spec["paid_staff"] else "under_10k",
            }
            relations = self._relations(
                {
                    "roles": spec["roles"],
                    "resources": spec["resources"],
                    "fields": spec["fields"],
                    "communities": spec["communities"],
                    "languages": spec["languages"],
                    "advice_languages": spec["languages"],
                    "target_groups": ["neuzugewanderte", "arbeitsuchende"],
                    "cooperation_experience": spec["cooperation_experience"],
                }
            )
            yield fields, relations, []

    def organisation(self, index: int, *, published_only: bool) -> tuple[dict, dict, list]:
        rng = self.rng
        city, state_slug, postal_code, _ = rng.choices(self.cities, weights=self.city_weights)[0]
        community_slug, (adjectives, language_codes, words) = rng.choice(self.communities)
        template, legal_form = rng.choice(demo_data.NAME_TEMPLATES)
        name = template.format(adj=rng.choice(adjectives), word=rng.choice(words), city=city)
        if legal_form == "ev":
            name += " e. V."
        elif legal_form == "ggmbh":
            name += f" {city} gGmbH"

        volunteer_only = rng.random() < 0.4
        paid_staff = 0 if volunteer_only else max(1, int(rng.lognormvariate(1.0, 0.9)))
        if volunteer_only:
            budget = rng.choice(["none", "under_10k", "under_10k", "10k_50k"])
        else:
            budget = rng.choice(["10k_50k", "50k_250k", "50k_250k", "over_250k"])
        status: str
        if published_only:
            status = Organisation.Status.PUBLISHED
        else:
            status = rng.choices([s.value for s in Organisation.Status], weights=[3, 3, 90, 4])[0]
        slug_base = german_slugify(name)[:200]
        domain = german_slugify(f"{rng.choice(words)}-{city}")[:40]
        fields = {
            "name": name,
            "slug": slug_base,
            "legal_form": legal_form,
            "founding_year": rng.randint(1961, 2024),
            "description": self._description(name, city, community_slug),
            "website": f"https://{domain}.example",
            "email": f"kontakt@{domain}.example",
            "phone": f"+49 {rng.randint(30, 999)} {rng.randint(100000, 9999999)}",
            "street": f"{rng.choice(demo_data.STREETS)} {rng.randint(1, 180)}",
            "postal_code": f"{int(postal_code) + rng.randint(0, 30):05d}",
            "city": city,
            "state": self.terms["state"][state_slug],
            "area": rng.choices(
                ["local", "regional", "state", "national"], weights=[55, 25, 12, 8]
            )[0],
            "paid_staff": paid_staff,
            "volunteers": rng.randint(2, 90),
            "members": rng.randint(7, 600),
            "budget_band": budget,
            "has_rooms": rng.random() < (0.35 if volunteer_only else 0.8),
            "open_for_cooperation": rng.random() < 0.8,
            "status": status,
            "confirmed_at": TODAY - datetime.timedelta(days=rng.randint(0, 900)),
        }
        spoken = ["de", *language_codes] + (["en"] if rng.random() < 0.4 else [])
        advice = [c for c in spoken if rng.random() < 0.8] or spoken[:1]
        relations = self._relations(
            {
                "roles": _pick(rng, self._relation_slugs("roles"), 1, 3),
                "resources": _pick(rng, self._relation_slugs("resources"), 2, 5),
                "fields": _pick(rng, self._relation_slugs("fields"), 1, 3),
                "target_groups": _pick(rng, self._relation_slugs("target_groups"), 1, 3),
                "communities": [community_slug],
                "languages": dict.fromkeys(spoken),
                "advice_languages": dict.fromkeys(advice),
                "cooperation_experience": _pick(
                    rng,
                    self._relation_slugs("cooperation_experience"),
                    0,
                    1 if volunteer_only else 4,
                ),
            }
        )
        offers = []
        for position in range(rng.randint(1, 3)):
            kind = rng.choice(list(demo_data.OFFER_TITLES))
            offers.append(
                {
                    "title": rng.choice(demo_data.OFFER_TITLES[kind]),
                    "kind": kind,
                    "summary": "",
                    "position": position,
                    "languages": relations["advice_languages"],
                }
            )
        return fields, relations, offers

    def _description(self, name: str, city: str, community_slug: str) -> str:
        community = self.terms["community"][community_slug].label_de
        return (
            f"{name} ist eine Migrantenorganisation in {city}. Wir engagieren uns für "
            f"Menschen aus der Community „{community}“ und alle, die neu in {city} ankommen: "
            "mit Beratung, Begegnung und Bildung, überwiegend ehrenamtlich getragen."
        )


def seed_organisations(
    *, count: int, seed: int = DEFAULT_SEED, published_only: bool = False
) -> int:
    """Create up to ``count`` demo organisations (the guide's MOs first).

    The n-th organisation is the same on every run with the same seed, and one
    whose slug exists already is skipped: running it twice adds nothing, and a
    larger count adds only the difference. Returns the number created.
    """
    generator = DemoGenerator(seed=seed)
    existing = set(Organisation.objects.values_list("slug", flat=True))
    sequence_slugs: set[str] = set()
    created = 0
    batch = []
    gazetteer = Gazetteer(preload=True)
    for index in range(count):
        if index < len(demo_data.GUIDE_ORGANISATIONS):
            fields, relations, offers = list(generator.guide_organisations())[index]
        else:
            fields, relations, offers = generator.organisation(index, published_only=published_only)
        base = slug = fields["slug"]
        suffix = 2
        while slug in sequence_slugs:
            slug = f"{base}-{suffix}"
            suffix += 1
        sequence_slugs.add(slug)
        if slug in existing:
            continue
        batch.append((dict(fields, slug=slug), relations, offers))
        if len(batch) >= BATCH:
            created += _write_batch(batch, gazetteer)
            batch = []
    created += _write_batch(batch, gazetteer)
    if created:
        public_data_changed(withdraws=False)
    bump("directory")
    return created


@transaction.atomic
def _write_batch(batch: list[tuple[dict, dict, list]], gazetteer: Gazetteer) -> int:
    if not batch:
        return 0
    organisations = []
    for fields, relations, offers in batch:
        organisation = Organisation(**fields)
        organisation.snapshot = snapshot_from(terms=relations, offers=offers)
        organisation.latitude, organisation.longitude = coordinates(
            postal_code=organisation.postal_code, city=organisation.city, gazetteer=gazetteer
        )
        organisation.website_host, organisation.email_domain = contact_keys(organisation)
        organisation.register_key, organisation.identity_key = identity.keys(organisation)
        organisations.append(organisation)
    derive_search(organisations)
    Organisation.objects.bulk_create(organisations, batch_size=500)
    if organisations[0].pk is None:  # backends that return no ids
        by_slug = dict(
            Organisation.objects.filter(slug__in=[o.slug for o in organisations]).values_list(
                "slug", "pk"
            )
        )
        for organisation in organisations:
            organisation.pk = by_slug[organisation.slug]
    # The first version of each profile, complete with its snapshot (as
    # organisation_save would record it), so that history and restore work.
    Organisation.history.bulk_history_create(
        organisations, batch_size=500, default_change_reason=DEMO_REASON
    )

    rows_by_through: dict = {}
    offer_rows, offer_languages = [], []
    for organisation, (_, relations, offers) in zip(organisations, batch, strict=True):
        for relation, terms in relations.items():
            through = getattr(Organisation, relation).through
            for term in terms:
                rows_by_through.setdefault(through, []).append(
                    through(organisation_id=organisation.pk, term_id=term.pk)
                )
        for spec in offers:
            values = {k: v for k, v in spec.items() if k != "languages"}
            offer_rows.append(Offer(organisation_id=organisation.pk, **values))
            offer_languages.append(spec["languages"])
    for through, rows in rows_by_through.items():
        through.objects.bulk_create(rows, batch_size=2000)
    Offer.objects.bulk_create(offer_rows, batch_size=2000)
    offer_through = Offer.languages.through
    offer_through.objects.bulk_create(
        [
            offer_through(offer_id=offer.pk, term_id=term.pk)
            for offer, terms in zip(offer_rows, offer_languages, strict=True)
            for term in terms
        ],
        batch_size=2000,
    )
    return len(organisations)
