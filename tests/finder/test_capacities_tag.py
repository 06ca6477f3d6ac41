"""The capacities line built in Python is the markup the template made."""

import re

import pytest
from django.template import engines
from django.utils import translation

from directory.models import Organisation
from finder.templatetags.finder_tags import capacities

# templates/finder/includes/capacities.html before it became a tag.
TEMPLATE = (
    '{% load i18n %}<p class="small mb-1 capacities"><span class="visually-hidden">'
    '{% translate "Kapazitäten:" %} </span>{% blocktranslate trimmed count '
    "counter=organisation.paid_staff %}{{ counter }} Hauptamtliche{% plural %}{{ counter }} "
    "Hauptamtliche{% endblocktranslate %} · {% blocktranslate trimmed count "
    "counter=organisation.volunteers %}{{ counter }} Ehrenamtliche{% plural %}{{ counter }} "
    "Ehrenamtliche{% endblocktranslate %} · {% if organisation.has_rooms %}"
    '{% translate "eigene Räume" %}{% else %}{% translate "keine eigenen Räume" %}{% endif %}'
    ' · {% translate "Budget:" %} {{ organisation.get_budget_band_display }}</p>'
)


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize(
    ("staff", "volunteers", "rooms"), [(0, 0, False), (1, 1, True), (3, 2500, True)]
)
def test_capacities_are_the_templates_markup(language, staff, volunteers, rooms):
    organisation = Organisation(
        paid_staff=staff, volunteers=volunteers, has_rooms=rooms, budget_band="under_10k"
    )
    with translation.override(language):
        expected = engines["django"].from_string(TEMPLATE).render({"organisation": organisation})
        built = capacities(organisation)
    assert re.sub(r"\s+", " ", built) == re.sub(r"\s+", " ", expected)
