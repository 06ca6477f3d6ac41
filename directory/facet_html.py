"""The options of a facet as HTML, built in Python.

A directory page lists up to a few hundred facet options (the languages
alone are more than a hundred); through the template engine each cost about
twenty variable lookups, some 12 ms of every computed directory page at
16,000 MOs. The markup is the one templates/directory/includes/facet_group.html
had (a test compares both), escaped by ``format_html``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

SHOWN_FIRST = 8  # the options after these are behind "Weitere anzeigen"

_OPTION = (
    '<div class="form-check">\n'
    '      <input class="form-check-input" type="{}" name="{}" value="{}" id="f-{}-{}"{}>\n'
    '      <label class="form-check-label" for="f-{}-{}">{} <span class="count">({})</span>'
    "</label>\n"
    "    </div>\n"
)


def options_html(param: str, options: Iterable[Any], *, multiple: bool) -> SafeString:
    """The options (value, label, count, selected) of one facet."""
    kind = "checkbox" if multiple else "radio"
    parts: list[str] = []
    number = 0
    for number, option in enumerate(options, start=1):
        if number == SHOWN_FIRST + 1:
            parts.append(format_html("<details><summary>{}</summary>", _("Weitere anzeigen")))
        checked = mark_safe(" checked") if option.selected else ""
        parts.append(
            format_html(
                _OPTION,
                kind,
                param,
                option.value,
                param,
                option.value,
                checked,
                param,
                option.value,
                option.label,
                localize(option.count),
            )
        )
    if number > SHOWN_FIRST:
        parts.append("</details>")
    return mark_safe("".join(parts))
