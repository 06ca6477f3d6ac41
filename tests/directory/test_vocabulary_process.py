"""Each process keeps the vocabulary, tagged by a version token in the shared
cache: a request reads only the token while it matches, a change anywhere is
seen by the next request everywhere, and without the cache every request reads
the terms from the database (slower, never stale)."""

import pytest
from django.core.cache.backends.dummy import DummyCache

from directory import vocabulary as V
from directory.models import Term

pytestmark = pytest.mark.django_db


def _request():
    V.forget_vocabulary()  # what VocabularyMiddleware does at every request
    return V.get_vocabulary()


def test_a_request_reuses_the_processes_copy_while_the_token_matches(
    django_assert_num_queries,
):
    first = _request()
    with django_assert_num_queries(0):
        again = _request()
    assert again is first


def test_a_change_in_another_process_is_seen_by_the_next_request():
    _request()
    term = Term.objects.filter(kind="role").first()
    # Another process renames the term and gives the vocabulary a new token;
    # this process's copy still has the old label.
    Term.objects.filter(pk=term.pk).update(label_de="Neu benannt")
    V.cache.set(V.VERSION_KEY, "set-by-another-process", timeout=None)
    assert _request().by_id[term.pk].label_de == "Neu benannt"


def test_a_change_here_is_seen_at_once(django_capture_on_commit_callbacks):
    _request()
    term = Term.objects.filter(kind="role").first()
    with django_capture_on_commit_callbacks(execute=True):
        term.label_de = "Hier umbenannt"
        term.save()
        V.invalidate_vocabulary()
    assert _request().by_id[term.pk].label_de == "Hier umbenannt"


def test_without_the_cache_every_request_reads_the_terms(monkeypatch, django_assert_num_queries):
    _request()
    monkeypatch.setattr(V, "cache", DummyCache("none", {}))
    term = Term.objects.filter(kind="role").first()
    Term.objects.filter(pk=term.pk).update(label_de="Während des Ausfalls")
    with django_assert_num_queries(1):
        assert _request().by_id[term.pk].label_de == "Während des Ausfalls"
    with django_assert_num_queries(1):
        _request()


def test_derived_values_belong_to_their_vocabulary():
    first = _request()
    calls = []
    assert first.derived("k", lambda: calls.append(1) or "x") == "x"
    assert first.derived("k", lambda: calls.append(1) or "y") == "x"
    assert calls == [1]
    V.drop_vocabulary()
    assert _request().derived("k", lambda: "fresh") == "fresh"
