"""A name ending in "e. V." that ends a sentence is not followed by a second full stop
("Verein e. V.." in pages and mails)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string

from core.text import before_stop

BLOCK = re.compile(r"\{% blocktranslate([^%]*)%\}(.*?)\{% endblocktranslate %\}", re.S)


def test_before_stop_takes_the_names_own_stop_only():
    assert before_stop("Brücke e. V.") + "." == "Brücke e. V."
    assert before_stop("Brücke gGmbH") + "." == "Brücke gGmbH."
    assert before_stop("") == ""


def test_every_translated_sentence_that_ends_with_a_name_uses_before_stop():
    missing = []
    for directory in settings.TEMPLATES[0]["DIRS"]:
        for path in Path(directory).rglob("*"):
            if not path.is_file() or path.suffix not in (".html", ".txt"):
                continue
            for head, body in BLOCK.findall(path.read_text()):
                for variable, expression in re.findall(r"(\w+)=(\S+)", head):
                    ends_sentence = re.search(r"\{\{ *" + variable + r" *\}\}\.", body)
                    if ends_sentence and expression.endswith(".name"):
                        missing.append(f"{path.name}: {variable}={expression}")
    assert missing == [], "add |before_stop (core/templatetags/text.py)"


@pytest.mark.django_db
def test_a_mail_about_an_e_v_has_one_full_stop():
    from tests.factories import make_organisation

    organisation = make_organisation("Brücke e. V.")
    text = render_to_string("emails/claim-confirmed-body.txt", {"organisation": organisation})
    assert "für das Profil von Brücke e. V.\n" in text
    assert "e. V.." not in text
