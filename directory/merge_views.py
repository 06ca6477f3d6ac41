"""Coordinators' pages for duplicates: likely pairs across the directory, the
merge preview and the merge, and the "keine Dublette" mark."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import permission_required_or_403
from directory import duplicates, merging
from directory.access import REVIEW_PERMISSION
from directory.models import Organisation
from directory.vocabulary import TERM_RELATIONS

PAIRS_PAGE_SIZE = 25  # profiles checked per page of the pairs list (one query each)


def _profile(slug: str) -> Organisation:
    return get_object_or_404(Organisation.objects.select_related("state"), slug=slug)


def _shown(organisation: Organisation, name: str) -> str:
    """A field's value as the preview shows it."""
    field = Organisation._meta.get_field(name)
    value = getattr(organisation, name)
    if getattr(field, "choices", None):
        value = getattr(organisation, f"get_{name}_display")()
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if name in merging.CARRIED and value:
        visibility = getattr(organisation, f"get_{merging.CARRIED[name]}_display")()
        return f"{value} ({visibility})"
    return "" if value is None else str(value)


def _side(organisation: Organisation, value: str) -> str:
    return _("#%(id)s: %(value)s") % {"id": organisation.pk, "value": value}


class MergeForm(forms.Form):
    """Per differing field which value stays; per differing term relation and
    for the offers: this one's, the other's or both; the versions previewed."""

    seen_staying = forms.IntegerField(widget=forms.HiddenInput)
    seen_other = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, staying: Organisation, other: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.staying, self.other = staying, other
        self.initial.update(seen_staying=staying.version, seen_other=other.version)
        empty = _("(leer)")
        for name in merging.differing_fields(staying, other):
            label = Organisation._meta.get_field(name).verbose_name  # type: ignore[union-attr]
            self.fields[f"field_{name}"] = forms.ChoiceField(
                label=label,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                required=False,  # missing: the default (as preselected)
                choices=[
                    (merging.STAY, _side(staying, _shown(staying, name) or empty)),
                    (merging.OTHER, _side(other, _shown(other, name) or empty)),
                ],
                initial=merging.default_choice(staying, other, name),
            )
        for relation in merging.differing_relations(staying, other):
            label = Organisation._meta.get_field(relation).verbose_name  # type: ignore[union-attr]
            self.fields[f"terms_{relation}"] = forms.ChoiceField(
                label=label,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                required=False,  # missing: the default (as preselected)
                choices=self._three(staying, other, self._term_labels(relation)),
                initial=merging.default_relation_choice(staying, other, relation),
            )
        mine, theirs = (self._offer_titles(p) for p in (staying, other))
        if mine != theirs:
            self.fields["offers"] = forms.ChoiceField(
                label=_("Angebote"),
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                required=False,  # missing: the default (as preselected)
                choices=self._three(staying, other, self._offer_titles),
                initial=merging.default_offers_choice(staying, other),
            )

    @staticmethod
    def _three(staying, other, show):
        empty = _("(keine)")
        return [
            (merging.STAY, _side(staying, show(staying) or empty)),
            (merging.OTHER, _side(other, show(other) or empty)),
            (merging.BOTH, _("beide zusammen")),
        ]

    @staticmethod
    def _term_labels(relation):
        def show(organisation):
            return ", ".join(t.label for t in getattr(organisation, relation).all())

        return show

    @staticmethod
    def _offer_titles(organisation):
        return "; ".join(o["title"] for o in (organisation.snapshot or {}).get("offers", []))

    def choices(self) -> merging.Choices:
        data = self.cleaned_data
        return merging.Choices(
            fields={n: data[f"field_{n}"] for n in merging.FIELDS if data.get(f"field_{n}")},
            relations={r: data[f"terms_{r}"] for r in TERM_RELATIONS if data.get(f"terms_{r}")},
            offers=data.get("offers", ""),
        )


def _error_message(error: merging.MergeError) -> str:
    name = error.organisation.name if error.organisation is not None else ""
    code = merging.MergeError.Code
    if error.code is code.REVISION:
        return _(
            "„%(name)s“ hat Änderungen, die noch offen sind (sie warten auf Prüfung oder "
            "beim Team). Bitte entscheiden Sie diese zuerst oder bitten Sie das Team, sie "
            "einzureichen oder zu verwerfen. Dann können Sie zusammenführen."
        ) % {"name": name}
    if error.code is code.MERGED:
        return _("„%(name)s“ ist schon mit einem anderen Profil zusammengeführt.") % {"name": name}
    if error.code is code.ARCHIVED:
        return _("„%(name)s“ ist archiviert. Wählen Sie ein aktives Profil, das bleibt.") % {
            "name": name
        }
    if error.code is code.SAME:
        return _("Bitte wählen Sie zwei verschiedene Profile.")
    return _(
        "Eines der beiden Profile wurde inzwischen geändert. Es wurde nichts zusammengeführt: "
        "Bitte prüfen Sie die Vorschau mit dem aktuellen Stand und entscheiden Sie erneut."
    )


@permission_required_or_403(REVIEW_PERMISSION)
def merge(request, slug, other):
    """The preview (GET) and the merge (POST) of ``other`` into ``slug``."""
    staying, merged_away = _profile(slug), _profile(other)
    if merged_away.merged_into_id == staying.pk:  # a double click, a reload
        messages.info(request, _("Diese Profile sind bereits zusammengeführt."))
        return redirect("directory:review", slug=staying.slug)
    form = MergeForm(request.POST or None, staying=staying, other=merged_away)
    if request.method == "POST" and form.is_valid():
        seen = (form.cleaned_data["seen_staying"], form.cleaned_data["seen_other"])
        try:
            merged = merging.organisation_merge(
                staying=staying,
                other=merged_away,
                by=request.user,
                choices=form.choices(),
                seen=seen,
            )
        except merging.MergeError as error:
            messages.error(request, _error_message(error))
            return redirect("directory:merge", slug=slug, other=other)
        messages.success(
            request,
            _(
                "Zusammengeführt: „%(other)s“ ist jetzt Teil von „%(name)s“. Beide Teams "
                "wurden per E-Mail informiert."
            )
            % {"other": merged_away.name, "name": merged.name},
        )
        return redirect("directory:review", slug=merged.slug)
    blocked = None
    for profile in (staying, merged_away):
        if profile.merged_into_id is not None:
            blocked = merging.MergeError(merging.MergeError.Code.MERGED, profile)
    if staying.pk == merged_away.pk:
        blocked = merging.MergeError(merging.MergeError.Code.SAME)
    elif staying.status == Organisation.Status.ARCHIVED:
        blocked = merging.MergeError(merging.MergeError.Code.ARCHIVED, staying)
    revision = merging.open_revision_of(staying, merged_away)
    if blocked is None and revision is not None:
        blocked = merging.MergeError(merging.MergeError.Code.REVISION, revision.organisation)
    return render(
        request,
        "directory/review/merge.html",
        {
            "staying": staying,
            "other": merged_away,
            "form": form,
            "team": merging.team_after(staying, merged_away),
            "moving": merging.moving_counts(merged_away, staying),
            "warnings": merging.warnings(staying, merged_away),
            "blocked": _error_message(blocked) if blocked is not None else "",
        },
        status=400 if form.is_bound else 200,
    )


@permission_required_or_403(REVIEW_PERMISSION)
@require_POST
def distinct(request, slug, other):
    """Mark two profiles as distinct ("keine Dublette")."""
    one, two = _profile(slug), _profile(other)
    if one.pk == two.pk:
        raise Http404
    merging.distinct_mark(one=one, two=two, by=request.user)
    messages.success(
        request,
        _("„%(other)s“ wird für dieses Profil nicht mehr als Dublette vorgeschlagen.")
        % {"other": two.name},
    )
    if request.POST.get("back") == "pairs":
        return redirect("directory:duplicate_pairs")
    return redirect("directory:review", slug=one.slug)


@permission_required_or_403(REVIEW_PERMISSION)
@require_POST
def distinct_undo(request, slug, other):
    """Take a "keine Dublette" mark back."""
    one, two = _profile(slug), _profile(other)
    if merging.distinct_unmark(one=one, two=two):
        messages.success(
            request,
            _("Die Markierung ist aufgehoben: „%(other)s“ wird wieder vorgeschlagen.")
            % {"other": two.name},
        )
    return redirect("directory:review", slug=one.slug)


@permission_required_or_403(REVIEW_PERMISSION)
def pairs(request):
    """Likely duplicate pairs across the directory: the profiles (not archived)
    in pages of PAIRS_PAGE_SIZE by age, each with its candidates (at most 5)
    among the profiles created later (so a pair is listed once); one query per
    profile, bounded. Measured with 100 look-alike names per postal code (300
    profiles): about 2 s for a full page, on SQLite and PostgreSQL."""
    profiles = (
        Organisation.objects.exclude(status=Organisation.Status.ARCHIVED)
        .only(*duplicates.FIELDS, "email")
        .order_by("pk")
    )
    page = Paginator(profiles, PAIRS_PAGE_SIZE).get_page(request.GET.get("page"))
    found = []
    for organisation in page:
        for candidate in duplicates.candidates(
            organisation.name,
            city=organisation.city,
            postal_code=organisation.postal_code,
            website=organisation.website,
            email=organisation.email,
            exclude_pk=organisation.pk,
            newer_than=organisation.pk,
        ):
            found.append((organisation, candidate))
    return render(
        request,
        "directory/review/pairs.html",
        {
            "page": page,
            "pairs": found,
            "page_range": page.paginator.get_elided_page_range(page.number),
        },
    )
