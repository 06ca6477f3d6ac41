"""The Python-rendered select widgets produce Django's own markup."""

import pytest
from django import forms
from django.test import SimpleTestCase

from directory import widgets

CHOICES = [
    ("", "—"),
    ("1", "Arabisch"),
    ("2", '<Kurdisch & "Sorani">'),
    ("Gruppe", [("3", "Türkisch"), ("4", "Russisch")]),
]


class Html(SimpleTestCase):
    pass


@pytest.mark.parametrize(
    ("fast", "django_widget", "value", "attrs"),
    [
        (widgets.Select, forms.Select, "2", {"class": "form-select", "id": "id_x"}),
        (widgets.Select, forms.Select, None, {"required": True, "disabled": False}),
        (
            widgets.SelectMultiple,
            forms.SelectMultiple,
            ["1", "4"],
            {"size": 6, "aria-describedby": "h"},
        ),
        (widgets.SelectMultiple, forms.SelectMultiple, [], {}),
    ],
)
def test_same_markup_as_django(fast, django_widget, value, attrs):
    ours = fast(choices=CHOICES).render("x", value, attrs=attrs)
    theirs = django_widget(choices=CHOICES).render("x", value, attrs=attrs)
    Html().assertHTMLEqual(ours, theirs)
    assert "&lt;Kurdisch &amp; &quot;Sorani&quot;&gt;" in ours  # labels are escaped


def test_selected_values_survive_a_bound_form():
    class Form(forms.Form):
        x = forms.MultipleChoiceField(choices=CHOICES[1:3], widget=widgets.SelectMultiple)

    html = str(Form({"x": ["2"]})["x"])
    assert '<option value="2" selected>' in html
    assert '<option value="1">' in html
    assert "multiple" in html
