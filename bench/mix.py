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
        if rng.random() < 0.1:
            params["page"] = 2
        url = "/partnersuche/?" + urlencode(params, doseq=True)
        if url not in seen:
            seen.add(url)
            urls.append(url)
    return urls
