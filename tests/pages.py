"""A small world with every kind of object, and every page type of the portal
with the role that sees it. Shared by the accessibility, markup and language tests."""

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from accounts import institution_services
from accounts import services as account_services
from accounts.models import OfficialDomain
from accounts.services import verification_token
from cooperation.services import request_decide, request_send
from directory.outreach import invitation_issue
from directory.places import load_places, read_file
from directory.services import identity_verify, organisation_save, revision_save
from directory.team import invitation_send, owner_assign
from directory.vocabulary import get_vocabulary, invalidate_vocabulary
from finder.models import SavedSearch, ShortlistEntry
from finder.services import unsubscribe_token
from guidance.models import Chapter, Item
from mailer.models import OutgoingMail
from portal.models import Page
from portal.page_texts import ensure_pages
from portal.services import feedback_receive
from support import services as support
from support.models import Mentor, SupportOffer
from tests import personas
from tests.events.world import world_event
from tests.factories import make_organisation

GAZETTEER_SAMPLE = Path(__file__).resolve().parent / "fixtures" / "gazetteer-sample.csv"

ROLES = ["anonymous", "institution", "editor", "coordinator"]


@dataclass
class World:
    users: dict
    mo: object
    other: object
    request: object
    assessment: object
    offer: object
    chapter: object
    item: object
    verify_url: str = ""
    relay_url: str = ""  # the one-time link mailed to an MO without a team
    takeover_url: str = ""  # an invitation to take that MO's profile over
    teamless_slug: str = ""
    space_url: str = ""  # the cooperation space of an accepted request to Kontakt e. V.


def build_world() -> World:
    """Everything a page needs; works after a database flush too."""
    call_command("load_vocabulary", verbosity=0)
    invalidate_vocabulary()
    call_command("load_guide", verbosity=0)
    load_places(read_file(GAZETTEER_SAMPLE))
    ensure_pages(Page)
    vocab = get_vocabulary()
    users = {
        "coordinator": personas.create("coordinator"),
        "institution": personas.create("institution"),
        "editor": personas.create("kontakt_owner"),
        "institution_unverified": personas.create("institution_unverified"),
    }
    mo = make_organisation(
        "Kontakt e. V.",
        slug="kontakt",
        city="Schwerin",
        postal_code="19053",
        state="mecklenburg-vorpommern",
        roles=["kooperationspartner", "informationsvermittler"],
        languages=["de", "ru"],
        advice_languages=["ru"],
        resources=["mehrsprachigkeit"],
        communities=["russischsprachige"],
        paid_staff=0,
        description="Wir verbinden russischsprachige Menschen in Schwerin.",
        offers=[{"title": "Erstberatung", "kind": "counselling", "summary": "Montags"}],
    )
    mo.email, mo.phone, mo.street = "info@kontakt.example", "+49 385 123456", "Hauptstraße 1"
    # Its register entry and charitable status, checked by the coordinators (the
    # badge "Identität geprüft" on the profile, the directory and the finder).
    mo.register_court, mo.register_number = "Amtsgericht Schwerin", "VR 1234"
    mo.charitable_status, mo.charitable_notice_date = "yes", datetime.date(2025, 5, 6)
    organisation_save(organisation=mo, by=users["editor"])
    owner_assign(organisation=mo, user=users["editor"])
    identity_verify(organisation=mo, by=users["coordinator"], seen_key=mo.identity_key,
                    register_checked="excerpt", exemption_checked=True)  # fmt: skip
    # Its team's changes wait for review (the edit and review pages show them).
    revision_save(
        organisation=mo,
        by=users["editor"],
        values={"description": "Wir verbinden russischsprachige Menschen in Schwerin und Rostock."},
    )
    other = make_organisation(
        "Club Dialog e. V.",
        slug="club-dialog",
        city="Berlin",
        postal_code="10405",
        state="berlin",
        roles=["kooperationspartner", "projekttraeger"],
        languages=["de", "ru"],
        paid_staff=12,
        email="kontakt@club-dialog.example",  # no team: tandem requests are relayed
    )
    druschba = [
        make_organisation(
            f"Druschba {i} e. V.", roles=["kooperationspartner"], languages=["ru"], city="Rostock"
        )
        for i in range(3)
    ]
    make_organisation("Zur Prüfung e. V.", slug="zur-pruefung", status="in_review")
    cooperation = request_send(
        sender=users["institution"],
        organisation=mo,
        subject="Erstberatung auf Russisch",
        message="Wir suchen einen Partner.",
        timeframe="ab März",
    )
    # The Jobcenter's institution profile, published.
    institution_profile = institution_services.profile_create(
        by=users["institution"],
        values={"name": "Jobcenter Schwerin", "city": "Schwerin", "contact_name": "Jana Berger"},
        offers=["rooms"],
    )
    institution_services.profile_publish(profile=institution_profile, published=True)
    # A second request, accepted: its cooperation space.
    accepted = request_send(
        sender=users["institution"],
        organisation=mo,
        subject="Gemeinsame Sprechstunde",
        message="Gemeinsame Beratung.",
    )
    request_decide(cooperation_request=accepted, by=users["editor"], accept=True)
    assessment = support.assessment_start(organisation=mo, by=users["editor"])
    support.assessment_save(
        assessment=assessment, answers={"antraege": (3, "Hilfe"), "satzung": (1, "")}, submit=True
    )
    offer = SupportOffer.objects.create(
        title="Antragscoaching",
        provider_name="IQ Netzwerk",
        format=vocab.get("support_format", "coaching"),
        description="Coaching für Förderanträge",
        on_request=True,
        contact_email="iq@example.org",
    )
    offer.needs.set([vocab.get("need", "foerderantraege")])
    mentor = Mentor.objects.create(organisation=other, description="Erfahrung", nationwide=True)
    mentor.topics.set([vocab.get("need", "foerderantraege")])
    support.expert_register(
        user=users["editor"],
        organisation=mo,
        data={"expertise": "Anerkennung", "availability": "monatlich", "state": None},
        topics=[],
        languages=[],
    )
    ShortlistEntry.objects.create(user=users["institution"], organisation=mo, note="anrufen")
    SavedSearch.objects.create(
        user=users["institution"], name="Russisch", query="role=1", alert=True
    )  # with the weekly alert: its unsubscribe link is a page type
    chapter = Chapter.objects.get(number=4)
    item = Item.objects.get(chapter=chapter, slug="rolle-kooperationspartner")
    # A pending invitation (the team page shows its withdraw button), stored
    # accessibility feedback (the coordinators' list) and an unverified
    # registration (the form behind its verification link).
    invitation_send(organisation=mo, email="neu@kontakt.example", by=users["editor"], language="de")
    feedback_receive(message="Der Kontrast der Links ist zu schwach.", email="leser@example.org")
    registration = get_user_model().objects.create_user(
        email="registriert@example.org", password="Geheimnis-2026", name="Neu", is_active=False
    )
    verify_url = reverse("verify_email", args=[verification_token(registration)])
    # Verified institutions: the shipped allow-list, a refused institution account
    # (on the coordinators' list) and a report of an account by an MO.
    account_services.official_domains_seed()
    account_services.institution_refuse(
        user=users["institution_unverified"], by=users["coordinator"], reason="Kein Amt erkennbar."
    )
    account_services.account_report(
        account=users["institution_unverified"],
        by=users["editor"],
        organisation=mo,
        reason="Wirkt nicht wie ein Amt.",
        context=cooperation.get_absolute_url(),
    )
    # An imported profile without a team but with an address: a request to it is
    # relayed by mail with a one-time link (the page behind it is a page type).
    teamless = druschba[0]
    teamless.email = "vorstand@druschba.example"
    organisation_save(organisation=teamless, by=None)
    request_send(
        sender=users["institution"],
        organisation=teamless,
        subject="Sprachmittlung",
        message="Können Sie übersetzen?",
    )
    relay_mail = OutgoingMail.objects.filter(template="request-received-relayed").latest("pk")
    relay_url = re.search(r"/anfragen/antwort/\S+/", relay_mail.body_text).group(0)
    issued = invitation_issue(organisation=teamless, channel="email", by=users["coordinator"])
    world = World(
        users,
        mo,
        other,
        cooperation,
        assessment,
        offer,
        chapter,
        item,
        verify_url,
        relay_url,
        takeover_url=reverse("directory:takeover_link", args=[issued.secret]),
        teamless_slug=teamless.slug,
        space_url=reverse("cooperation:space", args=[accepted.pk]),
    )
    world_event(world)  # a Fachtag of Kontakt e. V. in the calendar
    return world


def _alert_unsubscribe_url(world: World) -> str:
    search = SavedSearch.objects.get(user=world.users["institution"])
    return reverse("finder_alert_unsubscribe", args=[search.pk, unsubscribe_token(search)])


def page_types(world: World) -> list[tuple[str, str, str]]:
    """(name, role, url) for every page type; role 'anonymous' pages are public."""
    mo, chapter = world.mo, world.chapter
    role_id = get_vocabulary().get("role", "kooperationspartner").pk
    language_id = get_vocabulary().get("language", "ru").pk
    public = [
        ("home", reverse("home")),
        (
            "directory",
            reverse("directory:organisation_list") + "?role=kooperationspartner&language=ru",
        ),
        ("directory-empty", reverse("directory:organisation_list") + "?q=zzzzzz"),
        ("directory-near", reverse("directory:organisation_list") + "?near=19053&radius=50"),
        ("directory-near-unknown", reverse("directory:organisation_list") + "?near=Atlantis"),
        ("profile", mo.get_absolute_url()),
        ("finder", reverse("finder")),
        (
            "finder-results",
            reverse("finder") + f"?role={role_id}&role_importance=must&languages={language_id}"
            "&languages_importance=nice&place=Schwerin&region_importance=nice&open_only=on"
            "&near=Schwerin&radius=50&near_importance=nice",
        ),
        ("checklist", reverse("finder_checklist")),
        ("guide", reverse("guidance:overview")),
        ("chapter", chapter.get_absolute_url()),
        ("guide-print", reverse("guidance:print")),
        ("glossary", reverse("guidance:glossary")),
        ("guide-search", reverse("guidance:search") + "?q=Kooperation"),
        ("topics", reverse("topics")),
        ("term", reverse("term", args=["rollen", "kooperationspartner"])),
        ("support", reverse("support:catalogue")),
        ("institution-profiles", reverse("institution_profiles") + "?offer=rooms"),
        ("events", reverse("events:calendar") + "?q=Fachtag"),
        ("event", reverse("events:detail", args=[world_event(world).uid])),
        ("institution-profile", reverse("institution_profile", args=["jobcenter-schwerin"])),
        ("offer", world.offer.get_absolute_url()),
        ("accessibility", reverse("page", args=["barrierefreiheit"])),
        ("imprint", reverse("page", args=["impressum"])),
        ("privacy", reverse("page", args=["datenschutz"])),
        ("login", reverse("login")),
        ("signup", reverse("signup")),
        ("password-reset", reverse("password_reset")),
        ("verify-email", world.verify_url),
        ("request-link", world.relay_url),
        ("request-link-claim", world.relay_url + "uebernehmen/"),
        ("takeover-link", world.takeover_url),
        ("alert-unsubscribe", _alert_unsubscribe_url(world)),
    ]
    institution = [
        ("account", reverse("account")),
        ("shortlist", reverse("shortlist")),
        ("inbox", reverse("cooperation:inbox")),
        ("request", world.request.get_absolute_url()),
        ("request-new", reverse("cooperation:new", args=[mo.slug])),
        ("space", world.space_url),
        (
            "institution-profile-edit",
            reverse("institution_profile_edit", args=["jobcenter-schwerin"]),
        ),
        ("experts", reverse("support:experts")),
    ]
    editor = [
        ("account", reverse("account")),
        ("edit", reverse("directory:edit", args=[mo.slug])),
        ("edit-identity", reverse("directory:edit_section", args=[mo.slug, "identitaet"])),
        ("edit-offers", reverse("directory:edit_section", args=[mo.slug, "angebote"])),
        ("edit-capacities", reverse("directory:edit_section", args=[mo.slug, "ressourcen"])),
        ("edit-contact", reverse("directory:edit_section", args=[mo.slug, "kontakt"])),
        ("edit-register", reverse("directory:edit_section", args=[mo.slug, "register"])),
        ("team", reverse("directory:team", args=[mo.slug])),
        ("new-profile", reverse("directory:new")),
        ("inbox", reverse("cooperation:inbox")),
        ("request", world.request.get_absolute_url()),
        ("request-report", reverse("cooperation:report", args=[world.request.pk])),
        ("space", world.space_url),
        ("assessments", reverse("support:assessments", args=[mo.slug])),
        ("assessment-result", reverse("support:result", args=[mo.slug, world.assessment.pk])),
        ("mentors", reverse("support:mentors") + f"?organisation={mo.pk}"),
        ("offer-new", reverse("support:offer_new")),
        ("expert-register", reverse("support:expert_register")),
        ("chapter-notes", chapter.get_absolute_url()),
        ("takeover-code", reverse("directory:takeover_code")),
        ("event-new", reverse("events:new")),
        ("event-edit", reverse("events:edit", args=[world_event(world).uid])),
    ]
    coordinator = [
        ("dashboard", reverse("dashboard")),
        ("operator", reverse("operator_edit")),
        ("review-queue", reverse("directory:review_queue")),
        ("review", reverse("directory:review", args=["zur-pruefung"])),
        ("duplicate-pairs", reverse("directory:duplicate_pairs")),
        ("merge-preview", reverse("directory:merge", args=[world.other.slug, "zur-pruefung"])),
        ("review-revision", reverse("directory:review", args=[mo.slug])),
        ("history", reverse("directory:history", args=[mo.slug])),
        ("identity-check", reverse("directory:verify_identity", args=[mo.slug])),
        ("curate", reverse("guidance:curate")),
        ("curate-chapter", reverse("guidance:curate_chapter", args=[chapter.slug])),
        ("curate-item", reverse("guidance:curate_item", args=[world.item.pk])),
        ("curate-preview", reverse("guidance:curate_preview", args=[chapter.slug])),
        ("curate-history", reverse("guidance:curate_history", args=[chapter.slug])),
        ("page-edit", reverse("page_edit", args=["barrierefreiheit"])),
        ("feedback-list", reverse("feedback_list")),
        ("institutions", reverse("institutions")),
        (
            "institution-decide",
            reverse("institution_decide", args=[world.users["institution_unverified"].pk]),
        ),
        ("official-domains", reverse("official_domains")),
        (
            "official-domain-remove",
            reverse(
                "official_domain_remove",
                args=[OfficialDomain.objects.get(domain="arbeitsagentur.de").pk],
            ),
        ),
        ("account-reports", reverse("account_reports")),
        ("request-worklist", reverse("request_worklist")),
        ("event-feeds", reverse("events:feeds")),
        ("space", world.space_url),
        ("outreach-without-email", reverse("outreach") + "?liste=ohne-e-mail"),
        ("outreach", reverse("outreach") + "?liste=ohne-team"),
        ("outreach-unconfirmed", reverse("outreach") + "?liste=nicht-bestaetigt&land=MV"),
        ("review-teamless", reverse("directory:review", args=[world.teamless_slug])),
        ("profile-unpublished", reverse("directory:organisation_detail", args=["zur-pruefung"])),
    ]
    return (
        [(name, "anonymous", url) for name, url in public]
        + [(name, "institution", url) for name, url in institution]
        + [(name, "editor", url) for name, url in editor]
        + [(name, "coordinator", url) for name, url in coordinator]
    )
