"""The guide's words, explained: a glossary for people who meet "Handlungsfelder",
"Wirkungsbereich" or "Bedarfsermittlung" for the first time (many read German as
a second language). Shown at /leitfaden/glossar/ (guidance.views.glossary) and
linked from the labels that use the words (the template tag ``glossary``).
Kept here, below the guide, because the directory's own labels link to it."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise, lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Entry:
    key: str  # the anchor on the glossary page
    term: str | Promise
    definition: str | Promise


ENTRIES = [
    Entry(
        "migrantenorganisation",
        _("Migrantenorganisation (MO)"),
        _(
            "Ein Verein oder eine Initiative, die Menschen mit Einwanderungsgeschichte "
            "gegründet haben und selbst tragen, zum Beispiel ein Kulturverein, ein "
            "Elternverein oder ein Dachverband."
        ),
    ),
    Entry(
        "regelinstitution",
        _("Regelinstitution"),
        _(
            "Eine öffentliche Stelle mit einem festen Auftrag, zum Beispiel Jobcenter, "
            "Agentur für Arbeit, Kammer oder Wohlfahrtsverband."
        ),
    ),
    Entry(
        "handlungsfelder",
        _("Handlungsfelder"),
        _(
            "Die Themen, in denen eine Organisation arbeitet, zum Beispiel Bildung, "
            "Arbeit und Beruf, Sport oder Kultur."
        ),
    ),
    Entry(
        "wirkungsbereich",
        _("Wirkungsbereich"),
        _(
            "Wo eine Organisation aktiv ist: in ihrem Ort, in ihrer Region, in ihrem "
            "Bundesland oder in ganz Deutschland."
        ),
    ),
    Entry(
        "rollen",
        _("Rollen"),
        _(
            "Was eine Organisation in der Zusammenarbeit übernehmen kann, nach dem "
            "Leitfaden: Informationen vermitteln, Interessen vertreten, als "
            "Kooperationspartner oder Projektträger arbeiten, als Expertengremium beraten."
        ),
    ),
    Entry(
        "expertengremium",
        _("Expertengremium (eine Rolle)"),
        _(
            "Eine Organisation, die ihr Wissen über eine Zielgruppe oder ein Fachthema "
            "in Beiräte, Arbeitskreise oder Programme einbringt."
        ),
    ),
    Entry(
        "beratungssprachen",
        _("Beratungssprachen"),
        _(
            "Die Sprachen, in denen eine Organisation berät. Sie können andere sein "
            "als die Sprachen, die in der Organisation gesprochen werden."
        ),
    ),
    Entry(
        "ressourcen",
        _("Ressourcen"),
        _(
            "Was eine Organisation mitbringt: Zugang zu Menschen, Vertrauen, Sprachen, "
            "Wissen, Räume, Mitarbeitende und Geld."
        ),
    ),
    Entry(
        "hauptamtliche-strukturen",
        _("Hauptamtliche Strukturen"),
        _(
            "Bezahlte Mitarbeitende. Viele Migrantenorganisationen arbeiten nur "
            "ehrenamtlich, also ohne Bezahlung."
        ),
    ),
    Entry(
        "professionalisierung",
        _("Professionalisierung"),
        _(
            "Eine Organisation baut auf, was sie für ihre Ziele braucht, zum Beispiel "
            "Wissen, feste Ansprechpersonen oder Fördermittel. Der Leitfaden betont: "
            "Es geht um Stärken, nicht um Mängel."
        ),
    ),
    Entry(
        "bedarfsermittlung",
        _("Bedarfsermittlung"),
        _(
            "Die Organisation stellt fest, was ihr für ihre Ziele noch fehlt, und "
            "findet so passende Unterstützung. Im Portal: ein kurzer Fragebogen."
        ),
    ),
    Entry(
        "tandem",
        _("Tandem"),
        _(
            "Eine erfahrene Organisation begleitet eine andere für eine Zeit, zum "
            "Beispiel beim ersten Förderantrag."
        ),
    ),
]

BY_KEY = {entry.key: entry for entry in ENTRIES}


def link(key: str, label: object = None) -> SafeString:
    """The label (the term itself by default) linked to its explanation, which is
    also the link's title."""
    entry = BY_KEY[key]
    return format_html(
        '<a class="glossary-link" href="{}#{}" title="{}">{}</a>',
        reverse("guidance:glossary"),
        entry.key,
        entry.definition,
        label if label is not None else entry.term,
    )


def help_link(key: str) -> SafeString:
    """A small "?" after a label or legend, linked to the explanation; its name
    for screen readers asks the question: "Was heißt „Rollen“?"."""
    entry = BY_KEY[key]
    question = gettext("Was heißt „%(term)s“?") % {"term": entry.term}
    return format_html(
        '<a class="glossary-help" href="{}#{}" title="{}">'
        '<span class="kern-icon kern-icon--help icon" aria-hidden="true"></span>'
        '<span class="visually-hidden">{}</span></a>',
        reverse("guidance:glossary"),
        entry.key,
        entry.definition,
        question,
    )


def _with_help_link(text: object, key: str) -> SafeString:
    return format_html("{} {}", text, help_link(key))


# A form's help text followed by the "?" link, in the language of the request
# that renders it (forms render help texts as HTML).
help_text_with_link = lazy(_with_help_link, SafeString)
