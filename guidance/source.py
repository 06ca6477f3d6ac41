"""The guide's source text (extracted from the 2013 PDF) and its artefacts.

The structured content under guidance/content/ was written from this text.
``source_paragraphs()`` gives every paragraph and list item of the source after
cleaning the extraction artefacts, which is what the completeness test looks
for in the rendered guide.

Artefacts of the extraction, and what cleaning does with them:
- ``\\u00fc``-style escapes: decoded.
- words split across lines ("f" / " ür"): joined.
- hyphens lost at line ends ("aufund", "Nachbarschaftsund") and a lost umlaut
  ("Forderprogramm"): restored, listed in CORRECTIONS.
- layout lines: the table of contents with page numbers and the "Raum für
  Notizen" placeholders (which became the notes feature): dropped.
- paragraphs wrapped by hard line breaks: joined; whitespace normalised.
- Markdown emphasis that the extraction left in ("**Strukturen**"): the text only.
"""

import re
from pathlib import Path

SOURCE = Path(__file__).parent / "content" / "source" / "leitfaden-migrantenorganisationen-2013.txt"

CORRECTIONS = {
    "aufund ausgebaut": "auf- und ausgebaut",
    "Nachbarschaftsund sozialraumorientierten": "Nachbarschafts- und sozialraumorientierten",
    "Forderprogramm": "Förderprogramm",
}

LAYOUT_LINES = {"Raum für Notizen:", "Inhalt"}
_TOC_LINE = re.compile(r"^\d{1,2}\.\t.+\t\d+$")
_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_SPLIT_WORD = re.compile(r"([A-Za-zÄÖÜäöüß])\n ([a-zäöüß])")


def clean_text(raw: str) -> str:
    text = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), raw)
    text = _SPLIT_WORD.sub(r"\1\2", text)
    for wrong, right in CORRECTIONS.items():
        text = text.replace(wrong, right)
    text = text.replace("**", "")
    return text


def normalise(text: str) -> str:
    return " ".join(text.split())


def source_paragraphs(raw: str | None = None) -> list[str]:
    """Every paragraph and list item of the source, cleaned and normalised."""
    text = clean_text(raw if raw is not None else SOURCE.read_text(encoding="utf-8"))
    paragraphs: list[str] = []
    block: list[str] = []

    def flush():
        if block:
            paragraphs.append(normalise(" ".join(block)))
            block.clear()

    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped in LAYOUT_LINES or _TOC_LINE.match(line.strip("\n")):
            flush()
            continue
        if stripped.startswith("- "):
            flush()
            paragraphs.append(normalise(stripped[2:]))
            continue
        block.append(stripped)
    flush()
    return [p for p in paragraphs if p]
