"""Counted nouns take their number's form ("1 Änderung", not "1 Änderungen"): every
translated text that puts a number before a noun goes through ngettext or
{% blocktranslate count %}, in German and in English."""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

BLOCK = re.compile(r"\{% blocktranslate([^%]*)%\}(.*?)\{% endblocktranslate %\}", re.S)
# A number before a capitalised German noun: "{{ n }} Zeilen", "%(n)s Änderungen".
COUNTED_IN_TEMPLATE = re.compile(r"\{\{ *(\w+) *\}\} [A-ZÄÖÜ][a-zäöüß]+")
COUNTED_IN_CODE = re.compile(r"%\((n|count|number|total|days|minutes)\)[sd] [A-ZÄÖÜ][a-zäöüß]+")
# Variables that are not numbers (a name, a date, a label).
NOT_NUMBERS = re.compile(r"name|date|label|title|city|state|role|status|person|source|reason")


def _templates():
    for directory in settings.TEMPLATES[0]["DIRS"]:
        for path in Path(directory).rglob("*"):
            if path.is_file() and path.suffix in (".html", ".txt"):
                yield path


def test_no_template_counts_a_noun_without_a_plural():
    found = []
    for path in _templates():
        for head, body in BLOCK.findall(path.read_text()):
            counted = re.search(r"\bcount\b", head)
            for variable in COUNTED_IN_TEMPLATE.findall(body):
                if not counted and not NOT_NUMBERS.search(variable):
                    found.append(f"{path.name}: {{{{ {variable} }}}}")
    assert found == []


def test_no_code_counts_a_noun_through_gettext():
    found = []
    root = Path(settings.BASE_DIR).resolve()
    for app in apps.get_app_configs():
        folder = Path(app.path).resolve()
        if not folder.is_relative_to(root) or ".venv" in folder.parts:
            continue
        for path in folder.rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in ("_", "gettext", "gettext_lazy")
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                    and COUNTED_IN_CODE.search(node.args[0].value)
                ):
                    found.append(f"{path.relative_to(root)}:{node.lineno}: {node.args[0].value}")
    assert found == []


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [
        ("de", "Der Link gilt 1 Tag.", "Der Link gilt 2 Tage."),
        ("en", "The link is valid for 1 day.", "The link is valid for 2 days."),
    ],
)
def test_one_and_two_read_right(language, one, two):
    with translation.override(language):
        assert one in render_to_string("emails/verify-email-body.txt", {"days": 1, "link": "x"})
        assert two in render_to_string("emails/verify-email-body.txt", {"days": 2, "link": "x"})
        message = translation.ngettext(
            "Veröffentlicht: %(n)s Änderung ist jetzt öffentlich.",
            "Veröffentlicht: %(n)s Änderungen sind jetzt öffentlich.",
            1,
        ) % {"n": 1}
    assert message.endswith(("1 Änderung ist jetzt öffentlich.", "1 change is now public."))
