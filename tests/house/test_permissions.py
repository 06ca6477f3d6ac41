"""Who may see and do what: every URL pattern of the portal, GET and POST, as
each of five personas, against an expectation table.

The URL patterns come from the URL configuration itself: a pattern without an
entry in ``TABLE`` fails the test, so a new page cannot ship without deciding
who may use it. Every request runs in a transaction that is rolled back, so a
POST (empty form: the permission check, not the action, is under test) leaves
nothing behind for the next one.

Outcomes: "ok" (the persona gets the page or its action: 2xx, a redirect that
is not to the login page, or 400 for the empty form), "login" (redirect to the
login page), "deny" (403 or 404: 404 where the existence of the object is not
to be revealed), "405" (method not allowed). Unpublished objects have their own,
exact table at the end (``UNPUBLISHED``): 404 to whom may not see them, never 403.
"""

import copy
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import OfficialDomain
from accounts.services import verification_token
from cooperation.models import CooperationRequest
from directory import team
from directory.models import Claim, Membership
from finder.models import SavedSearch, ShortlistEntry
from finder.services import unsubscribe_token
from guidance.models import Chapter, Item
from intake.models import ImportJob
from opendata.hsds import uid
from support.models import Expert, Mentor
from tests import personas
from tests.events.world import world_event, world_feed
from tests.pages import build_world

# "institution_unverified" signed up as an institution with a free-mail address and
# confirmed it: not verified, so it is treated like a signed-in non-institution user
# (it gets what ``others`` get wherever "institution" is singled out).
PERSONAS = [
    "anonymous",
    "institution",
    "institution_unverified",
    "editor_a",
    "editor_b",
    "coordinator",
]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@dataclass
class Objects:
    world: object
    claim: object
    invitation_token: str
    invitation: object
    member: object
    history_id: int
    chapter_history: int
    item_history: int
    mentor: object
    expert: object
    entry: object
    search: object
    verify_token: str
    reset: tuple
    import_job: object


def build():
    world = build_world()
    User = get_user_model()
    users = world.users
    users["editor_a"] = users["editor"]
    users["editor_b"] = personas.create("editor_b")
    Membership.objects.create(user=users["editor_b"], organisation=world.other, role="owner")
    claimant = User.objects.create_user(email="claim@example.org", password="pw", name="C")
    claim = Claim.objects.create(organisation=world.other, user=claimant, message="meins")
    invitation = team.invitation_send(
        organisation=world.mo, email="neu@example.org", by=users["editor_a"], language="de"
    )
    helper = User.objects.create_user(email="helfer@example.org", password="pw", name="H")
    member = Membership.objects.create(user=helper, organisation=world.mo, role="editor")
    call_command("export_open_data", verbosity=0)
    # The cooperation space gets a milestone, an allowance and a document.
    from cooperation.models import Cooperation, SpaceDocument

    space = Cooperation.objects.get(request_id=resolve(world.space_url).kwargs["pk"])
    space.milestones.create(title="Infoabend", due_on="2027-03-01")
    space.allowances.create(purpose="Sprachmittlung", amount=20)
    SpaceDocument.objects.create(
        cooperation=space, name="a.pdf", content_type="application/pdf", size=5, content=b"%PDF-"
    )
    pending = User.objects.create_user(
        email="offen@example.org", password="pw", name="O", is_active=False
    )
    return Objects(
        world=world,
        claim=claim,
        invitation_token=team.invitation_token(invitation),
        invitation=invitation,
        member=member,
        history_id=world.mo.history.order_by("history_id").first().history_id,
        chapter_history=world.chapter.history.first().history_id,
        item_history=world.item.history.first().history_id,
        mentor=Mentor.objects.get(),
        expert=Expert.objects.get(),
        entry=ShortlistEntry.objects.get(),
        search=SavedSearch.objects.get(),
        verify_token=verification_token(pending),
        reset=(
            urlsafe_base64_encode(force_bytes(users["institution"].pk)),
            default_token_generator.make_token(users["institution"]),
        ),
        import_job=ImportJob.objects.create(
            source_name="Liste",
            file_name="liste.csv",
            state=ImportJob.State.CHECKED,
            header=["Name"],
            mapping={"columns": {"0": "name"}, "values": {}},
        ),
    )


def _url(name, *args):
    return lambda o: reverse(name, args=[a(o) if callable(a) else a for a in args])


def _path(path):
    return lambda o: path


# Access levels, as {persona: outcome} for GET and POST.
def level(**outcomes):
    return {p: outcomes.get(p, outcomes.get("others")) for p in PERSONAS}


PUBLIC = level(others="ok")
SIGNED_IN = level(anonymous="login", others="ok")
COORDINATOR = level(anonymous="login", others="deny", coordinator="ok")
MO_A = level(anonymous="login", others="deny", editor_a="ok", coordinator="ok")
MO_A_ONLY = level(anonymous="login", others="deny", editor_a="ok")
# MO teams and coordinators (institution accounts have no MO).
EDITORS = level(anonymous="login", institution="deny", institution_unverified="deny", others="ok")
PARTIES = level(anonymous="login", institution="ok", editor_a="ok", others="deny")
ADMIN = level(others="login")
NO = level(others="405")
NO_ANON = level(anonymous="login", others="405")

INSTITUTIONS = level(anonymous="login", others="deny", institution="ok")
MO_MEMBERS = level(anonymous="login", others="deny", editor_a="ok", editor_b="ok")
EXPERT_POOL = level(anonymous="login", others="deny", institution="ok", coordinator="ok")


def post_only(allowed):
    """GET on a POST-only URL: 405 for whom the POST is allowed; the others are
    turned away before the method is looked at."""
    return {p: "405" if outcome == "ok" else outcome for p, outcome in allowed.items()}


mo = lambda o: o.world.mo.slug  # noqa: E731


def institution_profile(users, *, published=True) -> str:
    """The slug of the Jobcenter's institution profile (its editor: "institution"),
    published or a draft; made on first use."""
    from accounts import institution_services
    from accounts.models import InstitutionProfile

    name = "Jobcenter Schwerin" if published else "Jobcenter Schwerin Entwurf"
    found = InstitutionProfile.objects.filter(name=name).first()
    if found is None:
        found = institution_services.profile_create(
            by=users["institution"], values={"name": name}, offers=["rooms"]
        )
        institution_services.profile_publish(profile=found, published=published)
    return found.slug


inst = lambda o: institution_profile(o.world.users)  # noqa: E731
# Institution profiles: their verified editors and the coordinators.
INSTITUTION_EDITORS = level(anonymous="login", others="deny", institution="ok", coordinator="ok")
other = lambda o: o.world.other.slug  # noqa: E731


def space_objects(o) -> dict:
    """The world's cooperation space (an accepted request of the Jobcenter to
    Kontakt e. V.) and what ``build`` put into it."""
    from cooperation.models import Cooperation

    pk = resolve(o.world.space_url).kwargs["pk"]
    cooperation = Cooperation.objects.get(request_id=pk)
    return {
        "pk": pk,
        "entry": cooperation.checklist.first().pk,
        "milestone": cooperation.milestones.get().pk,
        "allowance": cooperation.allowances.get().pk,
        "document": cooperation.documents.get().pk,
    }


def _space(name, *keys):
    return _url(
        name,
        lambda o: space_objects(o)["pk"],
        *[(lambda o, key=key: space_objects(o)[key]) for key in keys],
    )


# The space of an accepted request: both sides; coordinators read.
SPACE_READERS = level(
    anonymous="login", institution="ok", editor_a="ok", coordinator="ok", others="deny"
)

# URL name (or, for unnamed patterns, the route) -> (URL builder, GET, POST).
TABLE = {
    "home": (_url("home"), PUBLIC, PUBLIC),
    "favicon.ico": (_path("/favicon.ico"), PUBLIC, PUBLIC),
    "healthz": (_url("healthz"), PUBLIC, PUBLIC),
    "switch_language": (_url("switch_language", "en"), PUBLIC, PUBLIC),
    "export_csv": (_url("export_csv"), PUBLIC, PUBLIC),
    "export_json": (_url("export_json"), PUBLIC, PUBLIC),
    "export_xlsx": (_url("export_xlsx"), PUBLIC, PUBLIC),
    "widget": (_url("widget"), PUBLIC, PUBLIC),
    # Directory
    "directory:organisation_list": (_url("directory:organisation_list"), PUBLIC, PUBLIC),
    "directory:organisation_map": (_url("directory:organisation_map"), PUBLIC, NO),
    "directory:organisation_detail": (_url("directory:organisation_detail", mo), PUBLIC, PUBLIC),
    "directory:new": (_url("directory:new"), SIGNED_IN, SIGNED_IN),
    "directory:review_queue": (_url("directory:review_queue"), COORDINATOR, COORDINATOR),
    "directory:claim_decide": (
        _url("directory:claim_decide", lambda o: o.claim.pk),
        post_only(COORDINATOR),
        COORDINATOR,
    ),
    "directory:invitation_accept": (
        _url("directory:invitation_accept", lambda o: o.invitation_token),
        SIGNED_IN,
        SIGNED_IN,
    ),
    "directory:edit": (_url("directory:edit", mo), MO_A_ONLY, MO_A_ONLY),
    "directory:edit_section": (
        _url("directory:edit_section", mo, "identitaet"),
        MO_A_ONLY,
        MO_A_ONLY,
    ),
    "directory:submit": (_url("directory:submit", mo), post_only(MO_A_ONLY), MO_A_ONLY),
    "directory:confirm": (_url("directory:confirm", mo), post_only(MO_A_ONLY), MO_A_ONLY),
    "directory:revision_discard": (
        _url("directory:revision_discard", mo),
        post_only(MO_A_ONLY),
        MO_A_ONLY,
    ),
    "directory:archive": (_url("directory:archive", mo), post_only(MO_A_ONLY), MO_A_ONLY),
    "directory:team": (_url("directory:team", mo), MO_A_ONLY, MO_A_ONLY),
    "directory:team_remove": (
        _url("directory:team_remove", mo, lambda o: o.member.pk),
        post_only(MO_A_ONLY),
        MO_A_ONLY,
    ),
    "directory:team_transfer": (
        _url("directory:team_transfer", mo, lambda o: o.member.pk),
        post_only(MO_A_ONLY),
        MO_A_ONLY,
    ),
    "directory:invitation_withdraw": (
        _url("directory:invitation_withdraw", mo, lambda o: o.invitation.pk),
        post_only(MO_A_ONLY),
        MO_A_ONLY,
    ),
    "directory:claim": (_url("directory:claim", other), SIGNED_IN, SIGNED_IN),
    # Invitations to take over a profile without a team (issue 19): the link and
    # the code page are public (they say what to do; signed out, the invitation
    # is kept in the session while the person signs up or in); the page that
    # continues after sign-up is public (empty session: on to the code page);
    # taking over needs an account; only coordinators send invitations.
    "directory:takeover_link": (lambda o: o.world.takeover_url, PUBLIC, PUBLIC),
    "directory:takeover_resume": (_url("directory:takeover_resume"), PUBLIC, PUBLIC),
    "directory:takeover_code": (_url("directory:takeover_code"), PUBLIC, PUBLIC),
    "directory:takeover_invite": (
        _url("directory:takeover_invite", lambda o: o.world.teamless_slug),
        post_only(COORDINATOR),
        COORDINATOR,
    ),
    "directory:review": (_url("directory:review", "zur-pruefung"), COORDINATOR, COORDINATOR),
    "directory:history": (_url("directory:history", mo), COORDINATOR, COORDINATOR),
    "directory:verify_identity": (
        _url("directory:verify_identity", mo),
        COORDINATOR,
        COORDINATOR,
    ),
    "directory:restore": (
        _url("directory:restore", mo, lambda o: o.history_id),
        post_only(COORDINATOR),
        COORDINATOR,
    ),
    "directory:assign_owner": (
        _url("directory:assign_owner", other),
        post_only(COORDINATOR),
        COORDINATOR,
    ),
    "directory:duplicate_pairs": (_url("directory:duplicate_pairs"), COORDINATOR, COORDINATOR),
    "directory:merge": (_url("directory:merge", mo, other), COORDINATOR, COORDINATOR),
    "directory:distinct": (
        _url("directory:distinct", mo, other),
        post_only(COORDINATOR),
        COORDINATOR,
    ),
    "directory:distinct_undo": (
        _url("directory:distinct_undo", mo, other),
        post_only(COORDINATOR),
        COORDINATOR,
    ),
    # Open data
    "api-schema": (_url("api-schema"), PUBLIC, NO),
    "api-docs": (_url("api-docs"), PUBLIC, NO),
    "api-root": (_path("/api/"), PUBLIC, NO),
    "organisation-list": (_path("/api/organisations/"), PUBLIC, NO),
    "organisation-detail": (lambda o: f"/api/organisations/{o.world.mo.slug}/", PUBLIC, NO),
    "term-list": (_path("/api/terms/"), PUBLIC, NO),
    "term-detail": (lambda o: f"/api/terms/{o.world.mo.roles.first().pk}/", PUBLIC, NO),
    "chapter-list": (_path("/api/guide/chapters/"), PUBLIC, NO),
    "chapter-detail": (lambda o: f"/api/guide/chapters/{o.world.chapter.slug}/", PUBLIC, NO),
    "item-list": (_path("/api/guide/items/"), PUBLIC, NO),
    "item-detail": (lambda o: f"/api/guide/items/{o.world.item.pk}/", PUBLIC, NO),
    "support-offer-list": (_path("/api/support-offers/"), PUBLIC, NO),
    "support-offer-detail": (
        lambda o: f"/api/support-offers/{o.world.offer.pk}/",
        PUBLIC,
        NO,
    ),
    "dcat-catalog": (_url("dcat-catalog"), PUBLIC, NO),
    "hsds-info": (_url("hsds-info"), PUBLIC, NO),
    "hsds-openapi": (_url("hsds-openapi"), PUBLIC, NO),
    "hsds-organizations": (_url("hsds-organizations"), PUBLIC, NO),
    "hsds-organization": (
        _url("hsds-organization", lambda o: o.world.mo.uuid),
        PUBLIC,
        NO,
    ),
    "hsds-services": (_url("hsds-services"), PUBLIC, NO),
    "hsds-service": (
        _url("hsds-service", lambda o: o.world.mo.offers.first().uuid),
        PUBLIC,
        NO,
    ),
    "hsds-service-at-locations": (_url("hsds-service-at-locations"), PUBLIC, NO),
    "hsds-service-at-location": (
        _url(
            "hsds-service-at-location",
            lambda o: uid("service_at_location", o.world.mo.offers.first().uuid),
        ),
        PUBLIC,
        NO,
    ),
    "hsds-taxonomies": (_url("hsds-taxonomies"), PUBLIC, NO),
    "hsds-taxonomy": (_url("hsds-taxonomy", lambda o: uid("taxonomy", "role")), PUBLIC, NO),
    "hsds-taxonomy-terms": (_url("hsds-taxonomy-terms"), PUBLIC, NO),
    "hsds-taxonomy-term": (
        _url("hsds-taxonomy-term", lambda o: uid("term", o.world.mo.roles.first().pk)),
        PUBLIC,
        NO,
    ),
    "hsds-dump": (_url("hsds-dump", "hsds.json"), PUBLIC, NO),
    # Guide
    "guidance:overview": (_url("guidance:overview"), PUBLIC, PUBLIC),
    "guidance:print": (_url("guidance:print"), PUBLIC, PUBLIC),
    "guidance:glossary": (_url("guidance:glossary"), PUBLIC, PUBLIC),
    "guidance:search": (_url("guidance:search"), PUBLIC, PUBLIC),
    "guidance:chapter": (_url("guidance:chapter", lambda o: o.world.chapter.slug), PUBLIC, PUBLIC),
    "guidance:save_note": (
        _url("guidance:save_note", lambda o: o.world.chapter.slug),
        post_only(SIGNED_IN),
        SIGNED_IN,
    ),
    "guidance:curate": (_url("guidance:curate"), COORDINATOR, COORDINATOR),
    "guidance:curate_chapter": (
        _url("guidance:curate_chapter", lambda o: o.world.chapter.slug),
        COORDINATOR,
        COORDINATOR,
    ),
    "guidance:curate_preview": (
        _url("guidance:curate_preview", lambda o: o.world.chapter.slug),
        COORDINATOR,
        COORDINATOR,
    ),
    "guidance:curate_publish": (
        _url("guidance:curate_publish", lambda o: o.world.chapter.slug),
        post_only(COORDINATOR),
        COORDINATOR,
    ),
    "guidance:curate_discard": (
        _url("guidance:curate_discard", lambda o: o.world.chapter.slug),
        post_only(COORDINATOR),
        COORDINATOR,
    ),
    "guidance:curate_item_new": (
        _url("guidance:curate_item_new", lambda o: o.world.chapter.slug),
        COORDINATOR,
        COORDINATOR,
    ),
    "guidance:curate_history": (
        _url("guidance:curate_history", lambda o: o.world.chapter.slug),
        COORDINATOR,
        COORDINATOR,
    ),
    "guidance:curate_item": (
        _url("guidance:curate_item", lambda o: o.world.item.pk),
        COORDINATOR,
        COORDINATOR,
    ),
    "guidance:curate_item_remove": (
        _url("guidance:curate_item_remove", lambda o: o.world.item.pk),
        post_only(COORDINATOR),
        COORDINATOR,
    ),
    "guidance:curate_item_move": (
        _url("guidance:curate_item_move", lambda o: o.world.item.pk),
        post_only(COORDINATOR),
        COORDINATOR,
    ),
    "guidance:curate_version": (
        _url("guidance:curate_version", "kapitel", lambda o: o.chapter_history),
        COORDINATOR,
        COORDINATOR,
    ),
    "guidance:curate_version_restore": (
        _url("guidance:curate_version_restore", "eintrag", lambda o: o.item_history),
        post_only(COORDINATOR),
        COORDINATOR,
    ),
    # Cooperation requests
    "cooperation:inbox": (_url("cooperation:inbox"), SIGNED_IN, SIGNED_IN),
    "cooperation:new": (_url("cooperation:new", mo), INSTITUTIONS, INSTITUTIONS),
    "cooperation:detail": (
        _url("cooperation:detail", lambda o: o.world.request.pk),
        PARTIES,
        PARTIES,
    ),
    "cooperation:report": (  # the receiving MO reports the sending account
        _url("cooperation:report", lambda o: o.world.request.pk),
        level(anonymous="login", others="deny", editor_a="ok"),
        level(anonymous="login", others="deny", editor_a="ok"),
    ),
    "cooperation:decide": (
        _url("cooperation:decide", lambda o: o.world.request.pk),
        NO_ANON,
        level(anonymous="login", others="deny", editor_a="ok"),
    ),
    # The one-time link mailed to an MO without a team: whoever holds it (no account).
    "cooperation:space": (_space("cooperation:space"), SPACE_READERS, NO_ANON),
    "cooperation:space_plan": (_space("cooperation:space_plan"), post_only(PARTIES), PARTIES),
    "cooperation:space_checklist": (
        _space("cooperation:space_checklist", "entry"),
        post_only(PARTIES),
        PARTIES,
    ),
    "cooperation:space_milestones": (
        _space("cooperation:space_milestones"),
        post_only(PARTIES),
        PARTIES,
    ),
    "cooperation:space_milestone": (
        _space("cooperation:space_milestone", "milestone"),
        post_only(PARTIES),
        PARTIES,
    ),
    "cooperation:space_allowances": (
        _space("cooperation:space_allowances"),
        post_only(PARTIES),
        PARTIES,
    ),
    "cooperation:space_allowance": (
        _space("cooperation:space_allowance", "allowance"),
        post_only(PARTIES),
        PARTIES,
    ),
    "cooperation:space_documents": (
        _space("cooperation:space_documents"),
        post_only(PARTIES),
        PARTIES,
    ),
    "cooperation:space_document": (
        _space("cooperation:space_document", "document"),
        SPACE_READERS,
        PARTIES,
    ),
    "cooperation:space_close": (_space("cooperation:space_close"), post_only(PARTIES), PARTIES),
    "cooperation:space_reference": (
        _space("cooperation:space_reference"),
        post_only(PARTIES),
        PARTIES,
    ),
    "cooperation:relay": (lambda o: o.world.relay_url, PUBLIC, PUBLIC),
    "cooperation:relay_claim": (
        lambda o: o.world.relay_url + "uebernehmen/",
        PUBLIC,
        level(anonymous="login", others="ok"),  # the claim itself needs an account
    ),
    # Support
    "support:catalogue": (_url("support:catalogue"), PUBLIC, PUBLIC),
    "support:offer": (
        _url("support:offer", lambda o: o.world.offer.pk),
        PUBLIC,
        level(others="deny", editor_a="ok", editor_b="ok"),  # interest, for an MO
    ),
    "support:offer_new": (_url("support:offer_new"), EDITORS, EDITORS),
    "support:offer_edit": (
        _url("support:offer_edit", lambda o: o.world.offer.pk),
        COORDINATOR,
        COORDINATOR,
    ),
    "support:assessments": (_url("support:assessments", mo), MO_A, MO_A),
    "support:assessment_start": (
        _url("support:assessment_start", mo),
        post_only(MO_A_ONLY),
        MO_A_ONLY,
    ),
    "support:assessment": (
        _url("support:assessment", mo, lambda o: o.world.assessment.pk),
        MO_A,
        MO_A,
    ),
    "support:result": (
        _url("support:result", mo, lambda o: o.world.assessment.pk),
        MO_A,
        MO_A,
    ),
    "support:mentors": (_url("support:mentors"), SIGNED_IN, SIGNED_IN),
    "support:tandem": (
        _url("support:tandem", lambda o: o.mentor.pk),  # the mentor is MO B's
        MO_A_ONLY,
        MO_A_ONLY,
    ),
    "support:mentor_edit": (_url("support:mentor_edit", mo), MO_A_ONLY, MO_A_ONLY),
    "support:experts": (_url("support:experts"), EXPERT_POOL, EXPERT_POOL),  # for institutions
    "support:expert_register": (_url("support:expert_register"), MO_MEMBERS, MO_MEMBERS),
    "support:expert_withdraw": (_url("support:expert_withdraw"), SIGNED_IN, SIGNED_IN),
    "support:expert_contact": (
        _url("support:expert_contact", lambda o: o.expert.pk),
        EXPERT_POOL,
        EXPERT_POOL,
    ),
    # Events: calendar, pages and feeds public; announcing for the teams of published
    # MOs, verified institutions and coordinators; editing and cancelling for the
    # creator, the MO's team and coordinators; hiding for coordinators.
    "events:calendar": (_url("events:calendar"), PUBLIC, NO),
    "events:feed": (_url("events:feed"), PUBLIC, NO),
    "events:organisation_feed": (_url("events:organisation_feed", mo), PUBLIC, NO),
    "events:detail": (_url("events:detail", lambda o: world_event(o.world).uid), PUBLIC, NO),
    "events:new": (
        _url("events:new"),
        level(anonymous="login", institution_unverified="deny", others="ok"),
        level(anonymous="login", institution_unverified="deny", others="ok"),
    ),
    "events:edit": (_url("events:edit", lambda o: world_event(o.world).uid), MO_A, MO_A),
    "events:cancel": (_url("events:cancel", lambda o: world_event(o.world).uid), MO_A, MO_A),
    "events:hide": (
        _url("events:hide", lambda o: world_event(o.world).uid),
        post_only(COORDINATOR),
        COORDINATOR,
    ),
    "events:feeds": (_url("events:feeds"), COORDINATOR, COORDINATOR),
    "events:feed_edit": (
        _url("events:feed_edit", lambda o: world_feed(o.world).pk),
        COORDINATOR,
        COORDINATOR,
    ),
    # Coordination, text pages, topics
    "dashboard": (_url("dashboard"), COORDINATOR, COORDINATOR),
    "dashboard_csv": (_url("dashboard_csv"), COORDINATOR, COORDINATOR),
    "page": (_url("page", "impressum"), PUBLIC, PUBLIC),
    "page_edit": (_url("page_edit", "impressum"), COORDINATOR, COORDINATOR),
    "feedback_list": (_url("feedback_list"), COORDINATOR, COORDINATOR),
    "operator_edit": (_url("operator_edit"), COORDINATOR, COORDINATOR),
    "institutions": (_url("institutions"), COORDINATOR, COORDINATOR),
    "institution_decide": (
        _url("institution_decide", lambda o: o.world.users["institution_unverified"].pk),
        COORDINATOR,
        COORDINATOR,
    ),
    # Institution profiles (what institutions offer MOs): public list and pages;
    # creating for verified institutions, editing for their editors and coordinators.
    "institution_profiles": (_url("institution_profiles"), PUBLIC, NO),
    "institution_profile": (_url("institution_profile", inst), PUBLIC, NO),
    "institution_profile_new": (_url("institution_profile_new"), INSTITUTIONS, INSTITUTIONS),
    "institution_profile_edit": (
        _url("institution_profile_edit", inst),
        INSTITUTION_EDITORS,
        INSTITUTION_EDITORS,
    ),
    "institution_profile_editors": (
        _url("institution_profile_editors", inst),
        INSTITUTION_EDITORS,
        INSTITUTION_EDITORS,
    ),
    "institution_profile_publish": (
        _url("institution_profile_publish", inst),
        post_only(INSTITUTION_EDITORS),
        INSTITUTION_EDITORS,
    ),
    "official_domains": (_url("official_domains"), COORDINATOR, COORDINATOR),
    "official_domain_remove": (
        _url("official_domain_remove", lambda o: OfficialDomain.objects.get(domain="ihk.de").pk),
        COORDINATOR,
        COORDINATOR,
    ),
    "account_reports": (_url("account_reports"), COORDINATOR, COORDINATOR),
    "request_worklist": (_url("request_worklist"), COORDINATOR, COORDINATOR),
    "unreachable": (_url("unreachable"), COORDINATOR, COORDINATOR),
    "outreach": (_url("outreach"), COORDINATOR, COORDINATOR),
    "outreach_action": (_url("outreach_action"), post_only(COORDINATOR), COORDINATOR),
    "outreach_letters": (_url("outreach_letters"), post_only(COORDINATOR), COORDINATOR),
    # Import of MO lists: coordinators only.
    "intake:list": (_url("intake:list"), COORDINATOR, COORDINATOR),
    "intake:job": (_url("intake:job", lambda o: o.import_job.pk), COORDINATOR, COORDINATOR),
    "intake:mapping": (
        _url("intake:mapping", lambda o: o.import_job.pk),
        COORDINATOR,
        COORDINATOR,
    ),
    "intake:remap": (
        _url("intake:remap", lambda o: o.import_job.pk),
        post_only(COORDINATOR),
        COORDINATOR,
    ),
    "intake:resolve": (
        _url("intake:resolve", lambda o: o.import_job.pk),
        post_only(COORDINATOR),
        COORDINATOR,
    ),
    "intake:start": (
        _url("intake:start", lambda o: o.import_job.pk),
        post_only(COORDINATOR),
        COORDINATOR,
    ),
    "intake:undo": (
        _url("intake:undo", lambda o: o.import_job.pk),
        post_only(COORDINATOR),
        COORDINATOR,
    ),
    "intake:delete": (
        _url("intake:delete", lambda o: o.import_job.pk),
        COORDINATOR,
        COORDINATOR,
    ),
    "topics": (_url("topics"), PUBLIC, PUBLIC),
    "term": (_url("term", "rollen", "kooperationspartner"), PUBLIC, PUBLIC),
    # Partner finder and shortlist
    "finder": (_url("finder"), PUBLIC, PUBLIC),
    "finder_checklist": (_url("finder_checklist"), PUBLIC, PUBLIC),
    "shortlist": (_url("shortlist"), INSTITUTIONS, INSTITUTIONS),
    "shortlist_csv": (_url("shortlist_csv"), INSTITUTIONS, INSTITUTIONS),
    "shortlist_toggle": (_url("shortlist_toggle", mo), post_only(INSTITUTIONS), INSTITUTIONS),
    "shortlist_note": (
        _url("shortlist_note", lambda o: o.entry.pk),
        post_only(level(anonymous="login", others="deny", institution="ok")),
        level(anonymous="login", others="deny", institution="ok"),
    ),
    "finder_search_save": (_url("finder_search_save"), post_only(INSTITUTIONS), INSTITUTIONS),
    "finder_search_delete": (
        _url("finder_search_delete", lambda o: o.search.pk),
        post_only(level(anonymous="login", others="deny", institution="ok")),
        level(anonymous="login", others="deny", institution="ok"),
    ),
    "finder_search_alert": (
        _url("finder_search_alert", lambda o: o.search.pk),
        post_only(level(anonymous="login", others="deny", institution="ok")),
        level(anonymous="login", others="deny", institution="ok"),
    ),
    # The unsubscribe link of an alert mail: whoever holds it (no account); GET asks.
    "finder_alert_unsubscribe": (
        lambda o: reverse(
            "finder_alert_unsubscribe", args=[o.search.pk, unsubscribe_token(o.search)]
        ),
        PUBLIC,
        PUBLIC,
    ),
    # Accounts
    "account": (_url("account"), SIGNED_IN, SIGNED_IN),
    "signup": (_url("signup"), PUBLIC, PUBLIC),
    "verify_email": (_url("verify_email", lambda o: o.verify_token), PUBLIC, PUBLIC),
    "resend_verification": (_url("resend_verification"), PUBLIC, PUBLIC),
    "login": (_url("login"), PUBLIC, PUBLIC),
    "logout": (_url("logout"), NO, PUBLIC),
    "export_data": (_url("export_data"), SIGNED_IN, SIGNED_IN),
    "delete_account": (_url("delete_account"), SIGNED_IN, SIGNED_IN),
    "password_change": (_url("password_change"), SIGNED_IN, SIGNED_IN),
    "password_change_done": (_url("password_change_done"), SIGNED_IN, NO_ANON),
    "password_reset": (_url("password_reset"), PUBLIC, PUBLIC),
    "password_reset_done": (_url("password_reset_done"), PUBLIC, NO),
    "password_reset_confirm": (
        lambda o: reverse("password_reset_confirm", args=o.reset),
        PUBLIC,
        PUBLIC,
    ),
    "password_reset_complete": (_url("password_reset_complete"), PUBLIC, NO),
    # Django's admin: only for staff, which none of the personas is.
    "admin:*": (None, ADMIN, ADMIN),
    "media/<path:path>": (None, None, None),  # served by the web server in production
}


def url_patterns(patterns=None, prefix="", namespace=""):
    """(key, route) for every pattern: the URL name (namespaced) or the route."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}{pattern.namespace}:"
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            key = f"{namespace}{pattern.name}" if pattern.name else route
            if key.startswith("admin:") or route.startswith("admin/"):
                key = "admin:*"
            yield key, route


def outcome(response) -> str:
    status = response.status_code
    location = response.get("Location", "")
    if status in (301, 302) and (reverse("login") in location or "/admin/login/" in location):
        return "login"
    if status == 405:
        return "405"
    if status in (403, 404):
        return "deny"
    if status < 400 or status == 400:
        return "ok"
    return str(status)


ADMIN_URLS = [
    "/admin/",
    "/admin/directory/organisation/",
    "/admin/directory/organisation/{mo}/change/",
    "/admin/portal/user/",
    "/admin/auth/group/",
]


def test_every_url_pattern_has_an_expectation():
    keys = {key for key, _route in url_patterns()}
    missing = sorted(keys - set(TABLE))
    unknown = sorted(set(TABLE) - keys - {"media/<path:path>"})
    assert not missing, f"URL patterns without an entry in the permission table: {missing}"
    assert not unknown, f"Entries for URL patterns that no longer exist: {unknown}"


def test_every_url_and_method_as_every_persona():
    objects = build()
    users = objects.world.users
    clients = {"anonymous": Client()}
    for persona in PERSONAS[1:]:
        clients[persona] = Client()
        clients[persona].force_login(users[persona])
    requests = []
    for key, (builder, get_level, post_level) in TABLE.items():
        if key == "admin:*":
            for url in ADMIN_URLS:
                requests.append((key, url.format(mo=objects.world.mo.pk), get_level, post_level))
        elif builder is not None:
            requests.append((key, builder(objects), get_level, post_level))
    mismatches = []
    for key, url, get_level, post_level in requests:
        for method, expected_level in (("GET", get_level), ("POST", post_level)):
            for persona in PERSONAS:
                client = clients[persona]
                cookies = copy.deepcopy(client.cookies)  # a logout must not carry over
                cache.clear()  # nor do rate counts: each request is judged on its own
                with transaction.atomic():
                    response = getattr(client, method.lower())(url)
                    transaction.set_rollback(True)
                client.cookies = cookies
                got = outcome(response)
                if got != expected_level[persona]:
                    mismatches.append(
                        f"{method} {url} ({key}) as {persona}: expected "
                        f"{expected_level[persona]}, got {got} ({response.status_code})"
                    )
    assert not mismatches, "\n".join(mismatches)
    # Nothing left behind by the POSTs (the world holds a request to MO A and one
    # relayed to an MO without a team, and the accepted one with its space).
    assert CooperationRequest.objects.count() == 3
    assert Chapter.objects.exists() and Item.objects.exists()


# Unpublished objects: who may not see one gets 404 (its existence is not
# revealed, not even by a 403), who may gets it (issue 14, finding 8b). Outcomes
# here are exact: "200", "404" or "login".
SEES_OFFER = {"editor_a": "200", "coordinator": "200"}  # the provider's team, coordinators


def unpublished(anonymous="404", **seen):
    return {p: seen.get(p, anonymous if p == "anonymous" else "404") for p in PERSONAS}


def _unpublished_world():
    from support.models import SupportOffer

    world = build_world()
    users = world.users
    users["editor_a"] = users["editor"]
    users["editor_b"] = personas.create("editor_b")
    Membership.objects.create(user=users["editor_b"], organisation=world.other, role="owner")
    offer = SupportOffer.objects.create(
        title="Entwurf eines Angebots",
        provider_organisation=world.mo,
        provider_name=world.mo.name,
        format=world.offer.format,
        published=False,
    )
    draft = world.mo.__class__.objects.get(slug="zur-pruefung")
    item = Item.objects.create(
        chapter=world.chapter, kind=world.item.kind, slug="entwurf", is_published=False
    )
    Mentor.objects.update(active=False)
    expert = Expert.objects.get()
    expert_pk = expert.pk
    expert.delete()  # withdrawn: the listing is gone with the consent
    return world, offer, draft, item, expert_pk


UNPUBLISHED = [
    # (what, URL builder, expected GET outcome per persona)
    (
        "unpublished support offer",
        lambda w, o, d, i, e: reverse("support:offer", args=[o.pk]),
        unpublished(**SEES_OFFER),
    ),
    (
        "editing an unpublished support offer",
        lambda w, o, d, i, e: reverse("support:offer_edit", args=[o.pk]),
        unpublished(anonymous="login", **SEES_OFFER),
    ),
    (
        "unpublished support offer in the API",
        lambda w, o, d, i, e: f"/api/support-offers/{o.pk}/",
        unpublished(),
    ),
    (
        "draft profile",
        lambda w, o, d, i, e: reverse("directory:organisation_detail", args=[d.slug]),
        unpublished(coordinator="200"),
    ),
    (
        "draft profile in the API",
        lambda w, o, d, i, e: f"/api/organisations/{d.slug}/",
        unpublished(),
    ),
    (
        "draft profile in HSDS",
        lambda w, o, d, i, e: reverse("hsds-organization", args=[d.uuid]),
        unpublished(),
    ),
    (
        "unpublished guide item in the API",
        lambda w, o, d, i, e: f"/api/guide/items/{i.pk}/",
        unpublished(),
    ),
    (
        "unpublished institution profile",
        lambda w, o, d, i, e: reverse(
            "institution_profile", args=[institution_profile(w.users, published=False)]
        ),
        unpublished(institution="200", coordinator="200"),
    ),
    (
        "editing an unpublished institution profile",
        lambda w, o, d, i, e: reverse(
            "institution_profile_edit", args=[institution_profile(w.users, published=False)]
        ),
        unpublished(anonymous="login", institution="200", coordinator="200"),
    ),
    (
        "inactive mentor",
        lambda w, o, d, i, e: reverse("support:tandem", args=[Mentor.objects.get().pk]),
        unpublished(anonymous="login"),
    ),
    (
        "withdrawn expert",
        lambda w, o, d, i, e: reverse("support:expert_contact", args=[e]),
        # Only institutions and coordinators see the pool at all (others: 403 for
        # the pool, whatever the entry); to them a withdrawn entry does not exist.
        {
            **unpublished(anonymous="login"),
            "editor_a": "403",
            "editor_b": "403",
            "institution_unverified": "403",
        },
    ),
]


def _exact(response) -> str:
    location = response.get("Location", "")
    if response.status_code in (301, 302) and reverse("login") in location:
        return "login"
    return str(response.status_code)


def test_unpublished_objects_are_404_to_whom_may_not_see_them():
    world, offer, draft, item, expert_pk = _unpublished_world()
    clients = {"anonymous": Client()}
    for persona in PERSONAS[1:]:
        clients[persona] = Client()
        clients[persona].force_login(world.users[persona])
    mismatches = []
    for what, builder, expected in UNPUBLISHED:
        url = builder(world, offer, draft, item, expert_pk)
        for persona in PERSONAS:
            got = _exact(clients[persona].get(url))
            if got != expected[persona]:
                mismatches.append(
                    f"GET {url} ({what}) as {persona}: expected {expected[persona]}, got {got}"
                )
        # Posting (an interest, a contact) reveals no more than looking.
        if what == "unpublished support offer":
            for persona in ("institution", "editor_b"):
                got = _exact(clients[persona].post(url, {}))
                if got != "404":
                    mismatches.append(f"POST {url} ({what}) as {persona}: expected 404, got {got}")
    assert not mismatches, "\n".join(mismatches)
