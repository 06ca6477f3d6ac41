"""Optimistic concurrency: every edit form carries the version it was loaded from.

A row that people edit has an integer ``version`` (``version_field()``), raised by
one on every applied save with a conditional UPDATE (``advance_version``): the
UPDATE only matches while the row is still at the version the form was loaded
from, and it locks the row until the transaction ends, so of two saves from
forms of the same age exactly one is applied. The other raises ``Conflict``;
the view answers it with ``conflict_context`` and the include
``templates/includes/conflict.html`` (status 409): the other person's change,
the user's own input (kept in the form) and one click to apply it on top.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.db import models
from django.db.models import F, Model
from django.utils.translation import gettext_lazy as _

CONFLICT_STATUS = 409


def version_field() -> "models.PositiveIntegerField[int, int]":
    """The ``version`` column of an edited row (1 for a new row)."""
    return models.PositiveIntegerField(_("Version"), default=1, editable=False)


class Conflict(Exception):
    """A save against a version that is no longer the stored one; ``current``
    is the row as it is stored now."""

    def __init__(self, current: Model) -> None:
        super().__init__(f"stale version of {current!r}")
        self.current: Any = current  # the model of the row raised about


def advance_version(model: type[Model], pk: Any, expected: int | None, **changes: Any) -> int:
    """Raise the row's version by one, with ``changes`` in the same UPDATE, if it
    is still at ``expected`` (None: whatever it is); return the new version.
    Call it inside a transaction: the row stays locked until it ends. Raises
    ``Conflict`` (nothing written) when another save came first."""
    manager = model._default_manager
    rows = manager.filter(pk=pk)
    if expected is not None:
        rows = rows.filter(version=expected)
    if not rows.update(version=F("version") + 1, **changes):
        raise Conflict(manager.get(pk=pk))
    version: int = manager.filter(pk=pk).values_list("version", flat=True).get()
    return version


def expected_version(form: forms.BaseForm) -> int | None:
    """The version the bound form was loaded from; None when the POST carried
    none (a client of its own, not a form of the portal: saved unchecked)."""
    value = form.cleaned_data.get("version")
    return value if isinstance(value, int) else None


class VersionedFormMixin(forms.Form):
    """Adds the hidden ``version`` field; a model form takes it from its instance."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk and "version" not in self.initial:
            self.initial["version"] = instance.version


def _choice_labels(field: forms.Field) -> dict[str, str]:
    """Value -> label of a choice field (also in option groups), by the value's text."""
    labels: dict[str, str] = {}
    for value, label in getattr(field, "choices", None) or []:
        if isinstance(label, list | tuple):
            labels.update({str(v): str(text) for v, text in label})
        else:
            labels[str(value)] = str(label)
    return labels


def _display(value: Any, labels: Mapping[str, str] | None = None) -> str:
    if labels and not isinstance(value, list | tuple | set | models.QuerySet):
        return labels.get(str(value), _display(value))
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_("Ja") if value else _("Nein"))
    if isinstance(value, models.QuerySet):
        value = list(value)
    if isinstance(value, list | tuple | set):
        return ", ".join(sorted(_display(v, labels) for v in value))
    return str(value).strip()


def conflict_context(
    form: forms.BaseForm,
    *,
    current_version: int,
    stored: Mapping[str, Any],
    loaded: Mapping[str, Any] | None = None,
    fields: Iterable[str] | None = None,
    yours: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The conflict for ``templates/includes/conflict.html``, and the bound (valid)
    form made ready to apply the user's input on top of the stored version.

    ``stored``: the stored values by field name (what the other person saved);
    ``loaded``: the values of the version the form was loaded from, where known
    (then each row says whether the other person changed it); ``yours``: the
    user's input where it is shown otherwise than its cleaned value. The rows
    are the fields where the stored value and the user's input differ; a field
    without a stored value (a form-only control such as "remove the logo" or
    "translation checked") has nothing to conflict with and is not shown."""
    data = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict when bound
    data[form.add_prefix("version")] = str(current_version)
    form.data = data
    rows = []
    for name in fields or form.fields:
        field = form.fields.get(name)
        if name == "version" or name not in stored or field is None:
            continue
        if isinstance(field, forms.FileField):
            continue
        labels = _choice_labels(field)
        entered = (
            yours[name] if yours is not None and name in yours else form.cleaned_data.get(name)
        )
        mine = _display(entered, labels)
        theirs = _display(stored.get(name), labels)
        if mine == theirs:
            continue
        before = _display(loaded.get(name), labels) if loaded is not None else None
        rows.append(
            {
                "label": field.label or name,
                "id": form[name].id_for_label,  # the link from the row to its field
                "theirs": theirs,
                "yours": mine,
                "before": before,
                "changed": before is not None and before != theirs,
            }
        )
    return {"rows": rows, "version": current_version, "has_before": loaded is not None}
