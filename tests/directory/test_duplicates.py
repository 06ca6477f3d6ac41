"""The duplicate check (directory.duplicates): a judged set of pairs, its
precision and recall, the keys it compares, who sees what, and its cost."""

import importlib
from dataclasses import dataclass, field

import pytest
from django.apps import apps

from directory import duplicates
from directory.duplicates import candidates, email_domain, name_tokens, website_key
from directory.models import Organisation
from directory.services import organisation_save
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db


@dataclass
class Pair:
    """An existing profile, what somebody enters, and whether they are one
    organisation (judged by a person, not by the check)."""

    label: str
    existing: dict
    entered: dict
    same: bool
    status: str = Organisation.Status.PUBLISHED
    note: str = field(default="")


def _at(name, city, postal_code="", **more):
    return {"name": name, "city": city, "postal_code": postal_code, **more}


JUDGED = [
    # --- one organisation, written differently ---------------------------------------
    Pair("legal form e. V. / eV", _at("Club Dialog e. V.", "Berlin", "10117"),
         _at("Club Dialog eV", "Berlin", "10117"), True),
    Pair("words run together, other postcode", _at("Club Dialog e.V.", "Berlin", "10117"),
         _at("ClubDialog", "Berlin", "10435"), True),
    Pair("umlaut ü / ue", _at("Türkischer Elternverein e. V.", "Hamburg", "20095"),
         _at("Tuerkischer Elternverein", "Hamburg"), True),
    Pair("umlaut ü / u, inflection", _at("Türkischer Elternverein Harburg", "Hamburg", "21073"),
         _at("Turkische Elternverein Harburg", "Hamburg", "21075"), True),
    Pair("hyphen and part of town", _at("Deutsch-Russischer Kulturverein", "Berlin", "10117"),
         _at("Deutsch Russischer Kulturverein e.V.", "Berlin-Neukölln", "12043"), True),
    Pair("town in the name", _at("Vietnamesische Gemeinde Leipzig", "Leipzig", "04109"),
         _at("Vietnamesische Gemeinde", "Leipzig"), True),
    Pair("short name with ü / ue", _at("Brücke e. V.", "Schwerin", "19053"),
         _at("Bruecke", "Schwerin"), True),
    Pair("typo (two letters swapped)", _at("Polnischer Sozialrat e. V.", "Berlin", "10997"),
         _at("Polnischer Sozailrat", "Berlin"), True),
    Pair("compound written apart", _at("Kurdisches Kulturzentrum", "Hannover", "30159"),
         _at("Kurdisches Kultur-Zentrum", "Hannover"), True),
    Pair("gGmbH / e. V.", _at("Syrisches Haus e. V.", "Dortmund", "44135"),
         _at("Syrisches Haus gGmbH", "Dortmund", "44137"), True),
    Pair("existing profile without a town", _at("Eritreische Gemeinschaft Rhein-Main", "", ""),
         _at("Eritreische Gemeinschaft Rhein-Main e. V.", "Frankfurt am Main", "60311"), True),
    Pair("draft found for the coordinator", _at("Griechische Gemeinde Stuttgart", "Stuttgart"),
         _at("Griechische Gemeinde Stuttgart e.V.", "Stuttgart"), True,
         status=Organisation.Status.DRAFT),
    # Same website or e-mail domain, whatever the name.
    Pair("same website, www and path", _at("Afghanischer Kulturverein", "Köln", "50667",
         website="https://www.afghan-kultur.de"),
         _at("AKV", "Köln", website="afghan-kultur.de/impressum"), True),
    Pair("same website, http / https", _at("Integrationslotsen Mitte", "Berlin",
         website="https://lotsen-mitte.de/"),
         _at("Lotsenprojekt Berlin-Mitte", "Berlin", website="http://lotsen-mitte.de"), True),
    Pair("same page on a shared host", _at("Ghana Union", "Hamburg",
         website="https://www.facebook.com/ghanaunionhh"),
         _at("Ghanaische Union Hamburg", "Hamburg", website="https://m.facebook.com/GhanaUnionHH/"),
         True),
    Pair("same e-mail domain", _at("Somalischer Frauenverein", "Bremen", "28195",
         email="info@somali-frauen.de"),
         _at("Frauen aus Somalia", "Bremen", email="Vorstand@Somali-Frauen.de"), True),
    Pair("same domain, moved town", _at("Roma Kulturhaus", "Mannheim", "68159",
         email="kontakt@roma-kulturhaus.org"),
         _at("Roma Kulturhaus", "Ludwigshafen", email="post@roma-kulturhaus.org"), True),
    # Same register entry (court and number), whatever the name and town.
    Pair("same register entry, renamed and moved", _at("Afrikanischer Kulturverein", "Köln",
         register_court="Amtsgericht Köln", register_number="VR 17321"),
         _at("Kulturzentrum Afrika", "Bergisch Gladbach", register_court="AG Köln",
             register_number="vr17321"), True),
    Pair("same register entry, Berlin's court written two ways", _at("Club Ararat", "Berlin",
         register_court="Amtsgericht Charlottenburg", register_number="VR 30001 B"),
         _at("Armenischer Verein Ararat", "Potsdam", register_court="Amtsgericht Berlin",
             register_number="VR 30001 B"), True),
    # Judged the same, missed by the check: "Frauenverein" and "Frauen" are too
    # different as words (similarity 0.75 < 0.85). Kept to keep recall honest.
    Pair("known miss: a word of the name dropped", _at("Afrikanischer Frauenverein", "Köln"),
         _at("Afrikanische Frauen e. V.", "Köln"), True, note="missed"),
    # --- different organisations ---------------------------------------------------
    # Judgment: a generic name in another town is another club (these names repeat
    # across Germany); one of them without a town would be a candidate.
    Pair("same generic name, other town", _at("Deutsch-Russischer Kulturverein", "Leipzig",
         "04109"), _at("Deutsch-Russischer Kulturverein", "Dresden", "01067"), False),
    Pair("same name, other town", _at("Türkischer Elternverein", "Köln", "50667"),
         _at("Türkischer Elternverein", "Bonn", "53111"), False),
    Pair("both at gmail.com", _at("Kongolesischer Verein", "Essen", email="kongo.essen@gmail.com"),
         _at("Tamilischer Verein", "Essen", email="tamil.essen@gmail.com"), False),
    Pair("both at web.de, similar kind", _at("Kroatischer Kulturverein", "Mainz",
         email="hkv-mainz@web.de"),
         _at("Serbischer Kulturverein", "Mainz", email="srbi-mainz@web.de"), False),
    Pair("Elternverein / Sportverein, same town", _at("Türkischer Sportverein", "Hamburg",
         "20095"), _at("Türkischer Elternverein Altona", "Hamburg", "20095"), False),
    Pair("Elternverein / Sportverein alone", _at("Elternverein", "Dresden"),
         _at("Sportverein", "Dresden"), False),
    Pair("Sozialrat / Sozialverein", _at("Polnischer Sozialverein", "Berlin", "10997"),
         _at("Polnischer Sozialrat Kreuzberg", "Berlin"), False),
    Pair("other community, same kind of place", _at("Arabisches Kulturzentrum", "Essen"),
         _at("Kurdisches Kulturzentrum", "Essen"), False),
    Pair("other pages on a shared host", _at("Eritrea Hilfe", "Kiel",
         website="https://facebook.com/eritreahilfe"),
         _at("Sudan Hilfe", "Kiel", website="https://facebook.com/sudanhilfe"), False),
    Pair("same postcode, other name", _at("Yoga für Alle", "Hamburg", "20095"),
         _at("Afrikanisches Zentrum", "Hamburg", "20095"), False),
    Pair("other continent, same word", _at("Asiatisches Zentrum", "Hamburg"),
         _at("Afrikanisches Zentrum Hamburg", "Hamburg"), False),
    Pair("other website with a similar host", _at("Initiative Willkommen", "Hamburg",
         website="https://willkommen-hh.de"),
         _at("Willkommen in Hamburg", "Hamburg", website="https://willkommen.de"), False),
    Pair("archived profile", _at("Chilenischer Kulturkreis", "Berlin"),
         _at("Chilenischer Kulturkreis", "Berlin"), False, status=Organisation.Status.ARCHIVED),
    Pair("same register number at another court", _at("Tamil Sangam", "Köln",
         register_court="Amtsgericht Köln", register_number="VR 4711"),
         _at("Bosnischer Kulturverein", "Bonn", register_court="Amtsgericht Bonn",
             register_number="VR 4711"), False),
    Pair("same number, no court given", _at("Iranischer Elternverein", "Essen",
         register_court="Amtsgericht Essen", register_number="VR 2020"),
         _at("Griechischer Sportverein", "Essen", register_number="VR 2020"), False),
    Pair("north and south", _at("Ukrainische Hilfe Nord", "Kiel"),
         _at("Ukrainische Hilfe Süd", "Kiel"), False),
]  # fmt: skip


def _create(pair: Pair, number: int) -> Organisation:
    values = dict(pair.existing)
    return make_organisation(values.pop("name"), slug=f"judged-{number}", status=pair.status,
                             **values)  # fmt: skip


def test_the_judged_set_precision_and_recall(capsys):
    assert len(JUDGED) >= 25
    existing = [_create(pair, n) for n, pair in enumerate(JUDGED)]
    results = []
    for pair, organisation in zip(JUDGED, existing, strict=True):
        found = candidates(**pair.entered, limit=50)
        results.append((pair, organisation.pk in {c.pk for c in found}))
    true_pos = sum(1 for pair, hit in results if hit and pair.same)
    false_pos = [pair.label for pair, hit in results if hit and not pair.same]
    false_neg = [pair.label for pair, hit in results if not hit and pair.same]
    precision = true_pos / (true_pos + len(false_pos))
    recall = true_pos / (true_pos + len(false_neg))
    with capsys.disabled():
        print(
            f"\nduplicate check, judged set of {len(JUDGED)} pairs: precision {precision:.2f}, "
            f"recall {recall:.2f}; false positives {false_pos}; missed {false_neg}"
        )
    # The record: no false positive, and only the miss the set says it misses.
    assert false_pos == []
    assert false_neg == [pair.label for pair in JUDGED if pair.note == "missed"]
    assert (round(precision, 2), round(recall, 2)) == (1.0, 0.95)


def test_reasons_are_named_and_the_likeliest_comes_first():
    make_organisation("Club Dialog e. V.", slug="club", city="Berlin", postal_code="10117",
                      website="https://club-dialog.de", email="info@club-dialog.de")  # fmt: skip
    make_organisation("Club Dialog Jugend", slug="jugend", city="Berlin", postal_code="10117")
    found = candidates(
        "Club Dialog eV", city="Berlin", website="www.club-dialog.de", email="x@club-dialog.de"
    )
    assert [c.slug for c in found] == ["club"]
    assert found[0].reasons == ["website", "name_town", "email"]
    assert [str(r) for r in found[0].reason_labels] == [
        "gleiche Website",
        "ähnlicher Name und gleicher Ort",
        "gleiche E-Mail-Domain",
    ]
    assert (found[0].name, found[0].city, found[0].status) == (
        "Club Dialog e. V.",
        "Berlin",
        "published",
    )


def test_a_name_without_anything_else_is_no_candidate_without_a_town():
    make_organisation("Kulturbrücke", slug="kb", city="Bonn", postal_code="53111")
    # The name alone, entered without a town (an import row): the same name counts.
    assert [c.reasons for c in candidates("Kulturbrücke e. V.")] == [["name"]]


def test_members_see_published_candidates_only_coordinators_all_but_archived():
    for status in ("draft", "in_review", "published", "archived"):
        make_organisation("Club Dialog", slug=status, status=status, city="Berlin")
    everyone = candidates("Club Dialog", city="Berlin", limit=10)
    assert sorted(c.slug for c in everyone) == ["draft", "in_review", "published"]
    public = candidates("Club Dialog", city="Berlin", published_only=True, limit=10)
    assert [c.slug for c in public] == ["published"]


def test_a_hidden_address_is_not_matched_for_the_public():
    make_organisation("Verein X", slug="x", city="Kiel", email="a@verein-x.de",
                      email_visibility="institutions")  # fmt: skip
    assert [c.slug for c in candidates("Anderer Name", email="b@verein-x.de")] == ["x"]
    assert candidates("Anderer Name", email="b@verein-x.de", published_only=True) == []


def test_the_profile_itself_is_left_out():
    own = make_organisation("Club Dialog", slug="own", city="Berlin")
    assert candidates("Club Dialog", city="Berlin", exclude_pk=own.pk) == []


def test_one_query_and_none_without_anything_to_compare(django_assert_num_queries):
    for n in range(30):
        make_organisation(f"Kulturverein {n}", slug=f"kv-{n}", city="Berlin", postal_code="10117",
                          website=f"https://kv{n}.de")  # fmt: skip
    with django_assert_num_queries(1):
        found = candidates("Kulturverein 7", city="Berlin", postal_code="10117",
                           website="kv7.de", email="a@kv7.de", register_number="VR 1")  # fmt: skip
    assert found[0].slug == "kv-7"
    with django_assert_num_queries(0):
        assert candidates("e. V.", email="someone@gmail.com") == []


def test_the_keys_compared():
    assert website_key("https://www.Club-Dialog.de/kontakt?x=1") == "club-dialog.de"
    assert website_key("club-dialog.de") == "club-dialog.de"
    assert website_key("http://m.facebook.com/ClubDialog/about") == "facebook.com/clubdialog"
    assert website_key("https://facebook.com") == "facebook.com"
    assert website_key("https://bücher.de") == "xn--bcher-kva.de"
    assert website_key("http://[::1") == ""  # malformed: nothing to compare
    assert website_key("") == email_domain("") == email_domain("no address") == ""
    assert email_domain("Info@Club-Dialog.DE ") == "club-dialog.de"
    assert duplicates.is_mail_provider("gmx.de") and duplicates.is_mail_provider("yahoo.co.uk")
    assert not duplicates.is_mail_provider("club-dialog.de")
    assert name_tokens("Club Dialog e. V.") == name_tokens("Club-Dialog eV") == ["club", "dialog"]
    assert name_tokens("Verein für Bildung gGmbH (haftungsbeschränkt)") == ["bildung"]
    assert name_tokens("Berlin e. V.", city="Berlin") == ["berlin"]  # the town, if nothing else
    assert duplicates.number_key("VR 1234 B") == duplicates.number_key("vr1234b") == "VR1234B"
    assert (
        duplicates.register_key("VR 1234 B", "Amtsgericht Köln")
        == duplicates.register_key("vr1234b", "AG Koeln")
        == duplicates.register_key("VR 1234 b", "köln")
        == "KOLN/VR1234B"
    )
    # Berlin's register court, however it is written.
    assert (
        duplicates.register_key("VR 1", "Amtsgericht Charlottenburg")
        == duplicates.register_key("VR 1", "AG Berlin-Charlottenburg")
        == duplicates.register_key("VR 1", "Amtsgericht Berlin")
    )
    # Court and number belong together: one of them alone compares nothing.
    assert duplicates.register_key("VR 1234", "") == duplicates.register_key("", "Köln") == ""


def test_the_derived_keys_are_kept_by_the_services_and_filled_by_the_migration():
    organisation = make_organisation(
        "Club", slug="club", website="https://www.club.de/x", email="a@Club.de"
    )
    assert (organisation.website_host, organisation.email_domain) == ("club.de", "club.de")
    organisation.website, organisation.email = "", "b@posteo.de"
    organisation_save(organisation=organisation, by=None, fields=["website", "email"])
    organisation.refresh_from_db()
    assert (organisation.website_host, organisation.email_domain) == ("", "posteo.de")
    Organisation.objects.update(website="https://neu.de", website_host="", email_domain="")
    migration = importlib.import_module("directory.migrations.0016_contact_keys_for_duplicates")
    migration.fill_contact_keys(apps, None)
    organisation.refresh_from_db()
    assert (organisation.website_host, organisation.email_domain) == ("neu.de", "posteo.de")


def test_the_same_register_entry_is_a_reason_whatever_the_name():
    make_organisation("Ganz Anders", slug="reg", city="Kiel", register_court="Amtsgericht Kiel",
                      register_number="VR 1234 B")  # fmt: skip
    found = candidates("Verein Y", register_number="vr1234b", register_court="AG Kiel")
    assert [(c.slug, c.reasons) for c in found] == [("reg", ["register"])]
    assert [str(r) for r in found[0].reason_labels] == ["gleiche Registernummer"]
    # The number alone, or at another court, is no reason (VR 1234 exists at many courts).
    assert candidates("Verein Y", register_number="VR 1234 B") == []
    assert candidates("Verein Y", register_number="VR 1234 B", register_court="Lübeck") == []


def test_the_register_key_is_kept_by_the_services():
    organisation = make_organisation("Club", slug="club", register_court="Amtsgericht Köln",
                                     register_number="VR 12345")  # fmt: skip
    assert organisation.register_key == "KOLN/VR12345"
    organisation.register_number = ""
    organisation_save(organisation=organisation, by=None, fields=["register_number"])
    organisation.refresh_from_db()
    assert organisation.register_key == ""
