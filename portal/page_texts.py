"""The first texts of the accessibility statement, imprint and privacy pages
(coordinators edit them afterwards)."""

PAGES = [
    {
        "slug": "barrierefreiheit",
        "title": "Erklärung zur Barrierefreiheit",
        "title_en": "Accessibility statement",
        "body": (
            "Das MO-Portal soll für alle nutzbar sein. Es richtet sich nach der "
            "Barrierefreie-Informationstechnik-Verordnung (BITV 2.0) und den Web Content "
            "Accessibility Guidelines (WCAG 2.1, Stufe AA).\n\n"
            "## Stand der Vereinbarkeit\n\n"
            "Die Seiten werden bei jeder Änderung automatisch geprüft: mit axe-core auf alle "
            "Regeln der WCAG 2.0 und 2.1 (Stufen A und AA), mit dem Nu Html Checker auf gültiges "
            "HTML und in einem echten Browser, auch nur mit der Tastatur und auf kleinen "
            "Bildschirmen.\n\n"
            "## Barrieren melden\n\n"
            "Ist Ihnen eine Barriere aufgefallen? Schreiben Sie uns über das Formular auf dieser "
            "Seite. Wir antworten innerhalb von zwei Wochen.\n\n"
            "## Schlichtungsverfahren\n\n"
            "Wenn Sie mit unserer Antwort nicht zufrieden sind, können Sie sich an die "
            "Schlichtungsstelle nach § 16 BGG wenden."
        ),
        "body_en": (
            "The MO Portal is meant to be usable by everybody. It follows the German accessibility "
            "regulation BITV 2.0 and the Web Content Accessibility Guidelines (WCAG 2.1, level AA)."
            "\n\n## State of compliance\n\n"
            "Every change is checked automatically: with axe-core against all WCAG 2.0 and 2.1 "
            "rules of levels A and AA, with the Nu Html Checker for valid HTML, and in a real "
            "browser, also with the keyboard alone and on small screens.\n\n"
            "## Report a barrier\n\n"
            "Have you found a barrier? Write to us with the form on this page. We answer within "
            "two weeks.\n\n"
            "## Conciliation procedure\n\n"
            "If you are not satisfied with our answer, you can turn to the conciliation body "
            "under § 16 BGG."
        ),
    },
    {
        "slug": "impressum",
        "title": "Impressum",
        "title_en": "Imprint",
        "body": (
            "Angaben gemäß § 5 DDG.\n\n"
            "**Betreiber:** (bitte in der Administration eintragen: Name, Anschrift, "
            "Vertretungsberechtigte, Kontakt)\n\n"
            "Der Leitfaden „Ressourcen und Professionalisierung von Migrantenorganisationen“ "
            "wurde herausgegeben von der Arbeitsgemeinschaft selbständiger Migranten e. V. (ASM) "
            "im Förderprogramm „Integration durch Qualifizierung (IQ)“."
        ),
        "body_en": (
            "Information according to § 5 DDG.\n\n"
            "**Operator:** (to be entered by the coordinators: name, address, representatives, "
            "contact)\n\n"
            "The guide was published by Arbeitsgemeinschaft selbständiger Migranten e. V. (ASM) "
            "in the programme “Integration durch Qualifizierung (IQ)”."
        ),
    },
    {
        "slug": "datenschutz",
        "title": "Datenschutzerklärung",
        "title_en": "Privacy notice",
        "body": (
            "Wir verarbeiten personenbezogene Daten nur, soweit das für das Portal nötig ist "
            "(Art. 6 Abs. 1 DSGVO).\n\n"
            "## Welche Daten\n\n"
            "- Konto: E-Mail-Adresse, Name, bei Institutionen Name, Art und Bundesland der "
            "Institution.\n"
            "- Inhalte, die Sie eingeben: Profile, Anfragen, Notizen, Bedarfsermittlungen, "
            "Einträge im Expertenpool.\n"
            "- Listen von Organisationen, die Koordinierende importieren: Die Werte der "
            "einzelnen Zeilen (Namen, Adressen, Kontaktdaten) werden 90 Tage nach Abschluss "
            "des Imports gelöscht, die hochgeladene Datei schon nach dem Einlesen.\n"
            "- Keine Analyse- oder Werbedienste, keine Inhalte von fremden Servern.\n\n"
            "## Ihre Rechte\n\n"
            "Unter „Mein Bereich“ laden Sie alle Ihre Daten herunter (JSON) und löschen Ihr "
            "Konto. Kontaktdaten von Organisationen zeigen wir nur so weit, wie die Organisation "
            "es erlaubt."
        ),
        "body_en": (
            "We process personal data only as far as the portal needs it (Art. 6(1) GDPR).\n\n"
            "## Which data\n\n"
            "- Account: e-mail address, name; for institutions the name, type and state of the "
            "institution.\n"
            "- What you enter: profiles, requests, notes, needs assessments, expert-pool "
            "listings.\n"
            "- Lists of organisations imported by coordinators: the values of each row "
            "(names, addresses, contact details) are deleted 90 days after the import is "
            "through, the uploaded file as soon as it has been read.\n"
            "- No analytics or advertising services, no content from other servers.\n\n"
            "## Your rights\n\n"
            "In “My area” you download all your data (JSON) and delete your account. Contact "
            "details of organisations are shown only as far as the organisation allows."
        ),
    },
]


def ensure_pages(page_model) -> int:
    """Create the pages that are missing (takes the model so migrations can use it)."""
    created = 0
    for page in PAGES:
        _obj, new = page_model.objects.get_or_create(slug=page["slug"], defaults=page)
        created += new
    return created
