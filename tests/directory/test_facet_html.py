"""The facet options built in Python are the markup the template made."""

import re

import pytest
from django.template import engines
from django.utils import translation

from directory.facet_html import options_html
from directory.views import FacetOption

# The loop facet_group.html had before the options were built in Python.
TEMPLATE = """{% load i18n %}{% for option in options %}
    {% if forloop.counter == 9 %}<details><summary>{% translate "Weitere anzeigen" %}</summary>{% endif %}
    <div class="form-check">
      <input class="form-check-input" type="{% if multiple %}checkbox{% else %}radio{% endif %}" name="{{ param }}" value="{{ option.value }}" id="f-{{ param }}-{{ option.value }}"{% if option.selected %} checked{% endif %}>
      <label class="form-check-label" for="f-{{ param }}-{{ option.value }}">{{ option.label }} <span class="count">({{ option.count }})</span></label>
    </div>
    {% if forloop.last and forloop.counter >= 9 %}</details>{% endif %}
  {% endfor %}"""  # noqa: E501


def _same(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize("count", [0, 1, 8, 9, 30])
@pytest.mark.parametrize("multiple", [True, False])
@pytest.mark.parametrize("language", ["de", "en"])
def test_options_html_is_the_templates_markup(count, multiple, language):
    options = [
        FacetOption(f"v{i}", f"Sprache <{i}> & „Ü“", 1234 * i, i % 3 == 0) for i in range(count)
    ]
    with translation.override(language):
        expected = (
            engines["django"]
            .from_string(TEMPLATE)
            .render({"options": options, "param": "language", "multiple": multiple})
        )
        built = options_html("language", options, multiple=multiple)
    assert _same(built) == _same(expected)
    if count:
        assert "&lt;1&gt; &amp;" in built or count == 1
