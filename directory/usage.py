"""Which profiles are in use: something outside the profile itself refers to
them (a team member, a claim, a team's pending changes, a cooperation request,
a shortlist, a featured entry of the guide, a support offer …).

An import's undo deletes only profiles that are not in use: a profile taken
over, asked about or remembered by somebody since the import stays.

The rule is read from the relations themselves, so a relation added later
counts as a use without anybody remembering to list it here. What belongs to
the profile and goes with it is marked on its model with
``DELETED_WITH_PROFILE = True`` (its offers, open takeover invitations, the
coordinators' "not a duplicate" decisions, a saved search's seen list). The
profile's own term relations and the history tables (which keep no foreign key
constraint) never count. Uses that are no foreign key (a guide draft lists the
profiles it will feature by key) are added by their apps with ``register``."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import models

from directory.models import Organisation

# Registered by other apps (AppConfig.ready): pks -> those of them in use there.
UseCheck = Callable[[list[int]], set[int]]
checks: list[UseCheck] = []


def register(check: UseCheck) -> None:
    if check not in checks:
        checks.append(check)


def _uses() -> list[tuple[type[models.Model], str]]:
    """(model, field name) of every relation that counts as a use."""
    found = []
    for relation in Organisation._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete):
            continue  # a field of the profile itself
        if relation.many_to_many:
            continue  # seen from its through model below
        model = relation.related_model
        assert isinstance(model, type) and issubclass(model, models.Model)
        if model._meta.auto_created is Organisation:
            continue  # the profile's own terms
        if getattr(relation, "on_delete", None) is models.DO_NOTHING:
            continue  # history tables
        if getattr(model, "DELETED_WITH_PROFILE", False):
            continue
        field = relation.field  # type: ignore[union-attr]
        found.append((model, field.name))
    return found


def organisations_in_use(pks: Iterable[int]) -> set[int]:
    """Those of these profiles that are in use: one query per relation."""
    pks = sorted(set(pks))
    if not pks:
        return set()
    used: set[int] = set()
    for model, name in _uses():
        rows = model._default_manager.filter(**{f"{name}__in": pks})
        used.update(pk for pk in rows.values_list(name, flat=True) if pk is not None)
    for check in checks:
        used |= check(pks)
    return used
