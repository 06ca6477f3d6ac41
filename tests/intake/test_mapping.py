"""The mapping step: whatever is posted never gives a server error (unknown
keys are ignored, a term that is not of the field's vocabulary gets a message
next to the field)."""

import re
import string

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake import fields as F
from intake import services, suggest
from intake.models import ImportJob
from tests.intake.listfile import as_csv, generate

pytestmark = pytest.mark.django_db


def _run(job):
    while services.run_jobs(seconds=60, job_id=job.pk):
        pass
    job.refresh_from_db()


def _job(coordinator, rows=10):
    data = generate(rows, existing=0)
    job = services.job_upload(
        source_name="Liste", file_name="l.csv", data=as_csv(data, encoding="utf-8"), by=coordinator
    )
    _run(job)
    assert job.state == ImportJob.State.MAPPING
    return job


@pytest.fixture
def job(coordinator):
    return _job(coordinator)


def _url(job):
    return reverse("intake:mapping", args=[job.pk])


def _columns(job):
    return {f"column-{i}": name for i, name in job.mapping["columns"].items()}


def test_malformed_keys_are_ignored(client, coordinator, job):
    client.force_login(coordinator)
    before = job.mapping
    posted = {
        **_columns(job),
        "value-foo": "tr",  # no second dash
        "value-": "tr",
        "value--x": "tr",
        "value-unknownfield-x": "tr",
        "value-name-x": "tr",  # a field without vocabulary
        "value-languages-not-in-the-file": "tr",  # a value the column does not hold
        "column-99": "email",  # a column the file does not have
        "column-x": "email",
        "column--1": "email",
        "column-1": "no_such_field",  # an unknown field: the column is not taken
        "action": "columns",
    }
    response = client.post(_url(job), posted)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == ImportJob.State.MAPPING
    assert "1" not in job.mapping["columns"] and "99" not in job.mapping["columns"]
    assert job.mapping["columns"] == {k: v for k, v in before["columns"].items() if k != "1"}
    assert "not in the file" not in str(job.mapping["values"].get("languages", {}))
    assert "not-in-the-file" not in job.mapping["values"]["languages"]


def test_a_term_of_another_vocabulary_gets_a_message_next_to_the_value(client, coordinator, job):
    client.force_login(coordinator)
    assert job.mapping["values"]["languages"]["turkisch"] == "tr"
    posted = {
        **_columns(job),
        "value-languages-turkisch": "nordrhein-westfalen",  # a state, not a language
        "action": "check",
    }
    response = client.post(_url(job), posted)
    assert response.status_code == 400
    page = response.content.decode()
    label = F.BY_NAME["languages"].label
    assert f"Bitte wählen Sie für „{label}“ nur Begriffe aus der Liste." in page
    assert page.count('aria-invalid="true"') == 1
    assert "Dieser Begriff gehört nicht zu diesem Feld." in page
    job.refresh_from_db()
    assert job.state == ImportJob.State.MAPPING
    assert job.mapping["values"]["languages"]["turkisch"] == "tr"
    # A term of the vocabulary is taken.
    posted["value-languages-turkisch"] = "ar"
    assert client.post(_url(job), posted).status_code == 302
    job.refresh_from_db()
    assert job.state == ImportJob.State.CHECKING
    assert job.mapping["values"]["languages"]["turkisch"] == "ar"


TERM_FIELDS = [f.name for f in F.FIELDS if f.term_kind]
keys = st.one_of(
    st.builds(lambda i: f"column-{i}", st.integers(-3, 20)),
    st.builds(lambda t: f"column-{t}", st.text(max_size=5)),
    st.builds(lambda t: f"value-{t}", st.text(max_size=12)),
    st.builds(
        lambda f, v: f"value-{f}-{v}",
        st.sampled_from([*TERM_FIELDS, "name", "nix", ""]),
        st.one_of(st.sampled_from(["turkisch", "koln", "bildung", ""]), st.text(max_size=8)),
    ),
    st.sampled_from(["action", "value-foo", "value-", "column-", "csrfmiddlewaretoken"]),
    st.text(max_size=10),
)
values = st.one_of(
    st.sampled_from(
        [
            *(f.name for f in F.FIELDS),
            "",
            "check",
            "columns",
            "tr",
            "nordrhein-westfalen",
            "bildung",
            "x",
        ]
    ),
    st.text(alphabet=string.printable, max_size=30),
    st.text(max_size=10),
)


def test_no_posted_mapping_gives_a_server_error(client, coordinator, job):
    client.force_login(coordinator)
    client.raise_request_exception = False
    url = _url(job)
    statuses = set()

    @settings(
        derandomize=True,
        max_examples=150,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.dictionaries(keys, st.one_of(values, st.lists(values, max_size=3)), max_size=8))
    def run(data):
        with transaction.atomic():
            response = client.post(url, data)
            transaction.set_rollback(True)
        assert response.status_code in (200, 302, 400), (response.status_code, data)
        statuses.add(response.status_code)

    run()
    assert statuses >= {302, 400}


# --- the mapping after the dry run -------------------------------------------------


def _checked(job):
    assert services.job_map(job=job, mapping=job.mapping, check=True)
    _run(job)
    assert job.state == ImportJob.State.CHECKED and job.checked_at is not None
    return job


def _plan(page: str) -> str:
    found = re.search(r'name="plan" value="([^"]+)"', page)
    assert found, "the start form carries the dry run it shows"
    return found.group(1)


def _start(client, job, plan):
    return client.post(
        reverse("intake:start", args=[job.pk]), {"publish": "0", "plan": plan}, follow=True
    )


CHANGED = "Die Zuordnung oder eine Entscheidung zu Dubletten wurde geändert, nachdem"


def test_storing_the_columns_after_the_dry_run_voids_it(coordinator, job):
    _checked(job)
    assert services.job_map(job=job, mapping=job.mapping, check=False)
    assert job.state == ImportJob.State.MAPPING and job.checked_at is None
    assert not services.job_start(job=job, publish=True, seen=None)
    assert job.state == ImportJob.State.MAPPING


def test_a_start_from_a_report_whose_mapping_changed_since_is_refused(client, coordinator, job):
    _checked(job)
    tab_a, tab_b = client, Client()
    tab_a.force_login(coordinator)
    tab_b.force_login(coordinator)
    plan = _plan(tab_a.get(reverse("intake:job", args=[job.pk])).content.decode())

    # Tab B stores other columns: the job is back in its mapping.
    columns = _columns(job)
    columns.pop("column-2")  # the street is not taken
    assert tab_b.post(_url(job), {**columns, "action": "columns"}).status_code == 302
    job.refresh_from_db()
    assert job.state == ImportJob.State.MAPPING and "2" not in job.mapping["columns"]
    page = _start(tab_a, job, plan).content.decode()
    assert CHANGED in page
    job.refresh_from_db()
    assert job.state == ImportJob.State.MAPPING and job.started_at is None

    # Tab B checks it: a new dry run. Tab A's start still names the old one.
    assert tab_b.post(_url(job), {**columns, "action": "check"}).status_code == 302
    page = _start(tab_a, job, plan).content.decode()  # while the worker checks
    assert CHANGED in page
    _run(job)
    assert job.state == ImportJob.State.CHECKED
    page = _start(tab_a, job, plan).content.decode()
    assert CHANGED in page
    job.refresh_from_db()
    assert job.state == ImportJob.State.CHECKED  # nothing queued

    # The new report's start goes; a double click or a second tab do nothing more.
    fresh = _plan(tab_a.get(reverse("intake:job", args=[job.pk])).content.decode())
    assert fresh != plan
    assert "Der Import ist gestartet." in _start(tab_a, job, fresh).content.decode()
    job.refresh_from_db()
    assert job.state == ImportJob.State.QUEUED
    for tab, posted in ((tab_a, fresh), (tab_b, fresh), (tab_b, plan)):
        page = _start(tab, job, posted).content.decode()
        assert "Der Import war schon gestartet." in page and CHANGED not in page
    job.refresh_from_db()
    assert job.state == ImportJob.State.QUEUED


def test_duplicates_decided_in_another_tab_void_a_start_from_the_older_page(
    client, coordinator, job
):
    from tests.factories import make_organisation

    values = job.rows.get(number=2).values
    name, postal, town = values[0], values[3], values[4]
    existing = make_organisation(name, city=town, postal_code=postal, slug=None)
    _checked(job)
    assert job.rows.get(number=2).candidates
    client.force_login(coordinator)
    tab_b = Client()
    tab_b.force_login(coordinator)
    plan = _plan(client.get(reverse("intake:job", args=[job.pk])).content.decode())

    decided = tab_b.post(
        reverse("intake:resolve", args=[job.pk]), {"row-2": f"update:{existing.pk}"}
    )
    assert decided.status_code == 302
    assert CHANGED in _start(client, job, plan).content.decode()
    job.refresh_from_db()
    assert job.state == ImportJob.State.CHECKED
    # The page shows the decision now, and its start goes.
    fresh = _plan(client.get(reverse("intake:job", args=[job.pk])).content.decode())
    assert "Der Import ist gestartet." in _start(client, job, fresh).content.decode()


def test_a_start_without_or_with_a_broken_plan_is_refused(client, coordinator, job):
    _checked(job)
    client.force_login(coordinator)
    for plan in ("", "gestern", "2024-13-45T99:00:00", job.changed_at.isoformat() + "x"):
        assert CHANGED in _start(client, job, plan).content.decode()
    job.refresh_from_db()
    assert job.state == ImportJob.State.CHECKED
    assert (
        "Der Import ist gestartet."
        in _start(client, job, job.changed_at.isoformat()).content.decode()
    )


# --- what the mapping page shows of the columns -------------------------------------


def _row_queries(queries):
    return [q["sql"] for q in queries if "intake_importrow" in q["sql"]]


def test_the_mapping_page_costs_the_same_queries_for_many_rows_and_reads_no_row(
    client, coordinator, django_assert_num_queries
):
    small, large = _job(coordinator, rows=10), _job(coordinator, rows=300)
    client.force_login(coordinator)
    client.get(_url(small))  # the vocabulary is loaded once per process
    for job in (small, large):
        with django_assert_num_queries(6) as captured:
            page = client.get(_url(job)).content.decode()
        assert not _row_queries(captured.captured_queries)
        assert "Name der Organisation" in page and 'value="name" selected' in page
    # Storing the columns and starting the dry run read no row either.
    with CaptureQueriesContext(connection) as captured:
        response = client.post(_url(large), {**_columns(large), "action": "check"})
    assert response.status_code == 302 and not _row_queries(captured.captured_queries)
    large.refresh_from_db()
    assert large.state == ImportJob.State.CHECKING
    assert large.mapping["values"]["languages"]["turkisch"] == "tr"


def test_the_worker_keeps_samples_and_counted_distinct_values(coordinator):
    data = generate(40, existing=0)
    data.rows[0][11] = "Türkisch, " + "Sehr lange Sprache " * 20
    job = services.job_upload(
        source_name="L", file_name="l.csv", data=as_csv(data, encoding="utf-8"), by=coordinator
    )
    _run(job)
    values = job.column_values
    assert set(values) == {str(i) for i in range(len(data.header))}
    assert values["0"]["samples"] == [row[0] for row in data.rows[:3]]
    states = {key: (shown, n) for key, shown, n in values["5"]["cells"]}
    assert sum(n for _shown, n in states.values()) == 40
    assert "parts" not in values["5"]  # no lists: the parts are the cells
    languages = {key: n for key, _shown, n in values["11"]["parts"]}
    expected = sum(row[11].split(", ").count("Türkisch") for row in data.rows)
    assert languages["turkisch"] == expected
    long = [shown for _key, shown, _n in values["11"]["parts"] if shown.startswith("Sehr")]
    assert len(long) == 1 and len(long[0]) == 80 and long[0].endswith("…")
    assert not values["11"]["more"]


def test_a_column_with_too_many_values_lists_the_first_and_says_so(
    client, coordinator, monkeypatch
):
    monkeypatch.setattr(suggest, "MAX_VALUES", 5)
    job = _job(coordinator, rows=40)
    assert job.column_values["0"]["more"]  # the names
    assert len(job.column_values["0"]["cells"]) == 5
    assert len(job.column_values["11"]["parts"]) == 5 and job.column_values["11"]["more"]
    client.force_login(coordinator)
    page = client.get(_url(job)).content.decode()
    assert page.count("Diese Spalte hat zu viele verschiedene Werte") >= 2


def test_a_job_read_before_the_column_values_gets_them_once(
    client, coordinator, job, django_assert_num_queries
):
    stored = job.column_values
    ImportJob.objects.filter(pk=job.pk).update(column_values={})
    client.force_login(coordinator)
    client.get(_url(job))
    job.refresh_from_db()
    assert job.column_values == stored
    with CaptureQueriesContext(connection) as captured:
        page = client.get(_url(job)).content.decode()
    assert not _row_queries(captured.captured_queries)
    assert "Türkisch" in page


def test_a_list_with_thousands_of_distinct_values_can_still_be_saved(client, coordinator, settings):
    """One select per value: two columns of 600 values each would be more form
    fields than Django takes (a bare 400 on every save). The page lists the
    most frequent values up to that limit and says that there are more."""
    lines = ["Name;Sprachen;Handlungsfelder"]
    lines += [f"Verein {i} e. V.;Sprache {i};Feld {i}" for i in range(600)]
    lines += ["Verein X e. V.;Sprache 7;Feld 7"] * 3  # the most frequent values
    job = services.job_upload(
        source_name="Liste",
        file_name="l.csv",
        data="\n".join(lines).encode(),
        by=coordinator,
    )
    _run(job)
    client.force_login(coordinator)
    page = client.get(_url(job)).content.decode()
    names = re.findall(r'<select[^>]*name="((?:column|value)-[^"]+)"', page)
    fields = dict.fromkeys(names, "")
    assert len(fields) < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    assert "Sprache 7" in page  # the most frequent value is among those listed
    assert "zu viele verschiedene Werte" in page
    posted = {**fields, **_columns(job), "action": "columns"}
    response = client.post(_url(job), posted)
    assert response.status_code == 302
