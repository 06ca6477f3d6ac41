"""Curation of the guide by coordinators, in the portal."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.access import permission_required_or_403
from core.concurrency import CONFLICT_STATUS, Conflict, conflict_context, expected_version
from core.markdown import render_markdown
from core.text import word_diff
from guidance import services
from guidance.forms import ChapterForm, ItemForm, NewItemForm
from guidance.models import Chapter, Item

CURATE_PERMISSION = "guidance.curate_guide"


def _chapter(slug) -> Chapter:
    return get_object_or_404(Chapter, slug=slug)


@permission_required_or_403(CURATE_PERMISSION)
def dashboard(request):
    chapters = list(Chapter.objects.order_by("number"))
    pending = set(Item.objects.filter(draft__isnull=False).values_list("chapter_id", flat=True))
    outdated = set(Item.objects.filter(en_outdated=True).values_list("chapter_id", flat=True))
    for chapter in chapters:
        chapter.pending = chapter.draft is not None or chapter.pk in pending
        chapter.outdated_translation = chapter.en_outdated or chapter.pk in outdated
    return render(request, "guidance/curation/dashboard.html", {"chapters": chapters})


@permission_required_or_403(CURATE_PERMISSION)
def chapter_edit(request, slug):
    chapter = _chapter(slug)
    working = services.chapter_working_copy(chapter)
    form = ChapterForm(request.POST or None, initial={**working, "version": chapter.version})
    preview = None
    conflict = None
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "preview":
            preview = {
                "intro": render_markdown(form.cleaned_data["intro"]),
                "intro_en": render_markdown(form.cleaned_data["intro_en"]),
            }
        else:
            data = dict(form.cleaned_data)
            checked = data.pop("translation_checked")
            data.pop("version")
            try:
                services.chapter_save_draft(
                    chapter=chapter,
                    data=data,
                    translation_checked=checked,
                    expected_version=expected_version(form),
                )
            except Conflict as stale:
                chapter = stale.current
                conflict = conflict_context(
                    form,
                    current_version=chapter.version,
                    stored=services.chapter_working_copy(chapter),
                )
            else:
                messages.success(
                    request,
                    _("Entwurf gespeichert. Er ist erst nach dem Veröffentlichen öffentlich."),
                )
                return redirect("guidance:curate_chapter", slug=chapter.slug)
    items = [
        (item, services.item_working_copy(item))
        for item in chapter.items.order_by("position", "id")
    ]
    items.sort(key=lambda pair: (pair[1]["position"], pair[0].pk))
    return render(
        request,
        "guidance/curation/chapter.html",
        {
            "chapter": chapter,
            "form": form,
            "preview": preview,
            "items": items,
            "has_changes": services.chapter_has_changes(chapter),
            "conflict": conflict,
        },
        status=CONFLICT_STATUS
        if conflict
        else 400
        if request.method == "POST" and not form.is_valid()
        else 200,
    )


@permission_required_or_403(CURATE_PERMISSION)
def chapter_preview(request, slug):
    chapter = _chapter(slug)
    preview = services.preview_chapter(chapter)
    items = [services.preview_item(item) for item in chapter.items.order_by("position", "id")]
    items = sorted((i for i in items if not i.deleted), key=lambda i: (i.position, i.pk))
    return render(
        request,
        "guidance/curation/preview.html",
        {"chapter": preview, "items": items, "source": chapter},
    )


@permission_required_or_403(CURATE_PERMISSION)
@require_POST
def chapter_publish(request, slug):
    chapter = _chapter(slug)
    changed = services.chapter_publish(chapter=chapter, by=request.user)
    messages.success(
        request,
        ngettext(
            "Veröffentlicht: %(n)s Änderung ist jetzt öffentlich.",
            "Veröffentlicht: %(n)s Änderungen sind jetzt öffentlich.",
            changed,
        )
        % {"n": changed},
    )
    return redirect("guidance:curate_chapter", slug=chapter.slug)


@permission_required_or_403(CURATE_PERMISSION)
@require_POST
def chapter_discard(request, slug):
    chapter = _chapter(slug)
    services.chapter_discard(chapter=chapter)
    messages.success(
        request, _("Alle unveröffentlichten Änderungen des Kapitels wurden verworfen.")
    )
    return redirect("guidance:curate_chapter", slug=chapter.slug)


def _item_form_response(request, template, context, form, status=200):
    preview = None
    if form.is_bound and form.is_valid() and request.POST.get("action") == "preview":
        preview = {
            "body": render_markdown(form.cleaned_data["body"]),
            "body_en": render_markdown(form.cleaned_data["body_en"]),
        }
    return render(request, template, {**context, "form": form, "preview": preview}, status=status)


@permission_required_or_403(CURATE_PERMISSION)
def item_edit(request, pk):
    item = get_object_or_404(Item.objects.select_related("chapter"), pk=pk)
    working = services.item_working_copy(item)
    if request.method == "POST":
        form = ItemForm(request.POST)
        if form.is_valid() and request.POST.get("action") != "preview":
            data = dict(form.cleaned_data)
            checked = data.pop("translation_checked")
            data.pop("version")
            try:
                services.item_save_draft(
                    item=item,
                    data=data,
                    translation_checked=checked,
                    expected_version=expected_version(form),
                )
            except Conflict as stale:
                item.version = stale.current.version
                conflict = conflict_context(
                    form,
                    current_version=item.version,
                    stored={
                        **services.item_working_copy(stale.current),
                        "features": ItemForm.initial_from(
                            services.item_working_copy(stale.current)
                        )["features"],
                    },
                    yours={"features": form.data.get("features", "")},
                )
                context = {"item": item, "chapter": item.chapter, "conflict": conflict}
                return _item_form_response(
                    request, "guidance/curation/item.html", context, form, CONFLICT_STATUS
                )
            messages.success(
                request, _("Entwurf gespeichert. Er ist erst nach dem Veröffentlichen öffentlich.")
            )
            return redirect("guidance:curate_chapter", slug=item.chapter.slug)
        status = 200 if form.is_valid() else 400
    else:
        form = ItemForm(initial={**ItemForm.initial_from(working), "version": item.version})
        status = 200
    context = {"item": item, "chapter": item.chapter}
    return _item_form_response(request, "guidance/curation/item.html", context, form, status)


@permission_required_or_403(CURATE_PERMISSION)
def item_new(request, slug):
    chapter = _chapter(slug)
    if request.method == "POST":
        form = NewItemForm(request.POST, chapter=chapter)
        if form.is_valid() and request.POST.get("action") != "preview":
            data = dict(form.cleaned_data)
            slug_value = data.pop("slug")
            data.pop("translation_checked")
            services.item_create(chapter=chapter, slug=slug_value, data=data)
            messages.success(request, _("Eintrag angelegt (Entwurf)."))
            return redirect("guidance:curate_chapter", slug=chapter.slug)
        status = 200 if form.is_valid() else 400
    else:
        form = NewItemForm(chapter=chapter)
        status = 200
    return _item_form_response(
        request, "guidance/curation/item.html", {"chapter": chapter, "item": None}, form, status
    )


@permission_required_or_403(CURATE_PERMISSION)
@require_POST
def item_remove(request, pk):
    item = get_object_or_404(Item.objects.select_related("chapter"), pk=pk)
    services.item_remove(item=item)
    messages.success(request, _("Der Eintrag wird beim nächsten Veröffentlichen entfernt."))
    return redirect("guidance:curate_chapter", slug=item.chapter.slug)


@permission_required_or_403(CURATE_PERMISSION)
@require_POST
def item_move(request, pk):
    item = get_object_or_404(Item.objects.select_related("chapter"), pk=pk)
    offset = {"up": -1, "down": 1}.get(request.POST.get("direction"))
    if offset is None:
        messages.error(request, _("Unbekannte Richtung."))
    else:
        services.item_move(item=item, offset=offset)
    url = reverse("guidance:curate_chapter", kwargs={"slug": item.chapter.slug})
    return redirect(f"{url}#row-{item.pk}")


# -- history


HISTORY_MODELS: dict[str, type[Chapter] | type[Item]] = {"kapitel": Chapter, "eintrag": Item}


def _record(kind, history_id):
    model = HISTORY_MODELS.get(kind)
    if model is None:
        raise Http404
    return get_object_or_404(model.history.select_related("history_user"), history_id=history_id)


@permission_required_or_403(CURATE_PERMISSION)
def history(request, slug):
    chapter = _chapter(slug)
    records = [("kapitel", r) for r in chapter.history.select_related("history_user")]
    records += [
        ("eintrag", r)
        for r in Item.history.filter(chapter_id=chapter.pk).select_related("history_user")
    ]
    records.sort(key=lambda pair: pair[1].history_date, reverse=True)
    return render(
        request, "guidance/curation/history.html", {"chapter": chapter, "records": records[:200]}
    )


@permission_required_or_403(CURATE_PERMISSION)
def version(request, kind, history_id):
    record = _record(kind, history_id)
    previous = record.prev_record
    fields = (
        services.CHAPTER_FIELDS if kind == "kapitel" else services.ITEM_FIELDS + ["tags_snapshot"]
    )
    changes = []
    for field in fields:
        old = str(getattr(previous, field, "") if previous else "")
        new = str(getattr(record, field, ""))
        if old != new or not previous:
            changes.append({"field": field, "diff": word_diff(old, new)})
    chapter = Chapter.objects.get(pk=record.id if kind == "kapitel" else record.chapter_id)
    return render(
        request,
        "guidance/curation/version.html",
        {
            "record": record,
            "kind": kind,
            "previous": previous,
            "changes": changes,
            "chapter": chapter,
        },
    )


@permission_required_or_403(CURATE_PERMISSION)
@require_POST
def version_restore(request, kind, history_id):
    record = _record(kind, history_id)
    restored = services.version_restore(record=record)
    chapter = restored if isinstance(restored, Chapter) else restored.chapter
    messages.success(
        request,
        _(
            "Die Fassung vom %(date)s ist als Entwurf übernommen. "
            "Prüfen Sie sie in der Vorschau und veröffentlichen Sie sie."
        )
        % {"date": date_format(localtime(record.history_date), "SHORT_DATETIME_FORMAT")},
    )
    return redirect("guidance:curate_chapter", slug=chapter.slug)
