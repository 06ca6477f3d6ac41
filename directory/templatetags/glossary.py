"""{% glossary "wirkungsbereich" label %}: a label linked to its explanation in
the glossary (directory.glossary), with the explanation as the link's title;
{% glossary_help "rollen" %}: the small "?" link after a label or legend."""

from django import template
from django.utils.safestring import SafeString

from directory import glossary as entries

register = template.Library()


@register.simple_tag
def glossary(key: str, label: object = None) -> SafeString:
    return entries.link(key, label)


@register.simple_tag
def glossary_help(key: str) -> SafeString:
    return entries.help_link(key)
