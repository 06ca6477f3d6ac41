"""Duplicate candidates: which existing profiles may be the organisation somebody
is about to create (new profile, import) or a coordinator is reviewing.

A candidate needs at least one reason:

- a similar name (see ``name_similarity``) in the same town (same postal code,
  or the same first word of the town's name: "Berlin-Neukölln" is Berlin), or
  the same name where one of the two has no town at all;
- the same website (its host without ``www.`` and scheme; the path is ignored,
  except on hosts many organisations share, data/shared_hosts.txt:
  facebook.com/clubdialog);
- the same e-mail domain, unless it is a mass provider (data/mail_providers.txt:
  two clubs at gmail.com are not one);
- the same register number at the same register court (``register_key``: the
  court belongs to the key, since "VR 1234" exists at many courts; a number
  entered without a court compares nothing).

A similar name in another known town is no reason: generic names repeat
("Deutsch-Russischer Kulturverein" exists in Berlin and in Leipzig, and they
are two clubs). Names are compared after folding case, umlauts and accents,
stemming (directory.analysis: "Türkischer" = "Tuerkischer"), and dropping legal
forms and filler words ("e. V.", "gGmbH", "Verein", "für", ...) and the town's
name.

Cost: never all profiles. One query pre-selects on indexes: the postal code,
the name's two longest significant words (each, or its first letters at a
word's start) in the search index (directory.search: FTS5 trigram on SQLite,
pg_trgm on PostgreSQL) within the town, the whole name
(all its significant words) among profiles without a town, and the derived,
indexed ``website_host`` and ``email_domain`` (kept by
services.organisation_recorded). At most ``PRESELECT`` rows are judged here.
Archived profiles (and so merged ones, directory.merging) are never
candidates, nor profiles marked as distinct from the one compared ("keine
Dublette", ``exclude_pk``). Read only: this module writes nothing.
"""

from __future__ import annotations

import difflib
import functools
import operator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from directory import analysis, search
from directory.models import DistinctPair, Organisation, Visibility

DATA = Path(__file__).resolve().parent / "data"
PRESELECT = 200  # rows judged in Python at most
NAME_WORDS = 2  # the longest significant words that must match within the town
PREFIX = 3  # letters of a long word's start that count as it within the town
SIMILAR_NAME = 0.85  # name similarity that counts in the same town
SAME_NAME = 0.95  # name similarity that counts when one side has no town
KEY_LENGTH = 255  # of the derived columns

# The profile's derived, indexed register key (``register_key`` of its court and
# number, kept by services.organisation_recorded); ``candidates`` compares it.
REGISTER_FIELD: str | None = "register_key"

# Words of a court's name that do not tell courts apart, and the names under
# which one court is known (Berlin's register court is Charlottenburg).
COURT_FILLER = frozenset({"amtsgericht", "ag", "registergericht", "register", "gericht"})
COURT_ALIASES = {"berlin": "charlottenburg", "berlincharlottenburg": "charlottenburg"}

# Legal forms and filler, as ``analysis.plain`` folds them; also the stopwords
# of the search (der, die, das, für, und, ...).
FILLER = frozenset(
    {
        "e",
        "v",
        "ev",
        "ew",
        "eg",
        "g",
        "gmbh",
        "ggmbh",
        "mbh",
        "ug",
        "gug",
        "gbr",
        "haftungsbeschrankt",
        "gemeinnutzig",
        "gemeinnutzige",
        "gemeinnutziger",
        "gemeinnutziges",
        "eingetragen",
        "eingetragene",
        "eingetragener",
        "verein",
        "vereins",
    }
) | {analysis.plain(word) for word in analysis.STOPWORDS}

# Reasons: their code, their label (lazy: in the reader's language) and weight.
NAME_AND_TOWN, NAME_NO_TOWN, WEBSITE, EMAIL, REGISTER = (
    "name_town",
    "name",
    "website",
    "email",
    "register",
)
REASONS: dict[str, tuple[Promise, float]] = {
    REGISTER: (_("gleiche Registernummer"), 3.0),
    WEBSITE: (_("gleiche Website"), 2.0),
    NAME_AND_TOWN: (_("ähnlicher Name und gleicher Ort"), 1.5),
    EMAIL: (_("gleiche E-Mail-Domain"), 1.0),
    NAME_NO_TOWN: (_("gleicher Name (bei einem fehlt der Ort)"), 0.5),
}

FIELDS = (
    "pk",
    "slug",
    "name",
    "short_name",
    "city",
    "postal_code",
    "status",
    "website",
    "website_host",
    "email_domain",
)


@dataclass
class Candidate:
    """A profile that may be the same organisation, with why and how sure
    (``score``: the weights of the reasons, plus the name similarity)."""

    organisation: Organisation
    reasons: list[str] = field(default_factory=list)  # codes, most telling first
    score: float = 0.0
    name_similarity: float = 0.0
    has_owner: bool | None = None  # set by a view that offers to claim the profile

    @property
    def pk(self) -> int:
        return int(self.organisation.pk)

    @property
    def slug(self) -> str:
        return self.organisation.slug

    @property
    def name(self) -> str:
        return self.organisation.name

    @property
    def city(self) -> str:
        return self.organisation.city

    @property
    def status(self) -> str:
        return self.organisation.status

    @property
    def reason_labels(self) -> list[Promise]:
        return [REASONS[code][0] for code in self.reasons]


# --- the lists in data/ ------------------------------------------------------------


def _lines(name: str) -> frozenset[str]:
    text = (DATA / name).read_text(encoding="utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


@functools.cache
def mail_providers() -> frozenset[str]:
    return _lines("mail_providers.txt")


@functools.cache
def shared_hosts() -> frozenset[str]:
    return _lines("shared_hosts.txt")


def is_mail_provider(domain: str) -> bool:
    """Whether an e-mail domain is a mass provider (says nothing about a profile)."""
    providers = mail_providers()
    if domain in providers:
        return True
    return any(p.endswith(".") and domain.startswith(p) for p in providers)


# --- the derived keys --------------------------------------------------------------


def _host(host: str) -> str:
    host = host.strip().rstrip(".").lower()
    for prefix in ("www.", "m."):
        if host.startswith(prefix):
            host = host[len(prefix) :]
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def website_key(url: str) -> str:
    """The website as compared: the host without scheme and ``www.``, the path
    ignored, except on shared hosts (its first segment: facebook.com/clubdialog)."""
    url = (url or "").strip()
    if not url:
        return ""
    if "//" not in url:
        url = "//" + url
    try:
        parts = urlsplit(url)
        host = _host(parts.hostname or "")
    except ValueError:
        return ""
    if host in shared_hosts():
        first = parts.path.strip("/").split("/")[0].lower()
        if first:
            host = f"{host}/{first}"
    return host[:KEY_LENGTH]


def email_domain(email: str) -> str:
    """The domain of an e-mail address, lower-cased ('' for none)."""
    _local, at, domain = (email or "").strip().rpartition("@")
    return _host(domain)[:KEY_LENGTH] if at else ""


def contact_keys(organisation: Organisation) -> tuple[str, str]:
    """The derived ``website_host`` and ``email_domain`` of a profile."""
    return website_key(organisation.website), email_domain(organisation.email)


def number_key(number: str) -> str:
    """A register number as compared: upper-case letters and digits only
    ("VR 1234 B" = "vr1234b")."""
    return "".join(c for c in (number or "").upper() if c.isalnum())


def court_key(court: str) -> str:
    """A register court as compared: its place, folded, without "Amtsgericht"
    ("Amtsgericht Köln" = "AG Koeln" = "Köln" = "KOLN")."""
    found = "".join(analysis.plain(w) for w in analysis.words(court) if w not in COURT_FILLER)
    for written, vowel in (("ae", "a"), ("oe", "o"), ("ue", "u")):  # "Koeln" = "Köln"
        found = found.replace(written, vowel)
    return COURT_ALIASES.get(found, found).upper()


def register_key(number: str, court: str = "") -> str:
    """The register entry as compared: court and number ("KOLN/VR12345"); ""
    unless both are given."""
    number, court = number_key(number), court_key(court)
    return f"{court}/{number}"[:KEY_LENGTH] if number and court else ""


# --- names and towns ---------------------------------------------------------------


def name_tokens(name: str, *, city: str = "") -> list[str]:
    """The significant words of a name, stemmed and folded: no legal forms, no
    filler, not the town's name (unless nothing else is left)."""
    return list(_name_tokens(name, city))


@functools.lru_cache(maxsize=65536)  # an import compares the same names again and again
def _name_tokens(name: str, city: str) -> tuple[str, ...]:
    kept = [w for w in analysis.words(name) if analysis.plain(w) not in FILLER]
    town = {analysis.plain(w) for w in analysis.words(city)}
    without_town = [w for w in kept if analysis.plain(w) not in town]
    return tuple(analysis.plain(analysis.stem(w)) for w in (without_town or kept))


def _tokens_alike(a: str, b: str) -> bool:
    return a == b or analysis.distance(a, b, analysis.typo_limit(a)) <= analysis.typo_limit(a)


def name_similarity(a: list[str], b: list[str]) -> float:
    """How alike two names' tokens are, 0 to 1: the best of the similarity of
    the sorted words (word order ignored), of the words run together
    ("ClubDialog" = "Club Dialog"), and of the share of words that match with
    at most a typo each."""
    if not a or not b:
        return 0.0
    ratio = difflib.SequenceMatcher(None, " ".join(sorted(a)), " ".join(sorted(b))).ratio()
    joined = difflib.SequenceMatcher(None, "".join(a), "".join(b)).ratio()
    matched = sum(1 for x in a if any(_tokens_alike(x, y) for y in b))
    matched_back = sum(1 for y in b if any(_tokens_alike(y, x) for x in a))
    shared = (matched + matched_back) / (len(a) + len(b))
    return max(ratio, joined, shared)


def town_key(city: str) -> str:
    """The first word of a town's name, folded: "Berlin-Neukölln" is Berlin."""
    found = analysis.words(city)
    return analysis.plain(found[0]) if found else ""


# --- the check ---------------------------------------------------------------------


def _search_stems(name: str) -> list[str]:
    """The index stems of a name's significant words (as the search index
    holds them), longest first."""
    stems = {analysis.stem(w) for w in analysis.words(name) if analysis.plain(w) not in FILLER}
    return sorted(stems, key=lambda s: (-len(s), s))


def _name_condition(stems: list[str], *, prefixes: bool = False) -> Q | None:
    """Profiles whose search index holds every one of these stems; with
    ``prefixes`` a stem's first letters at the start of a word count as it too:
    "ClubDialog" finds "Club Dialog", "Sozailrat" finds "Sozialrat"."""
    if not stems:
        return None
    conditions = []
    for stem in stems:
        condition = search.word_condition(search.Word(stem, [(stem, 1.0)]))
        if prefixes and len(stem) > PREFIX + 1:
            condition |= search.contains([" " + stem[:PREFIX]])
        conditions.append(condition)
    return functools.reduce(operator.and_, conditions)


def _preselect(
    *,
    name: str,
    city: str,
    postal_code: str,
    host: str,
    domain: str,
    register: str,
    published_only: bool,
) -> Q | None:
    """The indexed conditions that pre-select the profiles to judge (None:
    nothing to compare)."""
    stems = _search_stems(name)
    conditions = []
    if postal_code:
        conditions.append(Q(postal_code=postal_code))
    town_words = _name_condition(stems[:NAME_WORDS], prefixes=True)
    all_words = _name_condition(stems[:4])
    town = town_key(city)
    if town_words is not None and town:
        conditions.append(Q(city__istartswith=analysis.words(city)[0]) & town_words)
    if all_words is not None:
        if city or postal_code:
            conditions.append(Q(city="", postal_code="") & all_words)
        else:
            conditions.append(all_words)
    if host:
        conditions.append(Q(website_host=host))
    if domain:
        mail = Q(email_domain=domain)
        if published_only:  # a hidden address's domain is not told to the public
            mail &= Q(email_visibility=Visibility.PUBLIC)
        conditions.append(mail)
    if register and REGISTER_FIELD:
        conditions.append(Q(**{REGISTER_FIELD: register}))
    return functools.reduce(operator.or_, conditions) if conditions else None


def candidates(
    name: str,
    *,
    city: str = "",
    postal_code: str = "",
    website: str = "",
    email: str = "",
    register_number: str = "",
    register_court: str = "",
    exclude_pk: int | None = None,
    newer_than: int | None = None,
    published_only: bool = False,
    limit: int = 5,
) -> list[Candidate]:
    """The profiles that may be this organisation, most likely first (at most
    ``limit``). Drafts, profiles in review and published ones; with
    ``published_only`` only published ones (what a member creating a profile
    may see); with ``newer_than`` only profiles with a higher primary key (the
    coordinators' list of pairs names each pair once). One query (none when
    nothing is given to compare)."""
    city, postal_code = (city or "").strip(), (postal_code or "").strip()
    tokens = name_tokens(name or "", city=city)
    host = website_key(website)
    domain = email_domain(email)
    if domain and is_mail_provider(domain):
        domain = ""
    register = register_key(register_number, register_court)
    condition = _preselect(
        name=name or "",
        city=city,
        postal_code=postal_code,
        host=host,
        domain=domain,
        register=register,
        published_only=published_only,
    )
    if condition is None:
        return []
    rows = Organisation.objects.filter(condition).exclude(status=Organisation.Status.ARCHIVED)
    if published_only:
        rows = rows.filter(status=Organisation.Status.PUBLISHED)
    if newer_than is not None:
        rows = rows.filter(pk__gt=newer_than)
    if exclude_pk is not None:
        # Not the profile itself, nor those a coordinator marked as distinct
        # from it ("keine Dublette"): subqueries of the same one query.
        rows = (
            rows.exclude(pk=exclude_pk)
            .exclude(pk__in=DistinctPair.objects.filter(first_id=exclude_pk).values("second_id"))
            .exclude(pk__in=DistinctPair.objects.filter(second_id=exclude_pk).values("first_id"))
        )
    fields = [*FIELDS, REGISTER_FIELD] if REGISTER_FIELD else list(FIELDS)
    found = [
        judge(
            organisation,
            tokens=tokens,
            whole=name_tokens(name or ""),
            city=city,
            postal_code=postal_code,
            host=host,
            domain=domain,
            register=register,
        )
        for organisation in rows.only(*fields).order_by("pk")[:PRESELECT]
    ]
    kept = [c for c in found if c.reasons]
    kept.sort(key=lambda c: (-c.score, c.name, c.pk))
    return kept[:limit]


def judge(
    organisation: Organisation,
    *,
    tokens: list[str],
    whole: list[str],
    city: str,
    postal_code: str,
    host: str,
    domain: str,
    register: str,
) -> Candidate:
    """Judge one stored (or, for an import, not yet stored) profile against the
    prepared keys of another: its reasons, similarity and score. The one
    judgement of the database check (candidates) and the import's check of a
    file's rows against each other (intake.plan)."""
    candidate = Candidate(organisation)
    similarity = 0.0
    for other in filter(None, (organisation.name, organisation.short_name)):
        similarity = max(
            similarity,
            name_similarity(tokens, name_tokens(other, city=organisation.city)),
            name_similarity(whole, name_tokens(other)),
        )
    candidate.name_similarity = similarity
    has_town = bool(city or postal_code)
    other_has_town = bool(organisation.city or organisation.postal_code)
    same_town = (postal_code and postal_code == organisation.postal_code) or (
        town_key(city) and town_key(city) == town_key(organisation.city)
    )
    found = []
    if same_town and similarity >= SIMILAR_NAME:
        found.append(NAME_AND_TOWN)
    elif not (has_town and other_has_town) and similarity >= SAME_NAME:
        found.append(NAME_NO_TOWN)
    if host and organisation.website_host == host:
        found.append(WEBSITE)
    if domain and organisation.email_domain == domain:
        found.append(EMAIL)
    stored_register = getattr(organisation, REGISTER_FIELD) if REGISTER_FIELD else ""
    if register and stored_register == register:
        found.append(REGISTER)
    candidate.reasons = sorted(found, key=lambda code: -REASONS[code][1])
    candidate.score = sum(REASONS[code][1] for code in found) + similarity
    return candidate
