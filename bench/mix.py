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
