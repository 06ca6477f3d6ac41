"""Text that a person typed, in a mail sent on their behalf: quoted line by line
("> "), so that nothing they wrote can pass for the portal's own words, and with
web addresses defused ("https[:]//…", "www[.]…"), so that mail programs do not
turn them into links. The portal's own links come from SITE_URL in the template."""

import re

from django import template

register = template.Library()

_SCHEME = re.compile(r"\b([a-z][a-z0-9+.-]*):(//)", re.IGNORECASE)
_WWW = re.compile(r"\bwww\.", re.IGNORECASE)


def unlinked(text: str) -> str:
    return _WWW.sub("www[.]", _SCHEME.sub(r"\1[:]\2", text))


@register.filter
def quoted(value: object) -> str:
    """Every line of ``value`` as "> line", with addresses defused."""
    text = unlinked(str(value or "")).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(f"> {line}".rstrip() for line in text.split("\n"))


@register.filter
def unlinked_text(value: object) -> str:
    """A short sender-chosen text (a name, a subject) with addresses defused."""
    return unlinked(" ".join(str(value or "").split()))
