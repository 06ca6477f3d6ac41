"""Links to other websites, only ever as http(s): a stored ``javascript:`` or
``data:`` URL (from an import, the admin or an old record) never becomes a link."""

from urllib.parse import urlsplit

from django import template

register = template.Library()


@register.filter
def web_url(value) -> str:
    text = str(value or "").strip()
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError:
        return ""
    return text if scheme in ("http", "https") else ""
