"""Every form that creates something carries a submit key and creates it once,
however often it is sent (issue 15, "Twice is twice"; core/once.py).

For each such form: the page is loaded as the persona who uses it, the form is
found by its action, and it is sent twice with everything it carries (its
submit key) and the same typed data. The second POST creates nothing and gets
the first answer (the same redirect, or the same page)."""

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from accounts.models import AccountReport
from cooperation.models import CooperationRequest, RequestMessage
from core.once import FIELD
from directory.models import Claim, IdentityVerification, Invitation, Organisation
from directory.vocabulary import get_vocabulary
from finder.models import SavedSearch, ShortlistEntry
from guidance.models import ChapterNote
from mailer.models import OutgoingMail
from portal.models import Feedback
from support.models import Assessment, Expert, Interest, Mentor, SupportOffer
from tests.pages import build_world

pytestmark = pytest.mark.django_db


class _Forms(HTMLParser):
    """The POST forms of a page: action and the values of their hidden inputs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = {"action": attrs.get("action") or "", "hidden": {}}
            self.forms.append(self._form)
        elif tag == "input" and self._form is not None and attrs.get("type") == "hidden":
            self._form["hidden"][attrs.get("name")] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def form_on(client: Client, page: str, action: str | None) -> dict[str, str]:
    """The hidden fields of the form on ``page`` that posts to ``action``."""
    response = client.get(page)
    assert response.status_code == 200, page
    parser = _Forms()
    parser.feed(response.content.decode())
    target = page if action is None else action
    for form in parser.forms:
        if (form["action"] or page) == target:
            hidden = dict(form["hidden"])
            hidden.pop("csrfmiddlewaretoken", None)
            return hidden
    raise AssertionError(f"no form posting to {target} on {page}")


@dataclass
class Case:
    persona: str
    page: Any  # world -> URL of the page with the form
    data: Any  # world -> the typed data
    count: Any  # world -> what the form creates (a number that grows once)
    action: Any = None  # world -> where the form posts (None: the page itself)


def _role(slug):
    return get_vocabulary().get("role", slug).pk


def _mails(world):
    return OutgoingMail.objects.count()


def _request_data(world):
    return {"subject": "Sprachmittlung", "message": "Wir suchen Partner.", "timeframe": "ab Mai"}


def _offer_data(world):
    vocab = get_vocabulary()
    return {
        "provider_organisation": world.mo.pk,
        "title": "Vereinsrecht kompakt",
        "format": vocab.get("support_format", "coaching").pk,
        "description": "Zwei Abende",
        "needs": [vocab.get("need", "foerderantraege").pk],
        "on_request": "on",
        "contact_email": "kurs@example.org",
    }


def _fresh_expert_pool(world):
    Expert.objects.all().delete()
    return {
        "organisation": world.mo.pk,
        "expertise": "Vereinsrecht",
        "availability": "abends",
        "consent": "on",
    }


CASES = {
    "cooperation request": Case(
        "institution",
        lambda w: reverse("cooperation:new", args=[w.mo.slug]),
        _request_data,
        lambda w: (CooperationRequest.objects.count(), _mails(w)),
    ),
    "reply": Case(
        "institution",
        lambda w: w.request.get_absolute_url(),
        lambda w: {"body": "Passt Ihnen Dienstag?"},
        lambda w: (RequestMessage.objects.count(), _mails(w)),
    ),
    "offer interest": Case(
        "editor",
        lambda w: w.offer.get_absolute_url(),
        lambda w: {"organisation": w.mo.pk, "message": "Wir sind interessiert."},
        lambda w: (Interest.objects.count(), _mails(w)),
    ),
    "tandem request": Case(
        "editor",
        lambda w: reverse("support:tandem", args=[Mentor.objects.get().pk]),
        lambda w: {"sender_organisation": w.mo.pk, **_request_data(w)},
        lambda w: (CooperationRequest.objects.count(), _mails(w)),
    ),
    "sign-up": Case(
        "anonymous",
        lambda w: reverse("signup"),
        lambda w: {
            "account_type": "organisation",
            "name": "Nadia Neu",
            "email": "nadia@example.org",
            "password": "ein-langes-passwort-2026",
            "privacy": "on",
        },
        lambda w: (get_user_model().objects.count(), _mails(w)),
    ),
    "new profile": Case(
        "editor",
        lambda w: reverse("directory:new"),
        lambda w: {
            "name": "Neuer Verein e. V.",
            "legal_form": "ev",
            "description": "Neu",
            "postal_code": "19053",
            "city": "Schwerin",
            "state": get_vocabulary().get("state", "mecklenburg-vorpommern").pk,
        },
        lambda w: Organisation.objects.count(),
    ),
    "invitation": Case(
        "editor",
        lambda w: reverse("directory:team", args=[w.mo.slug]),
        lambda w: {"email": "helferin@example.org"},
        lambda w: (Invitation.objects.count(), _mails(w)),
    ),
    "account report": Case(
        "editor",
        lambda w: reverse("cooperation:report", args=[w.request.pk]),
        lambda w: {"reason": "Die Anfrage wirkt nicht wie die einer Behörde."},
        lambda w: (AccountReport.objects.count(), _mails(w)),
    ),
    "answer through the mailed link": Case(
        "anonymous",
        lambda w: w.relay_url,
        lambda w: {"author_name": "Olga Vorstand", "body": "Gern, rufen Sie uns an."},
        lambda w: (RequestMessage.objects.count(), _mails(w)),
    ),
    "claim": Case(
        "institution",
        lambda w: reverse("directory:claim", args=[w.other.slug]),
        lambda w: {"message": "Ich bin die Vorsitzende."},
        lambda w: (Claim.objects.count(), _mails(w)),
    ),
    "guide note": Case(
        "editor",
        lambda w: w.chapter.get_absolute_url(),
        lambda w: {"text": "Mit dem Jobcenter besprechen"},
        lambda w: ChapterNote.objects.count(),
        action=lambda w: reverse("guidance:save_note", args=[w.chapter.slug]),
    ),
    "saved search": Case(
        "institution",
        lambda w: f"{reverse('finder')}?role={_role('informationsvermittler')}",
        lambda w: {"name": "Vermittler"},
        lambda w: SavedSearch.objects.count(),
        action=lambda w: reverse("finder_search_save"),
    ),
    "weekly alert of a saved search": Case(  # a toggle: a double click must not undo it
        "institution",
        lambda w: reverse("finder"),
        lambda w: {},
        lambda w: SavedSearch.objects.filter(alert=True).count(),
        action=lambda w: reverse("finder_search_alert", args=[SavedSearch.objects.get().pk]),
    ),
    "shortlist entry": Case(
        "institution",
        lambda w: w.other.get_absolute_url(),
        lambda w: {},
        lambda w: ShortlistEntry.objects.filter(organisation=w.other).count(),
        action=lambda w: reverse("shortlist_toggle", args=[w.other.slug]),
    ),
    "support offer": Case(
        "editor",
        lambda w: reverse("support:offer_new"),
        _offer_data,
        lambda w: SupportOffer.objects.count(),
    ),
    "expert registration": Case(
        "editor",
        lambda w: reverse("support:expert_register"),
        _fresh_expert_pool,
        lambda w: Expert.objects.count(),
    ),
    "expert contact": Case(
        "institution",
        lambda w: reverse("support:expert_contact", args=[Expert.objects.get().pk]),
        lambda w: {"message": "Können Sie uns zur Anerkennung beraten?"},
        _mails,
    ),
    "needs assessment": Case(
        "editor",
        lambda w: reverse("support:assessments", args=[w.mo.slug]),
        lambda w: {},
        lambda w: Assessment.objects.count(),
        action=lambda w: reverse("support:assessment_start", args=[w.mo.slug]),
    ),
    "identity check": Case(
        "coordinator",
        lambda w: _registered(w),
        lambda w: {"register_checked": "online", "note": "Registerportal"},
        lambda w: IdentityVerification.objects.count(),
    ),
    "feedback": Case(
        "anonymous",
        lambda w: reverse("page", args=["barrierefreiheit"]),
        lambda w: {"message": "Die Schrift ist zu klein.", "page_url": "/"},
        lambda w: Feedback.objects.count(),
    ),
}


def _registered(world) -> str:
    """The identity check page of the world's MO, once it has a register entry."""
    from directory.services import organisation_save

    world.mo.register_court, world.mo.register_number = "Amtsgericht Hamburg", "VR 12345"
    organisation_save(organisation=world.mo, by=None, fields=["register_court", "register_number"])
    return reverse("directory:verify_identity", args=[world.mo.slug])


@pytest.mark.parametrize("name", list(CASES))
def test_a_form_sent_twice_creates_once_and_answers_the_same(name, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = CASES[name]
    world = build_world()
    client = Client()
    if case.persona != "anonymous":
        client.force_login(world.users[case.persona])
    page = case.page(world)
    action = case.action(world) if case.action else None
    hidden = form_on(client, page, action)
    assert hidden.get(FIELD), "the form carries a submit key"
    data = {**hidden, **case.data(world)}
    before = case.count(world)

    first = client.post(action or page, data)
    errors = re.findall(r"invalid-feedback.{0,300}", first.content.decode())
    assert first.status_code in (200, 302), errors
    created = case.count(world)
    assert created != before, "the first POST created something"
    second = client.post(action or page, data)

    assert case.count(world) == created, "the second POST created nothing"
    assert second.status_code == first.status_code
    assert second.get("Location") == first.get("Location")
    if first.status_code == 200:
        assert second.content == first.content
