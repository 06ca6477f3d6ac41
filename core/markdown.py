"""Markdown to safe HTML for every text a coordinator writes.

markdown-it-py (CommonMark, raw HTML disabled) renders, nh3 (ammonia)
sanitises the result: whatever is typed, no script, no event handler, no
``javascript:`` URL reaches a page.
"""

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )


def render_markdown(text: str, *, top_level: int = 3) -> SafeString:
    """HTML whose headings start at ``top_level`` (items sit under the page's h1
    and their own h2, so by default a "# heading" in a text becomes an h3)."""
    if not text:
        return mark_safe("")
    html = _MARKDOWN.render(text)
    for level in range(top_level - 1, 0, -1):
        html = html.replace(f"<h{level}>", f"<h{top_level}>").replace(
            f"</h{level}>", f"</h{top_level}>"
        )
    return mark_safe(sanitise(html))
