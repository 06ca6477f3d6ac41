"""The conflict page's table (core.concurrency.conflict_context) lists only the
stored fields where the stored value and the user's input differ."""

from django import forms

from core.concurrency import VersionedFormMixin, conflict_context


class _SectionForm(VersionedFormMixin, forms.Form):
    description = forms.CharField(label="Beschreibung")
    phone = forms.CharField(label="Telefon")
    remove_logo = forms.BooleanField(label="Logo entfernen", required=False)


def test_a_form_only_control_is_no_conflict_row():
    form = _SectionForm({"description": "Mein Text", "phone": "040 1", "version": "3"})
    assert form.is_valid()
    context = conflict_context(
        form,
        current_version=4,
        stored={"description": "Ihr Text", "phone": "040 1"},
        loaded={"description": "Alt", "phone": "040 1"},
    )
    # Only the description differs; the unticked "remove the logo" has no stored
    # value and is not shown as "(empty) / Nein".
    assert [row["label"] for row in context["rows"]] == ["Beschreibung"]
    [row] = context["rows"]
    assert row["id"] == "id_description"  # the row links to its field
    assert (row["before"], row["theirs"], row["yours"], row["changed"]) == (
        "Alt",
        "Ihr Text",
        "Mein Text",
        True,
    )
    assert form.data["version"] == "4"  # saving again applies the input on top
