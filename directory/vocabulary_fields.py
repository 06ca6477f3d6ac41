"""Form fields for vocabulary terms that use the cached vocabulary: they validate
and render without a database query (unlike ModelChoiceField)."""

from typing import Any

from django import forms

from directory import term_choices, widgets
from directory.relations import Relation
from directory.vocabulary import get_vocabulary


def _choices(kind, *, sort_by_label=False, empty=None):
    def choices():
        terms = list(get_vocabulary().kind(kind))
        if sort_by_label:
            terms = term_choices.collated(terms)
        options = [(str(t.pk), t.label) for t in terms]
        return ([("", empty)] if empty is not None else []) + options

    return choices


class TermChoiceField(forms.TypedChoiceField):
    def __init__(self, *, kind, sort_by_label=False, **kwargs):
        self.kind = kind
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", widgets.Select)
        super().__init__(
            choices=_choices(kind, sort_by_label=sort_by_label, empty="—"),
            coerce=self._term,
            empty_value=None,
            **kwargs,
        )

    def _term(self, value):
        return get_vocabulary().by_id[int(value)]


class TermMultipleChoiceField(forms.TypedMultipleChoiceField):
    def __init__(self, *, kind, sort_by_label=False, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", widgets.SelectMultiple)
        super().__init__(
            choices=_choices(kind, sort_by_label=sort_by_label),
            coerce=lambda value: get_vocabulary().by_id[int(value)],
            **kwargs,
        )


def relation_choice_field(relation: Relation, **kwargs: Any) -> TermChoiceField:
    """One term of a vocabulary relation's kind, labelled as its directory filter."""
    kwargs.setdefault("label", relation.label)
    return TermChoiceField(kind=relation.kind, **kwargs)


def searchable_terms_field(*, kind: str, **kwargs: Any) -> TermMultipleChoiceField:
    """Many terms of a long list (languages) in the searchable select box:
    German collation, common terms first, excluded ones only while selected."""
    size = kwargs.pop("size", 6)
    field = TermMultipleChoiceField(
        kind=kind,
        widget=widgets.SearchSelectMultiple(
            attrs={"size": size}, hidden=term_choices.hidden_values(kind)
        ),
        **kwargs,
    )
    field.choices = term_choices.term_choices(kind)
    return field
