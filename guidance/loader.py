"""Loads the guide's structured content (guidance/content/*.toml).

Idempotent: chapters and items that exist are left as curated (unless
``reset``); what is missing is created and published. Featured
organisations are linked whenever they exist, so loading after the demo
data (or again later) completes the links.
"""

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from core.pagecache import bump
from directory.models import Organisation
from directory.vocabulary import get_vocabulary
from guidance.models import Chapter, Guide, Item, fingerprint
from guidance.services import tags_snapshot

CONTENT = Path(__file__).parent / "content"
LABELS_EN = [
    (re.compile(r"^These (\d+)$"), "Thesis {}"),
    (re.compile(r"^Empfehlung (\d+)$"), "Recommendation {}"),
]


@dataclass
class LoadResult:
    chapters: int = 0
    items: int = 0
    links: int = 0


def _label_en(label: str) -> str:
    for pattern, english in LABELS_EN:
        match = pattern.match(label)
        if match:
            return english.format(match.group(1))
    return ""


def _terms(refs: list[str]) -> list:
    vocab = get_vocabulary()
    terms = []
    for ref in refs:
        kind, slug = ref.split(":", 1)
        term = vocab.get(kind, slug)
        if term is None:
            raise ValueError(f"Unknown vocabulary term in the guide content: {ref}")
        terms.append(term)
    return terms


def _load_guide_meta(reset: bool) -> None:
    data = tomllib.loads((CONTENT / "guide.toml").read_text(encoding="utf-8"))
    guide = Guide.objects.first()
    if guide is None:
        Guide.objects.create(**data)
    elif reset:
        for field, value in data.items():
            setattr(guide, field, value)
        guide.save()


def chapter_files() -> list[Path]:
    return sorted(CONTENT.glob("[0-9][0-9]-*.toml"))


@transaction.atomic
def load_guide(*, reset: bool = False) -> LoadResult:
    result = LoadResult()
    _load_guide_meta(reset)
    for path in chapter_files():
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        chapter_fields = {
            field: data.get(field, "")
            for field in ("title", "subtitle", "intro", "title_en", "subtitle_en", "intro_en")
        }
        chapter = Chapter.objects.filter(slug=data["slug"]).first()
        if chapter is None or reset:
            chapter = chapter or Chapter(slug=data["slug"])
            chapter.number = data["number"]
            for field, value in chapter_fields.items():
                setattr(chapter, field, value)
            chapter.en_source_fingerprint = fingerprint(
                chapter.title, chapter.subtitle, chapter.intro
            )
            chapter.draft = None
            chapter.save()
            result.chapters += 1
        for position, spec in enumerate(data.get("items", [])):
            result.items += _load_item(chapter, position, spec, reset)
            result.links += _link_features(chapter, spec)
    bump("guide")
    return result


def _load_item(chapter: Chapter, position: int, spec: dict, reset: bool) -> int:
    item = Item.objects.filter(chapter=chapter, slug=spec["slug"]).first()
    if item is not None and not reset:
        return 0
    item = item or Item(chapter=chapter, slug=spec["slug"])
    item.kind = spec["kind"]
    item.label = spec.get("label", "")
    item.label_en = spec.get("label_en", _label_en(item.label))
    item.title = spec.get("title", "")
    item.body = spec.get("body", "")
    item.title_en = spec.get("title_en", "")
    item.body_en = spec.get("body_en", "")
    item.en_source_fingerprint = fingerprint(item.label, item.title, item.body)
    item.position = position
    item.is_published = True
    item.draft = None
    item.save_without_historical_record()
    terms = _terms(spec.get("terms", []))
    item.terms.set(terms)
    features = list(Organisation.objects.filter(slug__in=spec.get("features", [])))
    item.featured_organisations.set(features)
    item.tags_snapshot = tags_snapshot([t.pk for t in terms], [o.pk for o in features])
    item.save()  # one version, with its terms and organisations
    return 1


def _link_features(chapter: Chapter, spec: dict) -> int:
    if not spec.get("features"):
        return 0
    item = Item.objects.get(chapter=chapter, slug=spec["slug"])
    missing = list(
        Organisation.objects.filter(slug__in=spec["features"]).exclude(
            pk__in=item.featured_organisations.values("pk")
        )
    )
    if missing:
        item.featured_organisations.add(*missing)
        item.tags_snapshot = tags_snapshot(
            item.terms.values_list("pk", flat=True),
            item.featured_organisations.values_list("pk", flat=True),
        )
        Item.objects.filter(pk=item.pk).update(tags_snapshot=item.tags_snapshot)
    return len(missing)
