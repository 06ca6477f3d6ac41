"""Realistic, deterministic request mixes for the benchmarks."""

import random
from urllib.parse import urlencode

from directory import demo_data

WORDS = [
    "Beratung",
    "Erstberatung",
    "Kulturverein",
    "Elternverein",
    "Frauenverein",
    "Bewerbungstraining",
    "Deutschkurs",
    "Dolmetschen",
    "Jugend",
    "Integration",
    "Anerkennung",
    "Russisch",
    "Arabisch",
    "Türkisch",
    "Kontakt",
    "Kontackt",
    "Druschba",
    "Umut",
    "Mentoring",
    "Lotsendienst",
]


def directory_urls(n: int = 200, *, seed: int = 1) -> list[str]:
    """Directory requests: free text, single and combined filters, later pages."""
    from directory.vocabulary import get_vocabulary

    rng = random.Random(seed)
    vocab = get_vocabulary()
    cities = [c[0] for c in demo_data.CITIES]
    languages = ["ru", "ar", "tr", "fa", "pl", "uk", "en", "fr", "es", "vi", "ti", "so"]

    def slug(kind):
        return rng.choice(vocab.kind(kind)).slug

    makers = [
        lambda: {"q": rng.choice(WORDS)},
        lambda: {"q": f"{rng.choice(WORDS)} {rng.choice(cities)}"},
        lambda: {"role": slug("role")},
        lambda: {"language": rng.choice(languages)},
        lambda: {"state": slug("state")},
        lambda: {"place": rng.choice(cities)},
        lambda: {"place": f"{rng.randint(1, 9)}{rng.randint(0, 9)}"},
        lambda: {"role": slug("role"), "language": rng.choice(languages), "paid_staff": "ja"},
        lambda: {"community": slug("community"), "state": slug("state")},
        lambda: {"q": rng.choice(WORDS), "role": slug("role"), "open": "ja"},
        lambda: {"resource": slug("resource"), "cooperated_with": slug("institution_type")},
        lambda: {"field": slug("field"), "rooms": "ja", "sort": "confirmed"},
        lambda: {"page": rng.randint(2, 6)},
        lambda: {"role": slug("role"), "page": 2},
    ]
    urls = []
    seen = set()
    while len(urls) < n:
        url = "/organisationen/?" + urlencode(rng.choice(makers)(), doseq=True)
        if url not in seen:
            seen.add(url)
            urls.append(url)
    return urls


def distance_urls(n: int = 200, *, seed: int = 8) -> list[str]:
    """Radius searches in the directory: around a demo city or one of its
    postcodes, 5 to 100 km, nearest first or by name, alone or with a filter,
    some later pages."""
    rng = random.Random(seed)
    places = [c[0] for c in demo_data.CITIES] + [c[2] for c in demo_data.CITIES]
    languages = ["ru", "ar", "tr", "fa", "pl", "uk"]
    urls, seen = [], set()
    while len(urls) < n:
        params: dict = {"near": rng.choice(places), "radius": rng.choice([5, 10, 25, 25, 50, 100])}
        choice = rng.random()
        if choice < 0.2:
            params["sort"] = "name"
        elif choice < 0.4:
            params["language"] = rng.choice(languages)
        elif choice < 0.5:
            params["q"] = rng.choice(WORDS)
        if rng.random() < 0.15 and params["radius"] >= 50 and len(params) == 2:
            params["page"] = 2  # a later page where a wide radius has one
        url = "/organisationen/?" + urlencode(params)
        if url not in seen:
            seen.add(url)
            urls.append(url)
    return urls


def finder_urls(n: int = 200, *, seed: int = 2) -> list[str]:
    """Partner-finder requests: a role plus languages, region, capacities, topics,
    with varied must / nice-to-have choices, some later pages."""
    from directory.vocabulary import get_vocabulary

    rng = random.Random(seed)
    vocab = get_vocabulary()
    cities = [c[0] for c in demo_data.CITIES]
    languages = [vocab.get("language", c) for c in ("ru", "ar", "tr", "fa", "pl", "uk", "en", "fr")]

    def pick(kind):
        return rng.choice(vocab.kind(kind)).pk

    def importance():
        return rng.choice(["must", "nice", "nice"])

    urls, seen = [], set()
    while len(urls) < n:
        params = {"role": pick("role"), "role_importance": importance(), "open_only": "on"}
        if rng.random() < 0.7:
            params["languages"] = [t.pk for t in rng.sample(languages, rng.randint(1, 2))]
            params["languages_importance"] = importance()
        if rng.random() < 0.6:
            params["place"] = rng.choice(cities + ["1", "2", "19", "50", "80"])
            params["region_importance"] = importance()
        elif rng.random() < 0.5:
            params["state"] = pick("state")
            params["region_importance"] = importance()
        if rng.random() < 0.4:
            params["paid_staff"] = "on"
            params["paid_staff_importance"] = importance()
        if rng.random() < 0.3:
            params["cooperated_with"] = pick("institution_type")
            params["cooperated_with_importance"] = importance()
        if rng.random() < 0.25:
            params["topic"] = rng.choice(WORDS)
            params["topic_importance"] = importance()
        if rng.random() < 0.2:
            params["community"] = pick("community")
        if rng.random() < 0.2 and "must" not in params.values():
            params["page"] = 2  # a later page (only where every MO open to cooperation ranks)
        url = "/partnersuche/?" + urlencode(params, doseq=True)
        if url not in seen:
            seen.add(url)
            urls.append(url)
    return urls


def _sample(values, n, seed):
    rng = random.Random(seed)
    values = list(values)
    rng.shuffle(values)
    return values[:n]


def profile_urls(n: int = 200, *, seed: int = 3) -> list[str]:
    from directory.models import Organisation

    ids = list(Organisation.objects.published().values_list("pk", flat=True))
    chosen = set(_sample(ids, n, seed))
    slugs = Organisation.objects.filter(pk__in=chosen).values_list("slug", flat=True)
    return sorted(f"/organisationen/{slug}/" for slug in slugs)


def chapter_urls(n: int = 200, *, seed: int = 4) -> list[str]:
    """Every chapter in both languages: the guide has only ten chapters."""
    from guidance.models import Chapter

    paths = [c.get_absolute_url() for c in Chapter.objects.order_by("number")]
    return [f"{lang}|{path}" for lang in ("de", "en") for path in paths][:n]


def term_urls(n: int = 200, *, seed: int = 5) -> list[str]:
    from directory.vocabulary import get_vocabulary

    terms = list(get_vocabulary().by_id.values())
    urls = [f"{lang}|{t.get_absolute_url()}" for t in terms for lang in ("de", "en")]
    return sorted(_sample(urls, n, seed))


def static_urls(n: int = 200, *, seed: int = 9) -> list[str]:
    """The portal's text pages (imprint, privacy...) in both languages: the layout and
    one row read, no cache. The cheapest page the portal renders, as a reference for
    what the template engine costs before a page does any work of its own."""
    from portal.models import Page

    paths = [f"/seiten/{slug}/" for slug in Page.objects.values_list("slug", flat=True)]
    return [f"{lang}|{path}" for lang in ("de", "en") for path in sorted(paths)][:n]


def api_urls(n: int = 200, *, seed: int = 6) -> list[str]:
    return [
        url.replace("/organisationen/?", "/api/organisations/?")
        for url in directory_urls(n, seed=seed)
    ]


def hsds_urls(n: int = 200, *, seed: int = 7) -> list[str]:
    from directory.vocabulary import get_vocabulary
    from opendata.hsds import uid

    rng = random.Random(seed)
    terms = [
        t
        for t in get_vocabulary().by_id.values()
        if t.kind in ("role", "language", "state", "community")
    ]
    urls, seen = [], set()
    while len(urls) < n:
        choice = rng.random()
        if choice < 0.3:
            params = {"page": rng.randint(1, 40), "per_page": rng.choice([10, 20, 50])}
        elif choice < 0.7:
            params = {
                "taxonomy_term_id": uid("term", rng.choice(terms).pk),
                "page": rng.randint(1, 3),
            }
        else:
            params = {"search": rng.choice(WORDS)}
        url = "/api/hsds/organizations?" + urlencode(params)
        if url not in seen:
            seen.add(url)
            urls.append(url)
    return urls


PAGE_TYPES = {
    "directory search": directory_urls,
    "radius search": distance_urls,
    "profile": profile_urls,
    "partner finder": finder_urls,
    "guide chapter": chapter_urls,
    "term page": term_urls,
    "static page (never cached)": static_urls,
    "API list": api_urls,
    "HSDS organizations": hsds_urls,
}
