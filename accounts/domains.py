"""E-mail domains: the one rule for matching an address against the allow-list
of official domains (typed; used by the services and the data migration)."""

from collections.abc import Iterable

# The allow-list as the portal ships it (data migration accounts.0004 and
# accounts.services.official_domains_seed): domain, institution. Each chamber of
# crafts by its own domain: "hwk-*.de" is no authority boundary (anybody may
# register "hwk-irgendwas.de").
SEED = [
    ("arbeitsagentur.de", "Bundesagentur für Arbeit (Agenturen für Arbeit)"),
    ("jobcenter-ge.de", "Jobcenter (gemeinsame Einrichtungen)"),
    ("ihk.de", "Industrie- und Handelskammern (ihk.de und Unterdomains wie schwerin.ihk.de)"),
    ("dihk.de", "Deutsche Industrie- und Handelskammer"),
    ("zdh.de", "Zentralverband des Deutschen Handwerks"),
    ("hwk-berlin.de", "Handwerkskammer Berlin"),
    ("hwk-hamburg.de", "Handwerkskammer Hamburg"),
    ("hwk-muenchen.de", "Handwerkskammer für München und Oberbayern"),
    ("hwk-koeln.de", "Handwerkskammer zu Köln"),
    ("hwk-duesseldorf.de", "Handwerkskammer Düsseldorf"),
    ("hwk-stuttgart.de", "Handwerkskammer Region Stuttgart"),
    ("hwk-schwerin.de", "Handwerkskammer Schwerin"),
    ("caritas.de", "Deutscher Caritasverband"),
    ("diakonie.de", "Diakonie Deutschland"),
    ("awo.org", "Arbeiterwohlfahrt (AWO)"),
    ("drk.de", "Deutsches Rotes Kreuz"),
    ("paritaet.org", "Der Paritätische Gesamtverband"),
    ("zwst.org", "Zentralwohlfahrtsstelle der Juden in Deutschland"),
]


def normalise_domain(value: str) -> str:
    """A domain as it is stored and compared: lower-case, without surrounding
    spaces, a leading ``@``, ``*.`` or ``.``, or a trailing dot; IDN in ASCII."""
    domain = value.strip().lower().rstrip(".")
    for prefix in ("@", "*.", "."):
        if domain.startswith(prefix):
            domain = domain[len(prefix) :]
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return domain


def email_domain(email: str) -> str:
    """The domain of an address (the part after the last ``@``), normalised."""
    _local, at, domain = email.rpartition("@")
    return normalise_domain(domain) if at else ""


def domain_matches(domain: str, entry: str) -> bool:
    """The entry itself or a subdomain of it, label by label: ``ihk.de``
    matches ``ihk.de`` and ``schwerin.ihk.de``; not ``evilihk.de`` (another
    registrable domain) nor ``ihk.de.evil.com`` (a subdomain of evil.com)."""
    domain, entry = normalise_domain(domain), normalise_domain(entry)
    if not domain or not entry:
        return False
    return domain == entry or domain.endswith("." + entry)


def matching_entry(email: str, entries: Iterable[str]) -> str | None:
    """The most specific entry that the address's domain matches, or None."""
    domain = email_domain(email)
    found = [entry for entry in entries if domain_matches(domain, entry)]
    return max(found, key=len) if found else None
