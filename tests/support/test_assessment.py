"""Needs assessment: drafts, rounds, results, recommendations, privacy."""

import pytest
from django.urls import reverse

from directory.vocabulary import get_vocabulary
from support import services
from support.models import Assessment, SupportOffer

pytestmark = pytest.mark.django_db


def _answers(**scores):
    data = {}
    for key, score in scores.items():
        data[f"q_{key}"] = str(score)
        data[f"c_{key}"] = ""
    return data


def _offer(title, needs, states=(), languages=(), **extra):
    vocab = get_vocabulary()
    offer = SupportOffer.objects.create(
        title=title,
        provider_name="IQ Netzwerk",
        format=vocab.get("support_format", "schulung"),
        description="x",
        on_request=True,
        contact_email="iq@example.org",
        **extra,
    )
    offer.needs.set([vocab.get("need", n) for n in needs])
    offer.states.set([vocab.get("state", s) for s in states])
    offer.languages.set([vocab.get("language", c) for c in languages])
    return offer


def test_drafts_are_saved_and_the_round_is_submitted(client, editor_a, mo_a):
    client.force_login(editor_a)
    client.post(reverse("support:assessment_start", args=[mo_a.slug]))
    assessment = Assessment.objects.get()
    url = reverse("support:assessment", args=[mo_a.slug, assessment.pk])
    response = client.post(
        url, {**_answers(satzung=3, antraege=2), "c_satzung": "Neuer Vorstand", "action": "draft"}
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == "draft" and assessment.answers.count() == 2
    # Coming back, the draft shows what was answered.
    html = client.get(url).content.decode()
    assert "Neuer Vorstand" in html
    assert 'name="q_satzung" value="3" id="id_q_satzung_4" checked' in html
    client.post(url, {**_answers(satzung=3, antraege=2, raeume=0), "action": "submit"})
    assessment.refresh_from_db()
    assert assessment.status == "submitted" and assessment.submitted_at is not None
    # A submitted round is not changed any more.
    client.post(url, {**_answers(satzung=0), "action": "submit"})
    assert assessment.answers.get(question="satzung").score == 3


def test_rounds_are_repeated_and_earlier_ones_stay(client, editor_a, mo_a):
    client.force_login(editor_a)
    for score in (3, 1):
        client.post(reverse("support:assessment_start", args=[mo_a.slug]))
        assessment = Assessment.objects.filter(status="draft").get()
        client.post(
            reverse("support:assessment", args=[mo_a.slug, assessment.pk]),
            {**_answers(antraege=score), "action": "submit"},
        )
    assert Assessment.objects.filter(organisation=mo_a, status="submitted").count() == 2
    html = client.get(reverse("support:assessments", args=[mo_a.slug])).content.decode()
    assert "Fortschritt" in html


def test_results_show_the_needs_profile_offers_and_guide_sections(client, editor_a, mo_a):
    _offer("Antragscoaching", ["foerderantraege"])
    _offer("Vereinsrecht Hamburg", ["vereinsrecht"], states=["hamburg"])
    _offer("Vereinsrecht Bayern", ["vereinsrecht"], states=["bayern"])
    _offer("Räume finden", ["raeumlichkeiten"])
    _offer("Nur auf Arabisch", ["foerderantraege"], languages=["ar"])
    assessment = services.assessment_start(organisation=mo_a, by=editor_a)
    services.assessment_save(
        assessment=assessment,
        answers={"satzung": (3, "Neuer Vorstand"), "antraege": (2, ""), "raeume": (0, "")},
        submit=True,
    )
    profile = services.needs_profile(assessment)
    assert [(r.term.slug, r.score, r.is_need) for r in profile] == [
        ("vereinsrecht", 3, True),
        ("foerderantraege", 2, True),
        ("raeumlichkeiten", 0, False),
    ]
    client.force_login(editor_a)
    html = client.get(reverse("support:result", args=[mo_a.slug, assessment.pk])).content.decode()
    assert "Antragscoaching" in html and "Vereinsrecht Hamburg" in html
    assert "Vereinsrecht Bayern" not in html  # another region
    assert "Räume finden" not in html  # not a need
    assert "Nur auf Arabisch" not in html  # MO A speaks no Arabic
    assert "#item-empfehlung-1" in html  # guide: Vereinsrecht in recommendation 1
    assert "#item-these-3" in html  # guide: Förderanträge in ch. 5, thesis 3


def test_recommendations_rank_by_needs_covered():
    from tests.factories import make_organisation

    organisation = make_organisation(languages=["de"], state="hamburg")
    both = _offer("Beides", ["vereinsrecht", "foerderantraege"])
    one = _offer("Eines", ["vereinsrecht"])
    vocab = get_vocabulary()
    needs = [vocab.get("need", "vereinsrecht").pk, vocab.get("need", "foerderantraege").pk]
    assert services.recommended_offers(organisation=organisation, need_ids=needs) == [both, one]


def test_assessments_are_private_to_the_team_and_coordinators(
    client, editor_a, editor_b, mo_a, institution_user, coordinator
):
    assessment = services.assessment_start(organisation=mo_a, by=editor_a)
    services.assessment_save(assessment=assessment, answers={"satzung": (3, "geheim")}, submit=True)
    urls = [
        reverse("support:assessments", args=[mo_a.slug]),
        reverse("support:result", args=[mo_a.slug, assessment.pk]),
    ]
    for url in urls:
        client.logout()
        assert client.get(url).status_code == 302
        for user in (editor_b, institution_user):
            client.force_login(user)
            assert client.get(url).status_code == 404
        client.force_login(coordinator)
        assert client.get(url).status_code == 200
        assert "geheim" in client.get(urls[1]).content.decode()
    # Coordinators read, they do not fill in for the MO.
    assert client.post(reverse("support:assessment_start", args=[mo_a.slug])).status_code == 403
    client.force_login(editor_b)
    assert client.post(reverse("support:assessment_start", args=[mo_a.slug])).status_code == 404
    assert Assessment.objects.count() == 1
