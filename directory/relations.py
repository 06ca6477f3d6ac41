"""The vocabulary relations of an MO profile, in one table.

Each relation of ``Organisation`` to the shared vocabulary (``Term``) is described
here once: the model field, the kind of term it holds, the URL parameter of the
directory filter (also used by the facets, the links from a term and the partner
finder), and its labels. The model, the filters, the facets, the profile forms, the
statistics, the finder and the open data derive what they need from this table.

Nothing of the project is imported here: ``directory.models`` imports this module.
The kinds are the values of ``Term.Kind`` (tests/directory/test_relations.py checks them).
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:  # the stubs' name for a lazily translated text (a Promise at runtime)
    from django.utils.functional import _StrPromise as StrPromise
else:
    from django.utils.functional import Promise as StrPromise

Text = str | StrPromise  # plain or lazily translated text

LANGUAGE_HELP = _("Mehrere auswählen: Strg-Taste (Mac: Cmd) gedrückt halten und klicken.")


@dataclass(frozen=True)
class Relation:
    """One relation of an MO profile to vocabulary terms."""

    field: str  # the field on Organisation (also the key in snapshots, API and exports)
    kind: str  # the Term.Kind of the terms it holds (its limit_choices_to)
    param: str  # the URL parameter of the directory filter and facet
    label: Text  # one term: the filter and facet label ("Rolle")
    verbose_name: Text  # all terms: the model field, the profile form, the profile page
    help_text: Text = ""  # the profile form's help
    many: bool = True  # many terms (ManyToManyField); else one (ForeignKey)
    long_list: bool = False  # a long list: a select box in the form, facet sorted by count
    # The letter of its terms in a profile's term tokens (Organisation.term_tokens).
    token: str = ""
    glossary: str = ""  # the key of its explanation in directory.glossary, if it has one


ROLES = Relation(
    field="roles",
    kind="role",
    param="role",
    label=_("Rolle"),
    verbose_name=_("Rollen"),
    help_text=_("Welche Rollen kann Ihre Organisation in einer Zusammenarbeit übernehmen?"),
    token="r",
    glossary="rollen",
)
RESOURCES = Relation(
    field="resources",
    kind="resource",
    param="resource",
    label=_("Ressource"),
    verbose_name=_("Ressourcen"),
    help_text=_("Was bringt Ihre Organisation in eine Zusammenarbeit ein?"),
    token="s",
    glossary="ressourcen",
)
FIELDS = Relation(
    field="fields",
    kind="field",
    param="field",
    label=_("Handlungsfeld"),
    verbose_name=_("Handlungsfelder"),
    help_text=_("In welchen Handlungsfeldern (Themen) ist Ihre Organisation aktiv?"),
    token="f",
    glossary="handlungsfelder",
)
TARGET_GROUPS = Relation(
    field="target_groups",
    kind="target_group",
    param="target_group",
    label=_("Zielgruppe"),
    verbose_name=_("Zielgruppen"),
    help_text=_("Für wen sind Ihre Angebote vor allem?"),
    token="t",
)
COMMUNITIES = Relation(
    field="communities",
    kind="community",
    param="community",
    label=_("Community / Herkunft"),
    verbose_name=_("Communities"),
    help_text=_("Mit welchen Communities oder Herkunftsländern arbeiten Sie?"),
    token="c",
)
LANGUAGES = Relation(
    field="languages",
    kind="language",
    param="language",
    label=_("Sprache"),
    verbose_name=_("Gesprochene Sprachen"),
    help_text=LANGUAGE_HELP,
    long_list=True,
    token="l",
)
ADVICE_LANGUAGES = Relation(
    field="advice_languages",
    kind="language",
    param="advice_language",
    label=_("Beratungssprache"),
    verbose_name=_("Beratungssprachen"),
    help_text=LANGUAGE_HELP,
    long_list=True,
    token="b",
    glossary="beratungssprachen",
)
COOPERATION_EXPERIENCE = Relation(
    field="cooperation_experience",
    kind="institution_type",
    param="cooperated_with",
    label=_("Hat kooperiert mit"),
    verbose_name=_("Kooperationserfahrung mit"),
    help_text=_("Mit welchen Institutionen haben Sie schon zusammengearbeitet?"),
    token="k",
)
STATE = Relation(
    field="state",
    kind="state",
    param="state",
    label=_("Bundesland"),
    verbose_name=_("Bundesland"),
    many=False,
)

# In this order the filters are declared, the facets of many terms listed and the
# relations exported.
RELATIONS: tuple[Relation, ...] = (
    ROLES,
    RESOURCES,
    FIELDS,
    TARGET_GROUPS,
    COMMUNITIES,
    LANGUAGES,
    ADVICE_LANGUAGES,
    COOPERATION_EXPERIENCE,
    STATE,
)
# The many-to-many relations (all but the state).
MANY_RELATIONS: tuple[Relation, ...] = tuple(r for r in RELATIONS if r.many)


def term_token(relation: Relation, term_id: int) -> str:
    """A term of a profile as one word of its term tokens: "r3" for the role 3."""
    return f"{relation.token}{term_id}"


BY_FIELD: dict[str, Relation] = {r.field: r for r in RELATIONS}
BY_PARAM: dict[str, Relation] = {r.param: r for r in RELATIONS}


def _first_by_kind() -> dict[str, Relation]:
    found: dict[str, Relation] = {}
    for relation in RELATIONS:
        found.setdefault(relation.kind, relation)
    return found


# The relation that stands for a kind: the first that holds it (the languages an
# MO speaks rather than those it advises in). Needs and support formats describe
# no organisation: they have none.
BY_KIND: dict[str, Relation] = _first_by_kind()
