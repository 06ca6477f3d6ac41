"""Both sides of a cooperation space at the same moment, on PostgreSQL (real
threads, own connections): closing twice, writing the first reference twice,
uploading at the limit. Nothing confirmed is lost, nothing is made twice."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from cooperation import space
from cooperation.models import Cooperation, SpaceDocument, SpaceEvent, SpaceReview
from cooperation.services import RequestError, request_decide, request_send
from core.concurrency import Conflict
from directory.models import Reference
from directory.team import owner_assign
from directory.vocabulary import invalidate_vocabulary
from mailer.models import OutgoingMail
from tests import personas
from tests.factories import make_organisation
from tests.parallel import parallel

pytestmark = pytest.mark.postgres
ROUNDS = 5


@pytest.fixture
def sides(transactional_db):
    call_command("load_vocabulary", verbosity=0)
    call_command("load_guide", verbosity=0)
    invalidate_vocabulary()
    organisation = make_organisation("Gleichzeitig e. V.", slug="gleichzeitig")
    owner = personas.create("editor_a")
    owner_assign(organisation=organisation, user=owner)
    return organisation, owner, personas.create("institution")


def _space(sides, n):
    organisation, owner, institution = sides
    created = request_send(
        sender=institution, organisation=organisation, subject=f"Runde {n}", message="Los."
    )
    request_decide(cooperation_request=created, by=owner, accept=True)
    return Cooperation.objects.get(request=created)


def _fresh(cooperation):
    return Cooperation.objects.select_related("request").get(pk=cooperation.pk)


def test_both_sides_close_at_once_keep_both_reviews_and_mail_once(sides):
    _organisation, owner, institution = sides
    for n in range(ROUNDS):
        cooperation = _space(sides, n)
        one, two = _fresh(cooperation), _fresh(cooperation)
        parallel(
            lambda one=one: space.space_close(cooperation=one, by=owner, went_well="M", improve=""),
            lambda two=two: space.space_close(
                cooperation=two, by=institution, went_well="J", improve=""
            ),
        )
        assert SpaceReview.objects.filter(cooperation=cooperation).count() == 2
        closed = SpaceEvent.objects.filter(cooperation=cooperation, action="closed")
        assert closed.count() == 1
    assert OutgoingMail.objects.filter(template="space-closed").count() == ROUNDS


def test_two_first_references_at_once_make_one_and_refuse_the_other(sides):
    _organisation, owner, institution = sides
    for n in range(ROUNDS):
        cooperation = _space(sides, n)
        space.space_close(cooperation=_fresh(cooperation), by=owner, went_well="x", improve="")
        one, two = _fresh(cooperation), _fresh(cooperation)

        def write(seen, by, text):
            def run():
                try:
                    space.reference_write(cooperation=seen, by=by, summary=text, expected=None)
                except Conflict:
                    return "conflict"
                return text

            return run

        results = parallel(write(one, owner, "MO"), write(two, institution, "JC"))
        assert sorted(results) in (["JC", "conflict"], ["MO", "conflict"]), results
        [reference] = Reference.objects.filter(cooperation=cooperation)
        assert reference.summary == next(r for r in results if r != "conflict")
    assert Reference.objects.count() == ROUNDS


def test_uploads_at_once_stop_at_the_limit(sides, monkeypatch):
    _organisation, owner, institution = sides
    monkeypatch.setattr(space, "MAX_DOCUMENTS", 1)
    cooperation = _space(sides, 0)

    def upload(by):
        def run():
            file = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan")
            try:
                space.document_add(cooperation=_fresh(cooperation), by=by, upload=file)
            except space.DocumentError:
                return "refused"
            return "stored"

        return run

    assert sorted(parallel(upload(owner), upload(institution))) == ["refused", "stored"]
    assert SpaceDocument.objects.count() == 1


def test_nobody_but_the_sides_writes(sides):
    cooperation = _space(sides, 0)
    with pytest.raises(RequestError):
        space.plan_update(
            cooperation=cooperation, by=personas.create("member"), expected=None, goals="x"
        )
