"""Keeping profiles current (issue 19): the coordinators' lists of profiles
without a team, unreachable ones and those not confirmed for 12 months, with
filters and bulk reminders and invitations (carried out by the worker)."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.access import permission_required_or_403
from core.once import forget
from directory import outreach, reach
from directory.access import REVIEW_PERMISSION
from directory.models import Organisation, OutreachJob, TakeoverInvitation, Term
from directory.vocabulary import get_vocabulary


@dataclass
class Row:
    organisation: Organisation
    latest_invitation: TakeoverInvitation | None
    can_letter: bool
    has_team: bool


PER_PAGE = 50
NO_ACTIONS = ("ohne-e-mail", "unerreichbar")  # no e-mail to send a reminder or invitation to
MAX_SELECTED = 500
LETTERS_AT_ONCE = 50  # letters printed from one click (each gets a new code)
TABS = [
    ("ohne-team", gettext_lazy("Ohne Team")),
    ("ohne-e-mail", gettext_lazy("Ohne E-Mail")),
    ("unerreichbar", gettext_lazy("Gar nicht erreichbar")),
    ("nicht-bestaetigt", gettext_lazy("Seit 12 Monaten nicht bestätigt")),
]
INTROS = {
    "ohne-team": gettext_lazy(
        "Veröffentlichte Profile, in denen niemand ein Konto hat. Niemand pflegt sie. "
        "Laden Sie die Organisation ein, ihr Profil zu übernehmen: per E-Mail oder per Brief."
    ),
    "ohne-e-mail": gettext_lazy(
        "Profile ohne Team und ohne E-Mail-Adresse. Keine Nachricht erreicht sie; Anfragen "
        "an sie werden abgelehnt. Mit einer Postanschrift können Sie ihnen einen Brief mit "
        "einem Einladungscode schicken."
    ),
    "unerreichbar": gettext_lazy(
        "Profile ohne Team, ohne E-Mail-Adresse und ohne Postanschrift. Weder E-Mail noch "
        "Brief erreichen sie. Finden Sie eine Adresse heraus und tragen Sie sie im Profil ein."
    ),
    "nicht-bestaetigt": gettext_lazy(
        "Veröffentlichte Profile, die seit über 12 Monaten niemand als aktuell bestätigt hat. "
        "Die Erinnerung geht an das Team; ein Profil ohne Team bekommt eine Einladung an "
        "seine E-Mail-Adresse."
    ),
}


@dataclass
class Filters:
    name: str  # the list (outreach.LISTS)
    state: str  # a state's code, or ""
    source: str  # an import source, or ""
    states: list[Term]
    sources: list[str]

    def query(self, name: str | None = None, **more) -> str:
        params = {"liste": name or self.name}
        if self.state:
            params["land"] = self.state
        if self.source:
            params["quelle"] = self.source
        return urlencode({**params, **more})


def _filters(data) -> Filters:
    name = data.get("liste", "")
    name = name if name in outreach.LISTS else "ohne-team"
    states = {t.code: t for t in get_vocabulary().kind("state")}
    state = data.get("land", "")
    sources = outreach.import_sources()
    source = data.get("quelle", "")
    return Filters(
        name=name,
        state=state if state in states else "",
        source=source if source in sources else "",
        states=list(states.values()),
        sources=sources,
    )


@permission_required_or_403(REVIEW_PERMISSION)
def outreach_lists(request):
    filters = _filters(request.GET)
    name = filters.name
    organisations = outreach.outreach_list(
        name, state=filters.state, source=filters.source
    ).select_related("state")
    if name == "nicht-bestaetigt":
        organisations = organisations.annotate(has_team=reach.active_team())
    page = Paginator(organisations.order_by("name", "pk"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    latest = outreach.latest_invitations([o.pk for o in page])
    rows = [
        Row(o, latest.get(o.pk), outreach.has_postal_address(o), getattr(o, "has_team", False))
        for o in page
    ]
    return render(
        request,
        "portal/outreach.html",
        {
            "tabs": [
                {"name": tab, "label": label, "url": "?" + filters.query(tab)}
                for tab, label in TABS
            ],
            "current": name,
            "intro": INTROS[name],
            "filters": filters,
            "state": filters.state,
            "states": filters.states,
            "page": page,
            "rows": rows,
            "page_query": filters.query(),
            "jobs": OutreachJob.objects.select_related("created_by")[:5],
            "skip_days": outreach.skip_days(),
            "max_selected": MAX_SELECTED,
            "letters_at_once": LETTERS_AT_ONCE,
        },
    )


@permission_required_or_403(REVIEW_PERMISSION)
@require_POST
def outreach_action(request):
    """Queue a bulk reminder or invitation for the selected profiles or for all
    of the filtered list; a second click (same submit key) answers as the first."""
    filters = _filters(request.POST)
    name = filters.name
    back = reverse("outreach") + "?" + filters.query()
    action = request.POST.get("action")
    if action not in OutreachJob.Action.values or name in NO_ACTIONS:
        messages.error(request, _("Bitte wählen Sie eine Aktion."))
        return redirect(back)
    selection: dict = {"list": name, "state": filters.state, "source": filters.source}
    chosen = outreach.outreach_list(name, state=filters.state, source=filters.source)
    if request.POST.get("scope") != "all":
        try:
            ids = sorted({int(pk) for pk in request.POST.getlist("organisation")})
        except ValueError:
            ids = []
        if not ids or len(ids) > MAX_SELECTED:
            messages.error(
                request,
                _("Bitte wählen Sie mindestens ein Profil aus (höchstens %(n)s).")
                % {"n": MAX_SELECTED},
            )
            return redirect(back)
        selection["ids"] = ids  # with the list: the worker takes what was counted here
        chosen = chosen.filter(pk__in=ids)
    total = chosen.count()
    outreach.outreach_queue(action=action, selection=selection, by=request.user)
    messages.success(
        request,
        ngettext(
            "Vorgemerkt für %(total)s Profil. Die E-Mail geht in den nächsten Minuten hinaus, "
            "wenn das Profil nicht kürzlich erinnert oder eingeladen wurde und keine noch "
            "gültige Einladung hat. Das Ergebnis steht unten unter „Letzte Sammelaktionen“.",
            "Vorgemerkt für %(total)s Profile. Die E-Mails gehen in den nächsten Minuten "
            "hinaus. Übersprungen werden Profile, die kürzlich erinnert oder eingeladen wurden "
            "oder eine noch gültige Einladung haben. Das Ergebnis steht unten unter „Letzte "
            "Sammelaktionen“.",
            total,
        )
        % {"total": total},
    )
    return redirect(back)


@never_cache
@permission_required_or_403(REVIEW_PERMISSION)
@require_POST
def outreach_letters(request):
    """Letters to print for the selected profiles without a team and without
    e-mail that have a postal address: a new code each (earlier ones stop
    working), shown only on this page, which is never stored (core.once.forget):
    sending the form again prints new codes."""
    filters = _filters(request.POST)
    back = reverse("outreach") + "?" + filters.query()
    try:
        ids = sorted({int(pk) for pk in request.POST.getlist("organisation")})
    except ValueError:
        ids = []
    if request.POST.get("scope") == "all" or not ids or len(ids) > LETTERS_AT_ONCE:
        messages.error(
            request,
            _("Briefe drucken Sie für ausgewählte Profile, höchstens %(n)s auf einmal.")
            % {"n": LETTERS_AT_ONCE},
        )
        return redirect(back)
    chosen = outreach.outreach_list(
        filters.name, state=filters.state, source=filters.source
    ).filter(pk__in=ids, email="")
    letters, skipped = [], len(ids)
    for organisation in chosen.order_by("postal_code", "name", "pk"):
        try:
            issued = outreach.invitation_issue(
                organisation=organisation,
                channel=TakeoverInvitation.Channel.LETTER,
                by=request.user,
                keep_open=True,
            )
        except outreach.OutreachError:
            continue  # a team meanwhile, no complete postal address, or a letter still valid
        letters.append({"organisation": organisation, "issued": issued})
        skipped -= 1
    response = render(
        request,
        "portal/outreach_letters.html",
        {"letters": letters, "skipped": skipped, "back": back, "code_url": outreach.code_url()},
    )
    return forget(response)
