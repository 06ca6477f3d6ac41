from typing import cast

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from core.concurrency import VersionedFormMixin
from directory.models import Organisation, Term
from directory.vocabulary import get_vocabulary
from guidance.models import Chapter, Item

TAGGABLE_KINDS = [
    Term.Kind.ROLE,
    Term.Kind.RESOURCE,
    Term.Kind.FIELD,
    Term.Kind.NEED,
    Term.Kind.SUPPORT_FORMAT,
    Term.Kind.INSTITUTION_TYPE,
    Term.Kind.TARGET_GROUP,
    Term.Kind.COMMUNITY,
]

MARKDOWN_HELP = _(
    "Markdown: Leerzeile = neuer Absatz, „- “ am Zeilenanfang = Aufzählung, **fett**, "
    "*kursiv*, [Linktext](https://…). HTML wird nicht übernommen."
)


def _term_choices():
    vocab = get_vocabulary()
    labels = dict(Term.Kind.choices)
    return [
        (str(labels[kind]), [(term.pk, term.label) for term in vocab.kind(kind)])
        for kind in TAGGABLE_KINDS
    ]


TRANSLATION_CHECKED = forms.BooleanField(
    label=_("Die englische Fassung entspricht dem deutschen Text"),
    required=False,
    help_text=_("Ankreuzen, wenn Sie die Übersetzung geprüft haben: Sie gilt dann als aktuell."),
)


def _line(label, max_length: int, lang: str, *, required=False, **kwargs) -> forms.CharField:
    """A line of guide text in one language ("de" or "en")."""
    widget = forms.TextInput(attrs={"lang": lang})
    return forms.CharField(
        label=label, max_length=max_length, required=required, widget=widget, **kwargs
    )


def _text(label, rows: int, lang: str, **kwargs) -> forms.CharField:
    """A Markdown text of the guide in one language ("de" or "en"), may stay empty."""
    widget = forms.Textarea(attrs={"rows": rows, "lang": lang})
    return forms.CharField(label=label, widget=widget, required=False, **kwargs)


class ChapterForm(VersionedFormMixin, forms.Form):
    title = _line(_("Titel"), 200, "de", required=True)
    subtitle = _line(_("Untertitel"), 300, "de")
    intro = _text(_("Einleitung"), 8, "de", help_text=MARKDOWN_HELP)
    title_en = _line(_("Titel (Englisch)"), 200, "en")
    subtitle_en = _line(_("Untertitel (Englisch)"), 300, "en")
    intro_en = _text(_("Einleitung (Englisch)"), 8, "en")
    translation_checked = TRANSLATION_CHECKED


class ItemForm(VersionedFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Art"), choices=Item.Kind.choices)
    label = _line(
        _("Kennzeichnung"), 60, "de", help_text=_("Zum Beispiel „These 1“ oder „Empfehlung 2“.")
    )
    title = _line(_("Überschrift"), 300, "de")
    body = _text(_("Text"), 10, "de", help_text=MARKDOWN_HELP)
    label_en = _line(_("Kennzeichnung (Englisch)"), 60, "en")
    title_en = _line(_("Überschrift (Englisch)"), 300, "en")
    body_en = _text(_("Text (Englisch)"), 10, "en")
    translation_checked = TRANSLATION_CHECKED
    terms = forms.TypedMultipleChoiceField(
        label=_("Begriffe"),
        coerce=int,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=_("Mehrere mit Strg (Mac: Cmd) auswählen."),
    )
    features = forms.CharField(
        label=_("Vorgestellte Organisationen"),
        required=False,
        max_length=2000,
        help_text=_(
            "Kurznamen aus der Adresse der Profile, durch Komma getrennt, z. B. „kubi, mozaik“."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["terms"]).choices = _term_choices()

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        if not any(cleaned.get(f) for f in ("label", "title", "body")):
            raise forms.ValidationError(_("Bitte eine Überschrift oder einen Text angeben."))
        return cleaned

    def clean_features(self):
        slugs = [s.strip() for s in self.cleaned_data["features"].split(",") if s.strip()]
        found = dict(Organisation.objects.filter(slug__in=slugs).values_list("slug", "pk"))
        unknown = [s for s in slugs if s not in found]
        if unknown:
            raise forms.ValidationError(
                _("Diese Profile gibt es nicht: %(slugs)s"), params={"slugs": ", ".join(unknown)}
            )
        return [found[s] for s in slugs]

    @classmethod
    def initial_from(cls, data: dict) -> dict:
        initial = {k: v for k, v in data.items() if k not in ("features",)}
        slugs = Organisation.objects.filter(pk__in=data.get("features", [])).values_list(
            "slug", flat=True
        )
        initial["features"] = ", ".join(slugs)
        return initial


class NewItemForm(ItemForm):
    slug = forms.SlugField(
        label=_("Anker"),
        max_length=80,
        required=False,
        help_text=_("Kurzname für Links auf diesen Eintrag. Leer lassen: wird erzeugt."),
    )

    def __init__(self, *args, chapter: Chapter, **kwargs):
        self.chapter = chapter
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        slug = (
            cleaned.get("slug")
            or slugify(
                cleaned.get("label") or cleaned.get("title") or cleaned.get("body", "")[:40]
            )[:70]
        )
        slug = slug or "eintrag"
        base, n = slug, 2
        while self.chapter.items.filter(slug=slug).exists():
            slug = f"{base}-{n}"
            n += 1
        cleaned["slug"] = slug
        return cleaned


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Meine Notizen zu diesem Kapitel"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10000,
        required=False,
        help_text=_("Nur Sie sehen diese Notizen."),
    )
