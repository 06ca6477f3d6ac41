"""The self-assessment (Bedarfsermittlung, guide ch. 5 and 6): questions grouped
by need area. Each area is a need term of the shared vocabulary, so results lead
to support offers and guide items tagged with the same term."""

from django.utils.translation import gettext_lazy as _

SCALE = [
    (0, _("kein Bedarf")),
    (1, _("wenig Bedarf")),
    (2, _("einiger Bedarf")),
    (3, _("großer Bedarf")),
]
NEED_THRESHOLD = 2  # from this score on, an area counts as a need

# (need term slug, [(question key, question)])
AREAS = [
    (
        "vereinsrecht",
        [
            (
                "satzung",
                _("Satzung, Vorstand, Mitgliederversammlung: Wie viel Unterstützung brauchen Sie?"),
            ),
            (
                "gemeinnuetzigkeit",
                _("Gemeinnützigkeit und Finanzamt: Wie viel Unterstützung brauchen Sie?"),
            ),
        ],
    ),
    (
        "projektmanagement",
        [
            (
                "projekte",
                _(
                    "Projekte planen, durchführen und abrechnen: Wie viel Unterstützung brauchen Sie?"
                ),
            )
        ],
    ),
    (
        "oeffentlichkeitsarbeit",
        [
            (
                "sichtbarkeit",
                _(
                    "Ihre Arbeit bekannt machen (Website, Presse, soziale Medien): Wie viel Unterstützung brauchen Sie?"
                ),
            )
        ],
    ),
    (
        "foerderantraege",
        [
            (
                "antraege",
                _(
                    "Fördermittel finden und Anträge schreiben: Wie viel Unterstützung brauchen Sie?"
                ),
            )
        ],
    ),
    (
        "kooperationsvereinbarungen",
        [
            (
                "vereinbarungen",
                _(
                    "Kooperationen mit Jobcenter, Kammern oder Kommune vereinbaren: Wie viel Unterstützung brauchen Sie?"
                ),
            )
        ],
    ),
    (
        "arbeitsmarktwissen",
        [
            (
                "anerkennung",
                _(
                    "Anerkennung ausländischer Abschlüsse: Wie viel Wissen fehlt Ihnen, um Ratsuchende zu begleiten?"
                ),
            ),
            (
                "angebote",
                _("Angebote von Jobcenter und Agentur für Arbeit: Wie viel Wissen fehlt Ihnen?"),
            ),
        ],
    ),
    (
        "vernetzung",
        [
            (
                "netzwerke",
                _(
                    "Zugang zu Netzwerken mit Arbeitsmarktakteuren: Wie viel Unterstützung brauchen Sie?"
                ),
            )
        ],
    ),
    (
        "hauptamtliche-strukturen",
        [
            (
                "hauptamt",
                _("Wege vom Ehrenamt zu bezahlten Stellen: Wie viel Unterstützung brauchen Sie?"),
            )
        ],
    ),
    (
        "raeumlichkeiten",
        [("raeume", _("Räume für Beratung, Kurse und Treffen: Wie groß ist Ihr Bedarf?"))],
    ),
    (
        "finanzen",
        [("buchhaltung", _("Buchhaltung und Finanzen: Wie viel Unterstützung brauchen Sie?"))],
    ),
    (
        "empowerment",
        [
            (
                "empowerment",
                _(
                    "Selbstvertretung und Empowerment Ihrer Mitglieder: Wie viel Unterstützung brauchen Sie?"
                ),
            )
        ],
    ),
]

QUESTION_AREA = {key: area for area, questions in AREAS for key, _text in questions}
