"""Reading the guide: overview, chapters, print view, search, private notes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.pagecache import anonymous_page, cached
from directory import glossary as glossary_entries
from directory.models import Organisation
from directory.statistics import term_statistics
from guidance.forms import NoteForm
from guidance.models import Chapter, ChapterNote, Guide, Item
from guidance.search import search_guide


def _guide() -> Guide:
    guide = Guide.objects.first()
    if guide is None:
        raise Http404(_("Der Leitfaden ist noch nicht geladen."))
    return guide


def published_items(chapter_ids=None):
    items = Item.objects.filter(is_published=True).prefetch_related(
        "terms",
        Prefetch(
            "featured_organisations",
            queryset=Organisation.objects.published().only("name", "slug", "city"),
        ),
    )
    if chapter_ids is not None:
        items = items.filter(chapter_id__in=chapter_ids)
    return items.order_by("chapter__number", "position", "id")


def _attach_lists(items, *, statistics: bool = False):
    for item in items:
        item.term_list = list(item.terms.all())
        item.feature_list = list(item.featured_organisations.all())
    if statistics:
        terms = {t.pk: t for item in items for t in item.term_list}
        stats = cached(
            "term-statistics",
            sorted(terms),
            lambda: term_statistics(terms.values()),
            namespaces=("directory",),
        )
        for item in items:
            item.term_stats = [(t, stats.get(t.pk)) for t in item.term_list]
    return items


@anonymous_page("guide")
def overview(request):
    return render(
        request,
        "guidance/overview.html",
        {"guide": _guide(), "chapters": Chapter.objects.order_by("number")},
    )


def glossary(request):
    """The guide's words explained (directory.glossary), linked from the labels."""
    return render(request, "guidance/glossary.html", {"entries": glossary_entries.ENTRIES})


@anonymous_page("guide", "directory")
def chapter_detail(request, slug):
    return _render_chapter(request, slug)


def chapter_body(chapter: Chapter) -> SafeString:
    """A chapter's text and items with their figures, the same for every reader:
    rendered once per language and generation of the guide and the directory (the
    items feature profiles and count them), so that a signed-in reader, for whom no
    page is kept, gets it without its four queries."""

    def render_body() -> SafeString:
        items = _attach_lists(list(published_items([chapter.pk])), statistics=True)
        context = {"chapter": chapter, "items": items, "LANGUAGE_CODE": get_language()}
        return mark_safe(render_to_string("guidance/includes/chapter_body.html", context))

    parts = (chapter.pk, get_language())
    return cached("chapter-body", parts, render_body, namespaces=("guide", "directory"))


def _render_chapter(request, slug, note_form=None, status=200):
    chapters = list(Chapter.objects.order_by("number"))
    index = next((i for i, c in enumerate(chapters) if c.slug == slug), None)
    if index is None:
        raise Http404(_("Dieses Kapitel gibt es nicht."))
    chapter = chapters[index]
    if request.user.is_authenticated and note_form is None:
        note = ChapterNote.objects.filter(user=request.user, chapter=chapter).first()
        note_form = NoteForm(initial={"text": note.text if note else ""})
    return render(
        request,
        "guidance/chapter.html",
        {
            "guide": _guide(),
            "chapter": chapter,
            "body": chapter_body(chapter),
            "previous": chapters[index - 1] if index > 0 else None,
            "next": chapters[index + 1] if index + 1 < len(chapters) else None,
            "note_form": note_form,
        },
        status=status,
    )


@anonymous_page("guide")
def print_view(request):
    chapters = list(Chapter.objects.order_by("number"))
    by_chapter: dict[int, list] = {c.pk: [] for c in chapters}
    for item in _attach_lists(list(published_items())):
        by_chapter[item.chapter_id].append(item)
    for chapter in chapters:
        chapter.published = by_chapter[chapter.pk]
    return render(request, "guidance/print.html", {"guide": _guide(), "chapters": chapters})


def search(request):
    query = request.GET.get("q", "")
    hits = search_guide(query)
    return render(
        request,
        "guidance/search.html",
        {"guide": _guide(), "query": query, "hits": hits},
    )


@login_required
@require_POST
def save_note(request, slug):
    chapter = get_object_or_404(Chapter, slug=slug)
    form = NoteForm(request.POST)
    if not form.is_valid():  # shown again with everything typed and the message
        return _render_chapter(request, slug, note_form=form, status=400)
    ChapterNote.objects.update_or_create(
        user=request.user, chapter=chapter, defaults={"text": form.cleaned_data["text"]}
    )
    messages.success(request, _("Ihre Notizen sind gespeichert."))
    return redirect(f"{chapter.get_absolute_url()}#notizen")
