"""Curation of the guide: drafts, publication, history and restore.

Coordinators edit working copies (``draft``); the public sees only what a
publication applied. Drafts are written with ``update()`` so that they leave
no history; each publication saves the changed objects once, which records
one version per object with the publishing coordinator.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.concurrency import Conflict, advance_version
from core.pagecache import bump
from directory.models import Organisation
from directory.vocabulary import get_vocabulary
from guidance.models import Chapter, Item, fingerprint

if TYPE_CHECKING:
    from accounts.models import User

ITEM_FIELDS = ["kind", "label", "label_en", "title", "title_en", "body", "body_en", "position"]
ITEM_ENGLISH = ["label_en", "title_en", "body_en"]
CHAPTER_FIELDS = ["title", "subtitle", "intro", "title_en", "subtitle_en", "intro_en"]
CHAPTER_ENGLISH = ["title_en", "subtitle_en", "intro_en"]

_Curated = TypeVar("_Curated", Chapter, Item)  # what coordinators edit as drafts


# -- tags of an item (terms and featured organisations) as text, for versions


def tags_snapshot(term_ids: Iterable[int], organisation_ids: Iterable[int]) -> str:
    vocab = get_vocabulary()
    lines = sorted(
        f"term:{vocab.by_id[pk].kind}:{vocab.by_id[pk].slug}"
        for pk in term_ids
        if pk in vocab.by_id
    )
    slugs = Organisation.objects.filter(pk__in=list(organisation_ids)).values_list(
        "slug", flat=True
    )
    lines += sorted(f"org:{slug}" for slug in slugs)
    return "\n".join(lines)


def parse_tags_snapshot(text: str) -> tuple[list[int], list[int]]:
    vocab = get_vocabulary()
    term_ids, slugs = [], []
    for line in (text or "").splitlines():
        parts = line.split(":")
        if parts[0] == "term" and len(parts) == 3:
            term = vocab.get(parts[1], parts[2])
            if term:
                term_ids.append(term.pk)
        elif parts[0] == "org" and len(parts) == 2:
            slugs.append(parts[1])
    organisation_ids = list(
        Organisation.objects.filter(slug__in=slugs).values_list("pk", flat=True)
    )
    return term_ids, organisation_ids


# -- working copies


def featured_in_drafts(organisation_ids: list[int]) -> set[int]:
    """Those of these profiles that a draft of the guide will feature (drafts
    keep them by key, not by a foreign key: directory.usage asks here)."""
    wanted = set(organisation_ids)
    found: set[int] = set()
    for draft in Item.objects.filter(draft__isnull=False).values_list("draft", flat=True):
        found |= wanted.intersection((draft or {}).get("features") or ())
    return found


def item_snapshot(item: Item) -> dict[str, Any]:
    data = {field: getattr(item, field) for field in ITEM_FIELDS}
    data["en_source_fingerprint"] = item.en_source_fingerprint
    data["terms"] = sorted(item.terms.values_list("pk", flat=True)) if item.pk else []
    data["features"] = (
        sorted(item.featured_organisations.values_list("pk", flat=True)) if item.pk else []
    )
    data["deleted"] = False
    return data


def item_working_copy(item: Item) -> dict[str, Any]:
    return dict(item.draft) if item.draft is not None else item_snapshot(item)


def chapter_working_copy(chapter: Chapter) -> dict[str, Any]:
    if chapter.draft is not None:
        return dict(chapter.draft)
    data = {field: getattr(chapter, field) for field in CHAPTER_FIELDS}
    data["en_source_fingerprint"] = chapter.en_source_fingerprint
    return data


def _preview(
    model: type[_Curated], data: dict[str, Any], fields: list[str], **identity: Any
) -> _Curated:
    """An unsaved object built from a working copy, derived like a saved one."""
    preview = model(
        **identity,
        en_source_fingerprint=data.get("en_source_fingerprint", ""),
        **{field: data[field] for field in fields},
    )
    preview.derive()
    return preview


def preview_item(item: Item) -> Item:
    """An unsaved item built from the working copy, rendered like a published one."""
    data = item_working_copy(item)
    preview = _preview(
        Item, data, ITEM_FIELDS, pk=item.pk, chapter_id=item.chapter_id, slug=item.slug
    )
    vocab = get_vocabulary()
    preview.term_list = [vocab.by_id[pk] for pk in data["terms"] if pk in vocab.by_id]
    preview.feature_list = list(Organisation.objects.filter(pk__in=data["features"]))
    preview.deleted = data.get("deleted", False)
    return preview


def preview_chapter(chapter: Chapter) -> Chapter:
    return _preview(
        Chapter,
        chapter_working_copy(chapter),
        CHAPTER_FIELDS,
        pk=chapter.pk,
        number=chapter.number,
        slug=chapter.slug,
    )


def _with_english_fingerprint(
    old: Mapping[str, Any], new: dict[str, Any], english: list[str], german: list[str]
) -> dict[str, Any]:
    """A translation that is edited is taken to match the German text of now."""
    if any(new.get(f, "") != old.get(f, "") for f in english):
        new["en_source_fingerprint"] = fingerprint(*(new.get(f, "") for f in german))
    return new


def _save_draft(
    obj: _Curated,
    working: Callable[[_Curated], dict[str, Any]],
    data: Mapping[str, Any],
    english: list[str],
    translation_checked: bool,
    expected_version: int | None,
) -> dict[str, Any]:
    """Store edits over the working copy as the object's draft. ``translation_checked``:
    the coordinator confirms that the English text matches the German one as it is now.
    The row is locked and its working copy read after the lock; with
    ``expected_version`` (the version the form was loaded from) a save against a
    newer version raises ``Conflict`` and stores nothing."""
    model = type(obj)
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=obj.pk)
        if expected_version is not None and locked.version != expected_version:
            raise Conflict(locked)
        current = working(locked)
        new = _with_english_fingerprint(current, {**current, **data}, english, obj.TEXT_FIELDS)
        if translation_checked:
            new["en_source_fingerprint"] = fingerprint(*(new[f] for f in obj.TEXT_FIELDS))
        obj.version = advance_version(model, obj.pk, None, draft=new)
    obj.draft = new
    return new


def item_save_draft(
    *,
    item: Item,
    data: Mapping[str, Any],
    translation_checked: bool = False,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """Store edits as the item's draft (see ``_save_draft``)."""
    return _save_draft(
        item, item_working_copy, data, ITEM_ENGLISH, translation_checked, expected_version
    )


def chapter_save_draft(
    *,
    chapter: Chapter,
    data: Mapping[str, Any],
    translation_checked: bool = False,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """Store edits as the chapter's draft (see ``_save_draft``)."""
    return _save_draft(
        chapter, chapter_working_copy, data, CHAPTER_ENGLISH, translation_checked, expected_version
    )


def _working_items(chapter: Chapter) -> list[tuple[Item, dict[str, Any]]]:
    items = list(chapter.items.all())
    pairs = [(item, item_working_copy(item)) for item in items]
    return sorted(pairs, key=lambda pair: (pair[1]["position"], pair[0].pk))


@transaction.atomic
def item_create(*, chapter: Chapter, slug: str, data: Mapping[str, Any]) -> Item:
    position = max((d["position"] for _, d in _working_items(chapter)), default=-1) + 1
    draft = {
        **dict.fromkeys(ITEM_FIELDS, ""),
        "kind": Item.Kind.TEXT,
        "terms": [],
        "features": [],
        "deleted": False,
        "en_source_fingerprint": "",
        **data,
        "position": position,
    }
    draft = _with_english_fingerprint({}, draft, ITEM_ENGLISH, Item.TEXT_FIELDS)
    item = Item(chapter=chapter, slug=slug, is_published=False, position=position)
    item.save_without_historical_record()
    Item.objects.filter(pk=item.pk).update(draft=draft)
    item.draft = draft
    return item


def item_remove(*, item: Item) -> None:
    """Mark for removal at the next publication (an item never published goes now)."""
    if not item.is_published and not item.history.exists():
        item.delete()
        return
    item_save_draft(item=item, data={"deleted": True})


def item_move(*, item: Item, offset: int) -> None:
    """Move an item up (-1) or down (+1) among its chapter's working order."""
    with transaction.atomic():
        pairs = [p for p in _working_items(item.chapter) if not p[1].get("deleted")]
        order = [obj.pk for obj, _ in pairs]
        if item.pk not in order:  # marked for removal
            return
        index = order.index(item.pk)
        target = index + offset
        if not 0 <= target < len(pairs):
            return
        pairs[index], pairs[target] = pairs[target], pairs[index]
        for position, (obj, data) in enumerate(pairs):
            if data["position"] != position:
                item_save_draft(item=obj, data={"position": position})


def chapter_has_changes(chapter: Chapter) -> bool:
    return chapter.draft is not None or chapter.items.filter(draft__isnull=False).exists()


@transaction.atomic
def chapter_publish(*, chapter: Chapter, by: User | None) -> int:
    """Apply every pending change of the chapter; returns how many objects changed."""
    chapter = Chapter.objects.select_for_update().get(pk=chapter.pk)
    changed = 0
    if chapter.draft is not None:
        data = chapter.draft
        for field in CHAPTER_FIELDS:
            setattr(chapter, field, data[field])
        chapter.en_source_fingerprint = data.get("en_source_fingerprint", "")
        chapter.draft = None
        changed += 1
    for item in chapter.items.select_for_update().filter(draft__isnull=False):
        data = item.draft
        assert data is not None  # only items with a draft
        item._history_user = by
        if data.get("deleted"):
            item.delete()
            changed += 1
            continue
        for field in ITEM_FIELDS:
            setattr(item, field, data[field])
        item.en_source_fingerprint = data.get("en_source_fingerprint", "")
        item.terms.set(data["terms"])
        # A profile deleted since the draft was made is left out.
        features = list(
            Organisation.objects.filter(pk__in=data["features"]).values_list("pk", flat=True)
        )
        item.featured_organisations.set(features)
        item.tags_snapshot = tags_snapshot(data["terms"], features)
        item.is_published = True
        item.draft = None
        item.version += 1  # the row is locked
        item.save()
        changed += 1
    chapter.published_at = timezone.now()
    chapter.version += 1  # the row is locked
    chapter._history_user = by
    chapter.save()
    bump("guide")
    return changed


def chapter_discard(*, chapter: Chapter) -> None:
    with transaction.atomic():
        for item in chapter.items.filter(draft__isnull=False):
            if not item.is_published and not item.history.exists():
                item.delete()
        chapter.items.filter(draft__isnull=False).update(draft=None, version=F("version") + 1)
        Chapter.objects.filter(pk=chapter.pk).update(draft=None, version=F("version") + 1)
        chapter.draft = None


@transaction.atomic
def version_restore(*, record: Any) -> Chapter | Item:
    """Take a historical version of a chapter or item into the working copy."""
    if record.instance_type is Chapter:
        chapter = Chapter.objects.get(pk=record.id)
        data = {field: getattr(record, field) for field in CHAPTER_FIELDS}
        data["en_source_fingerprint"] = record.en_source_fingerprint
        Chapter.objects.filter(pk=chapter.pk).update(draft=data, version=F("version") + 1)
        return chapter
    item = Item.objects.filter(pk=record.id).first()
    if item is None:  # the version of an item that was removed since
        item = Item(
            pk=record.id, chapter_id=record.chapter_id, slug=record.slug, is_published=False
        )
        item.save_without_historical_record()
    term_ids, organisation_ids = parse_tags_snapshot(record.tags_snapshot)
    data = {field: getattr(record, field) for field in ITEM_FIELDS}
    data.update(
        en_source_fingerprint=record.en_source_fingerprint,
        terms=term_ids,
        features=organisation_ids,
        deleted=False,
    )
    Item.objects.filter(pk=item.pk).update(draft=data, version=F("version") + 1)
    item.draft = data
    return item
