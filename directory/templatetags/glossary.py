"""{% glossary "wirkungsbereich" label %}: a label linked to its explanation in
the glossary (directory.glossary), with the explanation as the link's title."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from directory.glossary import BY_KEY

register = template.Library()


@register.simple_tag
def glossary(key: str, label: object = None) -> SafeString:
    entry = BY_KEY[key]
    return format_html(
        '<a class="glossary-link" href="{}#{}" title="{}">{}</a>',
        reverse("guidance:glossary"),
        entry.key,
        entry.definition,
        label if label is not None else entry.term,
    )
