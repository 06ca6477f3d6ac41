"""The terms of one vocabulary relation on a profile, titled and linked as the
table of relations says (directory.relations)."""

from django import template

from directory.relations import BY_FIELD

register = template.Library()


@register.inclusion_tag("directory/includes/term_list.html")
def relation_terms(terms: dict, field: str) -> dict:
    """``terms``: {relation field: [Term]}; links filter the directory by each term."""
    relation = BY_FIELD[field]
    return {
        "title": relation.verbose_name,
        "glossary_key": relation.glossary,
        "terms": terms.get(field, []),
        "param": relation.param,
    }
