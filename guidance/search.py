"""Search in the guide, the same approach as the directory search:
PostgreSQL's ``german`` configuration (ranked), every word on SQLite.
The guide has about a hundred texts, so the vector is computed per query."""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import F, Q

from directory.search import clean_query, is_postgres
from guidance.models import Chapter, Item

SNIPPET = 160
_TAGS = re.compile(r"<[^>]+>")


@dataclass
class Hit:
    chapter: Chapter
    item: Item | None
    title: str
    snippet: str
    rank: float

    @property
    def url(self) -> str:
        return self.item.get_absolute_url() if self.item else self.chapter.get_absolute_url()


def _snippet(text: str, words: list[str]) -> str:
    plain = " ".join(_TAGS.sub(" ", text).replace("*", "").split())
    lower = plain.lower()
    positions = [lower.find(w) for w in words if lower.find(w) >= 0]
    start = max(0, min(positions) - 40) if positions else 0
    snippet = plain[start : start + SNIPPET]
    return ("…" if start else "") + snippet + ("…" if start + SNIPPET < len(plain) else "")


def _matching(queryset, query: str):
    if is_postgres():
        vector = SearchVector("search_document", config="german")
        tsquery = SearchQuery(query, config="german", search_type="websearch")
        return (
            queryset.annotate(vector=vector, rank=SearchRank(F("vector"), tsquery))
            .filter(vector=tsquery)
            .order_by("-rank")
        )
    condition = Q()
    for word in query.lower().split():
        condition &= Q(search_document__contains=word)
    return queryset.filter(condition)


def search_guide(query: str, limit: int = 50) -> list[Hit]:
    query = clean_query(query)
    if not query:
        return []
    words = query.lower().split()
    hits = []
    for chapter in _matching(Chapter.objects.all(), query)[:limit]:
        hits.append(
            Hit(
                chapter,
                None,
                str(chapter),
                _snippet(chapter.intro, words),
                getattr(chapter, "rank", 0),
            )
        )
    items = _matching(Item.objects.filter(is_published=True).select_related("chapter"), query)
    for item in items[:limit]:
        text = " ".join([item.body, item.body_en])
        hits.append(
            Hit(item.chapter, item, item.name, _snippet(text, words), getattr(item, "rank", 0))
        )
    hits.sort(key=lambda h: (-h.rank, h.chapter.number, h.item.position if h.item else -1))
    return hits[:limit]
