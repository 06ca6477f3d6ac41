"""Visible text of an HTML page, for assertions on what a reader sees."""

from html.parser import HTMLParser

BLOCK = {
    "p",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "div",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "main",
    "aside",
    "br",
    "td",
    "th",
    "tr",
    "dt",
    "dd",
    "blockquote",
    "address",
    "table",
    "form",
    "label",
    "option",
    "hr",
    "pre",
}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "title"):
            self.skip += 1
        if tag in BLOCK:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title"):
            self.skip -= 1
        if tag in BLOCK:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join("".join(parser.parts).split())


SCRIPT_TAGS = {"script", "iframe", "object", "embed", "frame", "frameset", "base", "meta", "link"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcset", "poster"}


class _Danger(HTMLParser):
    def __init__(self, allowed_scripts):
        super().__init__(convert_charrefs=True)
        self.allowed_scripts = allowed_scripts
        self.found: list[str] = []
        self.in_body = False

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.in_body = True
        if not self.in_body:
            return
        attributes = dict(attrs)
        if tag in SCRIPT_TAGS and not (
            tag == "script" and attributes.get("src", "") in self.allowed_scripts
        ):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            if name in URL_ATTRIBUTES or name == "style":
                compact = "".join((value or "").split()).lower()
                if (
                    "javascript:" in compact
                    or "data:text/html" in compact
                    or "vbscript:" in compact
                ):
                    self.found.append(f"{tag}[{name}={value}]")


def dangerous_markup(html: str) -> list[str]:
    """Elements and attributes in the page body that could run script.

    The portal's own script files (served from /static/) are allowed.
    """
    import re

    allowed = set(re.findall(r'<script src="(/static/[^"]+)"', html))
    parser = _Danger(allowed)
    parser.feed(html)
    return parser.found


VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class _Language(HTMLParser):
    """Visible text outside elements marked with a given language."""

    def __init__(self, skip_lang: str):
        super().__init__(convert_charrefs=True)
        self.skip_lang = skip_lang
        self.stack: list[bool] = []  # per open element: inside a skipped language?
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            self.parts.append(" ")
            return
        lang = dict(attrs).get("lang")
        inside = self.stack[-1] if self.stack else False
        if lang is not None:
            inside = lang.startswith(self.skip_lang)
        if tag in ("script", "style", "title"):
            inside = True
        self.stack.append(inside)
        self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if self.stack:
            self.stack.pop()
        self.parts.append(" ")

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def text_outside_language(html: str, lang: str) -> str:
    parser = _Language(lang)
    parser.feed(html)
    return " ".join("".join(parser.parts).split())
