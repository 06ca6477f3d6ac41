"""A stored-XSS corpus, written into every text field of every object of the
test world, and a structural check of rendered HTML.

The check does not look for the payloads but for what an injection would need:
an event-handler attribute, an inline <script>, a frame or plugin, or a
``javascript:`` URL. The portal's own pages contain none of these (the
Content-Security-Policy forbids them), so any one found is an injection.
"""

import json
from html.parser import HTMLParser

from django.apps import apps
from django.db import models

MARKER = "__xss"
PAYLOADS = [
    f"<script>window.{MARKER}=1</script>",
    f'"><img src=x onerror="window.{MARKER}=1">',
    f"'><svg onload=window.{MARKER}=1>",
    f"[Klick](javascript:window.{MARKER}=1)",
    f'<a href="javascript:window.{MARKER}=1">Link</a>',
    f"</textarea></title><script>window.{MARKER}=1</script>",
    f'<iframe src="javascript:window.{MARKER}=1"></iframe>',
    f"javascript:window.{MARKER}=1",
    "{{ request.user.password }}{% debug %}",
    f"<<SCRIPT>window.{MARKER}=1//<</SCRIPT>",
    f'![x](x" onerror="window.{MARKER}=1)',
    f"<details open ontoggle=window.{MARKER}=1>",
]
APPS = {"directory", "guidance", "cooperation", "support", "portal"}
SKIP_FIELDS = {"password", "search_document", "en_source_fingerprint", "token", "code", "uuid"}


def _text_fields(model):
    for field in model._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField):
            continue
        if isinstance(field, models.SlugField) or field.choices or field.primary_key:
            continue
        if field.name in SKIP_FIELDS or field.name.endswith(("_html", "_snapshot")):
            continue
        if not field.editable:
            continue
        yield field


def poison() -> int:
    """Every text field of every stored object gets a payload (as long as the
    column allows). Objects are saved normally, so Markdown is rendered to HTML
    the way the portal renders it. Returns the number of fields written."""
    written = 0
    for model in apps.get_models():
        if model._meta.app_label not in APPS or model.__name__.startswith("Historical"):
            continue
        fields = list(_text_fields(model))
        if not fields:
            continue
        for number, obj in enumerate(model.objects.all()):
            for index, field in enumerate(fields):
                payload = PAYLOADS[(number + index) % len(PAYLOADS)]
                if field.max_length and len(payload) > field.max_length:
                    fitting = [p for p in PAYLOADS if len(p) <= field.max_length]
                    if not fitting:
                        continue
                    payload = fitting[0]
                if isinstance(field, models.URLField):
                    payload = f"javascript:window.{MARKER}=1"
                elif isinstance(field, models.EmailField):
                    payload = f'x{number}"><script>window.{MARKER}=1</script>@example.org'
                setattr(obj, field.attname, payload)
                written += 1
            obj.save()
    return written


class _Injections(HTMLParser):
    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "xlink:href"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.data_block: list[str] | None = None  # the text of a JSON-LD block being read

    def handle_data(self, data):
        if self.data_block is not None:
            self.data_block.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self.data_block is not None:
            try:
                json.loads("".join(self.data_block))
            except ValueError:
                self.found.append("<script type=application/ld+json> that is not JSON")
            self.data_block = None

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in self.URL_ATTRIBUTES and value:
                scheme = "".join(value.split()).lower()
                if scheme.startswith(("javascript:", "vbscript:", "data:text/html")):
                    self.found.append(f"<{tag} {name}={value!r}>")
        if tag == "script" and dict(attrs).get("type") == "application/ld+json":
            self.data_block = []  # data, not run: it must be JSON to its end (handle_endtag)
        elif tag == "script" and not dict(attrs).get("src"):
            self.found.append("<script> without src")
        if tag in {"iframe", "object", "embed", "base", "frame"}:
            self.found.append(f"<{tag}>")

    handle_startendtag = handle_starttag


def injections(html: str) -> list[str]:
    parser = _Injections()
    parser.feed(html)
    parser.close()
    return parser.found
