"""Show guide texts in the active language, marking German fallbacks with
lang="de" so that screen readers pronounce them right."""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

register = template.Library()


def _active() -> str:
    return (get_language() or "de")[:2]


@register.filter
def in_language(text):
    """A TranslatedText (or plain German text) as HTML with its language marked."""
    value = str(text)
    lang = getattr(text, "lang", "de")
    if lang != _active():
        return format_html('<span lang="{}">{}</span>', lang, value)
    return format_html("{}", value)


@register.filter
def item_name(item):
    """An item's label and heading (or the start of its text), in the active
    language where translated, else German marked as such."""
    label, title = item.display_label, item.display_title
    if title:
        english = title.lang == "en"
        text = " ".join(
            p for p in (str(label) if english or not label else item.label, str(title)) if p
        )
        return in_language(_Text(text, title.lang))
    return in_language(_Text(item.name, "de"))


class _Text:
    def __init__(self, value, lang):
        self.value, self.lang = value, lang

    def __str__(self):
        return self.value
