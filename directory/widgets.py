"""Select widgets for long vocabulary lists, rendered in Python.

Django renders every <option> through its own template; for the ~200 languages
and communities of the vocabulary that was 40 ms per partner-finder page
(bench/, cProfile). These widgets produce the same markup as Django's templates
(tests/directory/test_widgets.py compares them), every value and label escaped.
"""

from typing import TYPE_CHECKING

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext


def _attrs(attrs: dict) -> str:
    # Django's attrs.html: True renders the bare name, False/None omits it.
    plain = {k: v for k, v in attrs.items() if v is not True and v not in (False, None)}
    flags = "".join(f" {escape(k)}" for k, v in attrs.items() if v is True)
    return flatatt(plain) + flags


if TYPE_CHECKING:  # a mixin for Django's select widgets
    _SelectBase = forms.Select
else:
    _SelectBase = object


class _PythonRenderedSelect(_SelectBase):
    def hidden_values(self) -> frozenset[str]:
        """Values left out of the options unless selected."""
        return frozenset()

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        selected = set(self.format_value(value))
        single = not self.allow_multiple_selected
        hidden = self.hidden_values() - selected

        def options(choices):
            nonlocal selected
            out = []
            for option_value, label in choices:
                if isinstance(label, list | tuple):
                    out.append(f'<optgroup label="{escape(option_value)}">')
                    out.extend(options(label))
                    out.append("</optgroup>")
                    continue
                text = "" if option_value is None else str(option_value)
                if text in hidden:
                    continue
                mark = ""
                if text in selected:
                    mark = " selected"
                    if single:  # like Django: only the first match of a single select
                        selected = set()
                out.append(f'<option value="{escape(text)}"{mark}>{escape(label)}</option>')
            return out

        body = "".join(options(self.choices))
        return mark_safe(f'<select name="{escape(name)}"{_attrs(final_attrs)}>{body}</select>')


class Select(_PythonRenderedSelect, forms.Select):
    pass


class SelectMultiple(_PythonRenderedSelect, forms.SelectMultiple):
    pass


class SearchSelectMultiple(SelectMultiple):
    """A select box of many terms that static/js/multiselect.js turns into a search
    field with chips (the WAI-ARIA combobox pattern); without JavaScript it stays
    a plain select box. ``hidden`` names the values left out unless selected;
    ``search_label`` is the search field's placeholder (default "Sprache suchen")."""

    def __init__(self, attrs=None, hidden=None, search_label=None) -> None:
        super().__init__(attrs)
        self._hidden = hidden
        self.search_label = search_label  # the search field's placeholder

    def hidden_values(self) -> frozenset[str]:
        return self._hidden() if self._hidden else frozenset()

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        # The texts of the enhanced control, translated here (no strings in the script).
        attrs.update(
            {
                "data-multiselect": True,
                "data-search-label": str(self.search_label or gettext("Sprache suchen")),
                "data-help": gettext(
                    "Tippen Sie, um die Liste zu filtern. Pfeiltasten wählen, "
                    "Enter übernimmt, Rücktaste entfernt die letzte Auswahl."
                ),
                "data-remove": gettext("%s entfernen"),
                "data-found": gettext("%n Treffer"),
                "data-none": gettext("Keine Treffer"),
                "data-added": gettext("%s ausgewählt"),
                "data-removed": gettext("%s entfernt"),
                "data-chosen": gettext("Ausgewählt"),
            }
        )
        return attrs
