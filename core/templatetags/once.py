"""``{% submit_key %}``: the hidden submit key of a form that creates
something (core.once), placed once inside the form next to ``{% csrf_token %}``."""

from typing import Any

from django import template
from django.middleware.csrf import get_token
from django.utils.html import format_html
from django.utils.safestring import SafeString

from core.once import FIELD, new_key

register = template.Library()


@register.simple_tag(takes_context=True)
def submit_key(context: dict[str, Any]) -> SafeString:
    request = context.get("request")
    if request is not None:
        # A page with a key is personal: like one with a CSRF token it is never
        # served to others from the page cache (core.pagecache.anonymous_page).
        get_token(request)
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_key())
