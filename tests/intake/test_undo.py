"""Undo never destroys what somebody did since the import: a profile taken
over, asked about or remembered stays; a profile edited since keeps its
values; the team's own content is never overwritten by a list; every batch is
a short transaction, and a row the database refuses does not stall the job."""

import threading

import pytest
from django.db import DataError, OperationalError, connection, connections, transaction

from directory.models import Claim, Membership, Organisation, Visibility
from directory.team import owner_assign
from directory.usage import organisations_in_use
from finder.models import ShortlistEntry
from intake import services
from intake.models import ImportJob, ImportRow
from tests import personas
from tests.factories import make_organisation
from tests.intake.listfile import as_csv, generate


def _run(job, **kwargs):
    while services.run_jobs(seconds=600, job_id=job.pk):
        pass
    job.refresh_from_db()


def _checked(coordinator, data, *, run=True):
    """The list uploaded, read and mapped as suggested; its dry run started
    (and with ``run`` done)."""
    job = services.job_upload(
        source_name="Netzwerk",
        file_name="l.csv",
        data=as_csv(data, encoding="utf-8"),
        by=coordinator,
    )
    _run(job)
    services.job_map(job=job, mapping=job.mapping, check=True)
    if run:
        _run(job)
    return job


def _imported(coordinator, rows=12, *, target=None, resolution="update"):
    """A small list imported (its first row a duplicate of ``target``, to be
    updated); returns the job and its created profiles in row order."""
    data = generate(rows, seed=7, existing=0)
    if target is not None:
        data.rows[0][0] = target.name
        data.rows[0][3], data.rows[0][4] = target.postal_code, target.city
    job = _checked(coordinator, data)
    if target is not None:
        services.job_resolve(job=job, decisions={2: (resolution, target.pk)})
    services.job_start(job=job, publish=True, seen=job.changed_at)
    _run(job)
    created = [
        Organisation.objects.get(pk=pk)
        for pk in job.rows.filter(result="create")
        .order_by("number")
        .values_list("organisation_pk", flat=True)
    ]
    return job, created


def _undo(job):
    assert services.job_undo(job=job)
    _run(job)
    assert job.state == ImportJob.State.UNDONE
    return dict(job.rows.filter(undo="left").values_list("organisation_pk", "undo_reason"))


@pytest.mark.django_db
def test_undo_keeps_a_profile_taken_over_since(coordinator):
    """The data loss the review reproduced: a takeover changes no field of
    the profile (its version stays), so the undo used to delete it with its
    new owner's membership."""
    job, created = _imported(coordinator)
    taken, untouched = created[0], created[1]
    version = taken.version
    owner = personas.create("member")
    owner_assign(organisation=taken, user=owner)
    taken.refresh_from_db()
    assert taken.version == version  # nothing else would have noticed

    left = _undo(job)

    assert left == {taken.pk: "in_use"}
    assert Membership.objects.filter(organisation=taken, user=owner).exists()
    assert not Organisation.objects.filter(pk=untouched.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("use", ["claim", "shortlist"])
def test_undo_keeps_a_profile_somebody_asked_for_or_remembered(coordinator, use):
    job, created = _imported(coordinator, rows=6)
    used = created[2]
    person = personas.create("institution")
    if use == "claim":
        Claim.objects.create(organisation=used, user=person, message="Das ist unser Verein.")
    else:
        ShortlistEntry.objects.create(organisation=used, user=person, note="anrufen")

    assert _undo(job) == {used.pk: "in_use"}
    assert Organisation.objects.filter(pk=used.pk).exists()
    assert Organisation.objects.filter(pk__in=[o.pk for o in created]).count() == 1


@pytest.mark.django_db
def test_a_guide_draft_featuring_a_profile_keeps_it_and_publishes_after_all(coordinator):
    """A draft lists the profiles it will feature by key (no foreign key): it
    counts as a use all the same, and a publication leaves out a profile that
    is gone since."""
    from guidance import services as guide
    from guidance.models import Chapter

    job, created = _imported(coordinator, rows=4)
    featured = created[0]
    chapter = Chapter.objects.get(number=8)
    item = chapter.items.get(slug="zusammenarbeit-4")
    guide.item_save_draft(item=item, data={"features": [featured.pk]})

    assert organisations_in_use([o.pk for o in created]) == {featured.pk}
    assert _undo(job) == {featured.pk: "in_use"}
    # Gone another way (a coordinator deleted it): the chapter still publishes.
    from directory.services import organisations_delete

    organisations_delete(organisations=[featured], by=coordinator)
    guide.chapter_publish(chapter=chapter, by=coordinator)
    item.refresh_from_db()
    assert item.draft is None
    assert not item.featured_organisations.filter(pk=featured.pk).exists()


@pytest.mark.django_db
def test_what_goes_with_a_profile_is_no_use(coordinator, mo_a, mo_b):
    """Offers, takeover invitations and "not a duplicate" decisions belong to
    the profile; a team member, a claim or a merged profile is a use."""
    from directory.models import DistinctPair, Offer

    Offer.objects.create(organisation=mo_a, title="Beratung", kind="counselling")
    DistinctPair.objects.create(first=mo_a, second=mo_b)
    assert organisations_in_use([mo_a.pk, mo_b.pk]) == set()
    owner_assign(organisation=mo_b, user=personas.create("member"))
    assert organisations_in_use([mo_a.pk, mo_b.pk]) == {mo_b.pk}


@pytest.mark.django_db
def test_undo_of_an_update_binds_to_the_version_it_wrote(coordinator):
    target = make_organisation("Kulturverein Sonnenblume e. V.", city="Köln", postal_code="50667")
    target.description = ""
    target.save()
    job, _created = _imported(coordinator, target=target)
    updated = job.rows.get(number=2)
    assert updated.result == "update"
    imported = Organisation.objects.get(pk=target.pk)
    assert imported.source_name == "Netzwerk"

    assert _undo(job) == {}
    restored = Organisation.objects.get(pk=target.pk)
    assert restored.source_name == target.source_name
    assert restored.street == target.street


@pytest.mark.django_db
def test_two_rows_updating_one_profile_are_undone_back_to_the_start(coordinator):
    """Rows 2 and 3 both update one profile (found by name and town, and by
    its website): the undo goes newest first and restores what row 2 found."""
    target = make_organisation(
        "Kulturverein Sonnenblume e. V.",
        city="Köln",
        postal_code="50667",
        website="https://www.sonnenblume-koeln.de",
        phone="",
        street="",
    )
    original = Organisation.objects.get(pk=target.pk)
    data = generate(5, seed=7, existing=0)
    data.rows[0][0] = target.name
    data.rows[0][3], data.rows[0][4] = target.postal_code, target.city
    data.rows[0][6] = data.rows[0][7] = ""  # row 2 leaves e-mail and website alone
    data.rows[1][7] = target.website
    job = _checked(coordinator, data)
    assert {c["pk"] for c in job.rows.get(number=3).candidates} == {target.pk}
    services.job_resolve(job=job, decisions={2: ("update", target.pk), 3: ("update", target.pk)})
    services.job_start(job=job, publish=False, seen=job.changed_at)
    _run(job)
    assert dict(job.rows.filter(number__in=[2, 3]).values_list("number", "result")) == {
        2: "update",
        3: "update",
    }
    assert _undo(job) == {}
    restored = Organisation.objects.get(pk=target.pk)
    for field in ("name", "street", "phone", "email", "city", "postal_code", "source_name"):
        assert getattr(restored, field) == getattr(original, field), field


@pytest.mark.django_db
def test_a_list_only_fills_what_a_team_left_empty(coordinator):
    target = make_organisation(
        "Kulturverein Sonnenblume e. V.",
        city="Köln",
        postal_code="50667",
        phone="0221 123456",
        street="",
        street_visibility=Visibility.HIDDEN,
        languages=["vi"],
    )
    owner_assign(organisation=target, user=personas.create("member"))
    data = generate(4, seed=7, existing=0)
    data.rows[0][0] = target.name
    data.rows[0][3], data.rows[0][4] = target.postal_code, target.city
    data.rows[0][11] = "Arabisch, Türkisch"
    job = _checked(coordinator, data)
    services.job_resolve(job=job, decisions={2: ("update", target.pk)})
    row = job.rows.get(number=2)
    # The dry run says so ...
    assert {"code": "team_fills_empty"} in row.reasons
    services.job_start(job=job, publish=False, seen=job.changed_at)
    _run(job)
    stored = Organisation.objects.get(pk=target.pk)
    # ... and the import does it: the team's phone, languages and visibility
    # stay; the empty street is filled.
    assert stored.phone == "0221 123456"
    assert data.rows[0][8] and data.rows[0][8] != "0221 123456"
    assert list(stored.languages.values_list("slug", flat=True)) == ["vi"]
    assert stored.street == data.rows[0][2]
    assert stored.street_visibility == Visibility.HIDDEN


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("before", "after"),
    [
        (Visibility.PUBLIC, Visibility.INSTITUTIONS),
        (Visibility.INSTITUTIONS, Visibility.INSTITUTIONS),
        (Visibility.HIDDEN, Visibility.HIDDEN),
    ],
)
def test_an_imported_street_never_widens_who_sees_it(coordinator, before, after):
    target = make_organisation(
        "Kulturverein Sonnenblume e. V.",
        city="Köln",
        postal_code="50667",
        street="Alte Straße 1",
        street_visibility=before,
    )
    job, _created = _imported(coordinator, rows=3, target=target)
    assert job.rows.get(number=2).result == "update"
    stored = Organisation.objects.get(pk=target.pk)
    assert stored.street != "Alte Straße 1"
    assert stored.street_visibility == after


@pytest.mark.django_db
def test_imported_streets_are_not_public(coordinator):
    _job, created = _imported(coordinator, rows=5)
    with_street = [o for o in created if o.street]
    assert with_street
    assert {o.street_visibility for o in with_street} == {Visibility.INSTITUTIONS}


@pytest.mark.django_db
def test_a_value_the_database_refuses_skips_its_row_only(coordinator, monkeypatch):
    """A row whose write fails is skipped with a reason; the batch and the
    other rows go on (before, the batch failed again at every round)."""
    data = generate(6, seed=7, existing=0)
    job = _checked(coordinator, data)
    services.job_start(job=job, publish=False, seen=job.changed_at)
    creating = job.rows.filter(planned="create").count()
    bad = job.rows.get(number=4).values[0]
    real = services.organisation_save

    def refusing(*, organisation, **kwargs):
        if organisation.name == bad:
            raise DataError("value too long for type character varying(200)")
        return real(organisation=organisation, **kwargs)

    monkeypatch.setattr(services, "organisation_save", refusing)
    _run(job)
    assert job.state == ImportJob.State.DONE
    row = job.rows.get(number=4)
    assert (row.result, row.reasons, row.organisation_pk) == ("skip", [{"code": "error"}], None)
    assert not Organisation.objects.filter(name=bad).exists()
    assert job.rows.filter(result="create").count() == creating - 1


@pytest.mark.django_db
def test_a_passing_database_failure_retries_the_batch_not_skips_the_row(coordinator, monkeypatch):
    """A deadlock or a timeout says nothing about the row: the batch fails and
    the worker does it again; the row is imported, not skipped for good."""
    data = generate(4, seed=7, existing=0)
    job = _checked(coordinator, data)
    services.job_start(job=job, publish=False, seen=job.changed_at)
    creating = job.rows.filter(planned="create").count()
    real = services.organisation_save
    failures = []

    def deadlocked_once(**kwargs):
        if not failures:
            failures.append(1)
            raise OperationalError("deadlock detected")
        return real(**kwargs)

    monkeypatch.setattr(services, "organisation_save", deadlocked_once)
    claimed = services.claim(job.pk)
    assert claimed is not None
    with pytest.raises(OperationalError):
        services.run_batch(job_id=job.pk, lease=claimed[1])
    job.refresh_from_db()
    assert job.position == 0 and not job.rows.exclude(result="").exists()
    while services.run_batch(job_id=job.pk, lease=claimed[1]):
        pass
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    assert job.rows.filter(result="create").count() == creating
    assert not [r for r in job.rows.all() if {"code": "error"} in r.reasons]


@pytest.mark.django_db
def test_values_the_profile_would_refuse_are_reported_in_the_dry_run(coordinator):
    data = generate(3, seed=7, existing=0)
    data.rows[0][10] = "99999999999999999999999"  # members: beyond any integer column
    data.rows[1][8] = "+49 " + "1" * 60  # a phone number longer than the field
    job = _checked(coordinator, data)
    planned = {row.number: (row.planned, row.reasons) for row in job.rows.all()}
    assert planned[2][0] == "skip"
    assert "members" in {r["field"] for r in planned[2][1] if r["code"] == "invalid"}
    assert planned[3][0] == "skip"
    assert {r["code"] for r in planned[3][1]} & {"invalid", "too_long"}


@pytest.mark.django_db
def test_batches_end_after_their_time_and_go_on(coordinator, monkeypatch):
    """With no time at all every batch does one row: the job still ends, the
    dry run's report still equals the import."""
    monkeypatch.setattr(services, "BATCH_SECONDS", 0.0)
    data = generate(8, seed=7, existing=0)
    job = _checked(coordinator, data, run=False)
    claimed = services.claim(job.pk)
    assert claimed is not None
    assert services.run_batch(job_id=job.pk, lease=claimed[1], seconds=0.0)
    job.refresh_from_db()
    assert job.position == 1  # one row planned, the lease kept
    calls, more = 1, True
    while more:
        more = services.run_batch(job_id=job.pk, lease=claimed[1], seconds=0.0)
        calls += 1
    job.refresh_from_db()
    assert (job.state, calls) == (ImportJob.State.CHECKED, job.total)
    planned = dict(job.rows.values_list("number", "planned"))
    services.job_start(job=job, publish=False, seen=job.changed_at)
    _run(job)
    assert dict(job.rows.values_list("number", "result")) == planned


@pytest.mark.django_db(transaction=True)
def test_a_takeover_racing_the_undo_is_never_lost(coordinator, on_postgres):
    """The takeover holds the profile's lock when the undo's batch begins: the
    undo waits for it, then sees the new owner and leaves the profile."""
    if not on_postgres:
        pytest.skip("SQLite runs one writing transaction at a time (IMMEDIATE)")
    job, created = _imported(coordinator, rows=4)
    taken = created[0]
    owner = personas.create("member")
    assert services.job_undo(job=job)
    claimed = services.claim(job.pk)
    assert claimed is not None

    took_lock = threading.Event()
    finish = threading.Event()

    def takeover():
        try:
            with transaction.atomic():
                owner_assign(organisation=taken, user=owner)
                took_lock.set()
                finish.wait(30)
        finally:
            connections.close_all()

    taker = threading.Thread(target=takeover)
    taker.start()
    assert took_lock.wait(30)

    outcome = {}

    def undo():
        try:
            outcome["more"] = services.run_batch(job_id=job.pk, lease=claimed[1])
        finally:
            connections.close_all()

    undoer = threading.Thread(target=undo)
    undoer.start()
    # Wait until the undo waits for the takeover's lock, then let the takeover commit.
    with connection.cursor() as cursor:
        for _ in range(3000):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                break
            threading.Event().wait(0.01)
        else:
            pytest.fail("the undo did not wait for the takeover's lock")
    finish.set()
    taker.join(30)
    undoer.join(30)
    assert outcome == {"more": False}
    assert Membership.objects.filter(organisation_id=taken.pk, user=owner).exists()
    row = ImportRow.objects.get(job=job, organisation_pk=taken.pk)
    assert (row.undo, row.undo_reason) == ("left", "in_use")
    assert not Organisation.objects.filter(pk__in=[o.pk for o in created[1:]]).exists()
