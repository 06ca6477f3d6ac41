"""The coordinators' lists for keeping profiles current: tabs, filters, paging,
query count, bulk actions queued once; the dashboard's figures link to them."""

import datetime

import pytest
from django.urls import reverse

from directory.models import OutreachJob
from directory.team import owner_assign
from tests import personas
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db
OLD = datetime.date(2024, 1, 1)


@pytest.fixture
def profiles():
    for number in range(55):
        make_organisation(f"Hamburger Verein {number:02d}", email=f"v{number}@hh.example")
    make_organisation("Bayerischer Verein", state="bayern", confirmed_at=OLD, street="Weg 2")
    make_organisation("Verein ohne alles", state="bayern", street="", city="", postal_code="")
    owned = make_organisation("Verein mit Team", confirmed_at=OLD)
    owner_assign(organisation=owned, user=personas.create("editor_a"))


def _list(client, **params):
    return client.get(reverse("outreach"), params)


def test_the_lists_filter_by_state_and_page(client, coordinator, profiles):
    client.force_login(coordinator)
    page = _list(client, liste="ohne-team")
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 57
    assert len(page.context["rows"]) == 50
    html = page.content.decode()
    assert "liste=ohne-team&amp;page=2" in html  # paging keeps the filters
    bavaria = _list(client, liste="ohne-team", land="BY")
    names = [row.organisation.name for row in bavaria.context["rows"]]
    assert names == ["Bayerischer Verein", "Verein ohne alles"]
    unreachable = _list(client, liste="unerreichbar")
    assert [r.organisation.name for r in unreachable.context["rows"]] == ["Verein ohne alles"]
    assert 'name="action"' not in unreachable.content.decode()  # nothing to send to
    unconfirmed = _list(client, liste="nicht-bestaetigt")
    rows = {r.organisation.name: r for r in unconfirmed.context["rows"]}
    assert set(rows) == {"Bayerischer Verein", "Verein mit Team"}
    assert rows["Verein mit Team"].has_team and not rows["Bayerischer Verein"].has_team
    assert rows["Bayerischer Verein"].can_letter
    # An unknown list or state falls back to the defaults, never a 500.
    assert _list(client, liste="x", land="ZZ").status_code == 200


def test_the_list_query_count_is_pinned(
    client, coordinator, profiles, django_assert_max_num_queries
):
    client.force_login(coordinator)
    _list(client, liste="ohne-team")  # warm the vocabulary cache
    with django_assert_max_num_queries(10):  # 9, and the import sources offered
        _list(client, liste="ohne-team")
    with django_assert_max_num_queries(10):
        _list(client, liste="nicht-bestaetigt", land="HH", quelle="Integrationsrat Köln")


def test_a_bulk_action_is_queued_once_per_click(client, coordinator, profiles):
    client.force_login(coordinator)
    rows = _list(client, liste="ohne-team").context["rows"]
    data = {
        "liste": "ohne-team",
        "action": "invite",
        "scope": "selected",
        "organisation": [rows[0].organisation.pk, rows[1].organisation.pk],
        "submit_key": "s" * 20,
    }
    first = client.post(reverse("outreach_action"), data)
    second = client.post(reverse("outreach_action"), data)
    assert first.status_code == second.status_code == 302
    job = OutreachJob.objects.get()
    assert job.selection == {
        "list": "ohne-team",
        "state": "",
        "source": "",
        "ids": sorted(data["organisation"]),
    }
    assert job.created_by == coordinator
    assert "Vorgemerkt für 2 Profile." in first.wsgi_request._messages._queued_messages[0].message
    client.post(
        reverse("outreach_action"),
        {"liste": "ohne-team", "land": "BY", "action": "remind", "scope": "all"},
    )
    assert OutreachJob.objects.latest("pk").selection == {
        "list": "ohne-team",
        "state": "BY",
        "source": "",
    }
    page = _list(client, liste="ohne-team").content.decode()
    assert "wartet auf den Hintergrunddienst" in page


def test_a_bulk_action_needs_a_selection_and_an_action(client, coordinator, profiles):
    client.force_login(coordinator)
    url = reverse("outreach_action")
    nothing = client.post(url, {"liste": "ohne-team", "action": "invite"}, follow=True)
    assert "mindestens ein Profil" in nothing.content.decode()
    bad = client.post(url, {"liste": "ohne-team", "action": "delete", "scope": "all"}, follow=True)
    assert "Bitte wählen Sie eine Aktion" in bad.content.decode()
    junk = client.post(url, {"liste": "ohne-team", "action": "invite", "organisation": "x"})
    assert junk.status_code == 302
    assert not OutreachJob.objects.exists()


def test_only_coordinators_see_the_lists(client, editor_a, institution_user):
    for user in (editor_a, institution_user):
        client.force_login(user)
        assert _list(client).status_code == 403
        assert client.post(reverse("outreach_action"), {}).status_code == 403


def test_the_dashboard_figures_link_to_the_lists(client, coordinator, profiles):
    client.force_login(coordinator)
    html = client.get(reverse("dashboard")).content.decode()
    for name in ("ohne-team", "unerreichbar", "nicht-bestaetigt"):
        assert f'href="{reverse("outreach")}?liste={name}"' in html


def test_the_lists_filter_by_the_network_a_list_was_imported_from(client, coordinator, profiles):
    """A network's or a council's list, imported (issue 19): the coordinators follow
    up with its MOs; "all of the filtered list" means only those."""
    from django.utils import timezone

    from directory import outreach
    from directory.models import Organisation

    now = timezone.now()
    for name in ("Hamburger Verein 03", "Hamburger Verein 07"):
        Organisation.objects.filter(name=name).update(
            source_name="Integrationsrat Hamburg 2025", source_imported_at=now
        )
    Organisation.objects.filter(name="Bayerischer Verein").update(
        source_name="IQ Netzwerk Bayern", source_imported_at=now - datetime.timedelta(days=1)
    )
    client.force_login(coordinator)
    page = _list(client, liste="ohne-team", quelle="Integrationsrat Hamburg 2025")
    assert [r.organisation.name for r in page.context["rows"]] == [
        "Hamburger Verein 03",
        "Hamburger Verein 07",
    ]
    html = page.content.decode()
    assert "Quelle (Netzwerk, Liste)" in html
    assert "IQ Netzwerk Bayern" in html  # offered, the newest import first
    assert html.index("Integrationsrat Hamburg 2025") < html.index("IQ Netzwerk Bayern")
    assert "quelle=Integrationsrat+Hamburg+2025" in html  # tabs and paging keep it
    unknown = _list(client, liste="ohne-team", quelle="gibt es nicht")
    assert unknown.context["page"].paginator.count == 57  # an unknown source: no filter
    client.post(
        reverse("outreach_action"),
        {
            "liste": "ohne-team",
            "quelle": "Integrationsrat Hamburg 2025",
            "action": "invite",
            "scope": "all",
        },
    )
    job = OutreachJob.objects.get()
    assert job.selection["source"] == "Integrationsrat Hamburg 2025"
    chosen = outreach._selected(job.selection)  # what the worker will write to
    assert sorted(chosen.values_list("name", flat=True)) == [
        "Hamburger Verein 03",
        "Hamburger Verein 07",
    ]


def _letter_profiles():
    from directory.models import Organisation

    post_only = [
        make_organisation(f"Verein per Post {n}", street=f"Weg {n}", postal_code="20095")
        for n in (1, 2)
    ]
    with_email = Organisation.objects.get(name="Hamburger Verein 00")
    return post_only, with_email


def test_letters_for_the_selected_profiles_are_printed_at_once(client, coordinator, profiles):
    """A bulk action for MOs without e-mail: one letter each with its own code,
    on one page to print; the codes are never stored (not even as the form's
    stored answer). Sending the form again prints no new codes: a letter still
    valid (perhaps in the post) is never revoked by a bulk action, only by a
    coordinator's single invitation on the review page."""
    from core.models import SubmittedForm
    from directory.models import TakeoverInvitation

    post_only, with_email = _letter_profiles()
    client.force_login(coordinator)
    data = {
        "liste": "ohne-team",
        "scope": "selected",
        "organisation": [p.pk for p in post_only] + [with_email.pk],
        "submit_key": "k" * 20,
    }
    page = client.post(reverse("outreach_letters"), data)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('class="takeover-letter"') == 2
    assert "Verein per Post 1" in html and "Verein per Post 2" in html
    assert "1 ausgewähltes Profil bekommt keinen Brief" in html  # the one with e-mail
    invitations = TakeoverInvitation.objects.filter(organisation__in=post_only)
    assert sorted(invitations.values_list("channel", flat=True)) == ["letter", "letter"]
    assert html.count('class="letter-code"') == 4  # in the German and the English part
    assert not SubmittedForm.objects.filter(key="k" * 20).exists()  # nothing kept
    again = client.post(reverse("outreach_letters"), data)
    assert again.status_code == 200
    assert again.content.decode().count('class="takeover-letter"') == 0
    assert TakeoverInvitation.objects.filter(organisation__in=post_only).count() == 2
    assert (
        TakeoverInvitation.objects.filter(
            organisation__in=post_only, revoked_at__isnull=True
        ).count()
        == 2
    )  # the first codes still work


def test_letters_are_for_a_bounded_selection_only(client, coordinator, profiles):
    from directory.models import TakeoverInvitation

    post_only, _with_email = _letter_profiles()
    client.force_login(coordinator)
    url = reverse("outreach_letters")
    everything = client.post(url, {"liste": "ohne-team", "scope": "all"}, follow=True)
    assert "höchstens 50 auf einmal" in everything.content.decode()
    nothing = client.post(url, {"liste": "ohne-team", "scope": "selected"})
    assert nothing.status_code == 302
    assert not TakeoverInvitation.objects.exists()
    client.logout()
    client.force_login(personas.create("institution"))
    refused = client.post(url, {"liste": "ohne-team", "organisation": [post_only[0].pk]})
    assert refused.status_code == 403
    assert not TakeoverInvitation.objects.exists()
