"""Tags of the partner finder's result cards, built in Python: each card's
line of capacities through the template engine (two plural blocks) cost about
half a millisecond, twenty cards a page."""

from django import template
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.simple_tag
def capacities(organisation) -> SafeString:
    """Paid staff, volunteers, rooms and budget: what the guide says to ask first."""
    staff = ngettext(
        "%(counter)s Hauptamtliche", "%(counter)s Hauptamtliche", organisation.paid_staff
    ) % {"counter": localize(organisation.paid_staff)}
    volunteers = ngettext(
        "%(counter)s Ehrenamtliche", "%(counter)s Ehrenamtliche", organisation.volunteers
    ) % {"counter": localize(organisation.volunteers)}
    rooms = _("eigene Räume") if organisation.has_rooms else _("keine eigenen Räume")
    return format_html(
        '<p class="small mb-1 capacities"><span class="visually-hidden">{} </span>'
        "{} · {} · {} · {} {}</p>",
        _("Kapazitäten:"),
        staff,
        volunteers,
        rooms,
        _("Budget:"),
        organisation.get_budget_band_display(),
    )
