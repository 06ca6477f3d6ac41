"""Issue 19, gap 3: an invitation goes to a profile without a team, so nobody
chose its language, and German is a second language to many MOs. The e-mail
and the printed letter carry the German text and, below it, the same text from
the English catalogue (not a second, hand-written text)."""

import datetime
import re

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from directory import outreach
from directory.models import Organisation, TakeoverInvitation
from mailer.models import OutgoingMail

pytestmark = pytest.mark.django_db

SEPARATOR = "-" * 60


@pytest.fixture
def teamless(teamless):
    """The shared profile, last confirmed in January 2024."""
    Organisation.objects.filter(pk=teamless.pk).update(confirmed_at=datetime.date(2024, 1, 1))
    teamless.refresh_from_db()
    return teamless


def _part(name, context, language):
    with translation.override(language):
        return render_to_string(f"emails/includes/{name}.txt", context).strip()


def _context(mail, organisation, invitation):
    url = re.search(r"https?://\S+/organisationen/uebernahme/\S+/", mail.body_text).group(0)
    return {
        "organisation": organisation,
        "url": url,
        "expires_at": invitation.expires_at,
        "SITE_URL": "",
    }


@pytest.mark.parametrize("template", ["takeover-invitation", "reminder-takeover"])
def test_the_invitation_mail_is_german_with_the_english_catalogue_text_below(teamless, template):
    if template == "reminder-takeover":
        assert outreach.remind_unconfirmed() == 1  # the yearly reminder invites, too
    else:
        outreach.invitation_issue(organisation=teamless, channel="email", by=None)
    mail = OutgoingMail.objects.get(template=template)
    invitation = TakeoverInvitation.objects.get()
    context = _context(mail, teamless, invitation)
    german, english = _part(template, context, "de"), _part(template, context, "en")

    body = mail.body_text
    assert body.splitlines()[0] == "English version below."
    top, bottom = body.split(SEPARATOR)
    assert german in top and english in bottom
    assert "English version" in bottom.splitlines()[1]
    assert german not in bottom and english not in top
    # Every sentence of the German text has its English translation: no msgid of
    # the part is missing from the catalogue.
    lines = [line for line in german.splitlines() if line.strip() and "://" not in line]
    assert lines and all(line not in english for line in lines)
    with translation.override("en"):
        assert translation.gettext("1. Öffnen Sie den Link.") in bottom
    assert "1. Öffnen Sie den Link." in top
    assert body.count(context["url"]) == 2  # the one link in both
    # The subject names the profile in both languages.
    assert " / " in mail.subject and mail.subject.count("Club Dialog e. V.") == 2


def test_the_english_part_is_the_catalogue_s(teamless, monkeypatch):
    """A changed English catalogue entry changes the mail: the text is not written
    a second time in the template."""
    catalogue = trans_real.translation("en")._catalog
    monkeypatch.setitem(catalogue, "So geht es:", "STEPS FROM THE CATALOGUE")
    outreach.invitation_issue(organisation=teamless, channel="email", by=None)
    top, bottom = OutgoingMail.objects.get().body_text.split(SEPARATOR)
    assert "STEPS FROM THE CATALOGUE" in bottom and "So geht es:" in top
    assert "How it works:" not in bottom


@pytest.mark.parametrize("ui_language", ["de", "en"])
def test_the_printed_letter_is_german_with_the_english_catalogue_text_below(
    client, teamless, coordinator, ui_language
):
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = ui_language
    response = client.post(
        reverse("directory:takeover_invite", args=["club-dialog"]), {"channel": "letter"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    letter = html[html.index('<article class="takeover-letter" lang="de">') :]
    letter = letter[: letter.index("</article>")]
    german, english = letter.split('<section class="letter-english" lang="en">')
    # "English version below" at the top, before the German text.
    note = german.index('<p class="letter-english-note" lang="en">English version below.</p>')
    assert note < german.index("Ihr Profil im MO-Portal")
    with translation.override("en"):
        for msgid in (
            "Ihr Profil im MO-Portal",
            "Geben Sie diesen Code ein:",
            "Mit freundlichen Grüßen",
            "Wenn Ihre Organisation nichts mit dem Profil zu tun hat, werfen Sie diesen "
            "Brief weg. Ohne Ihre Zustimmung geschieht nichts.",
        ):
            assert msgid in german and msgid not in english
            assert translation.gettext(msgid) in english and translation.gettext(msgid) != msgid
    codes = re.findall(r'class="letter-code">([A-Z0-9-]+)<', letter)
    assert len(codes) == 2 and codes[0] == codes[1]
    assert letter.count(reverse("directory:takeover_code")) == 2
    # Headings stay in order: the English part's heading is below the German one.
    assert '<h1 class="h4">Ihr Profil im MO-Portal</h1>' in german
    assert '<h2 class="h4">Your profile on the MO-Portal</h2>' in english
    assert '<h3 class="h5">How it works</h3>' in english
