from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Veranstaltungen")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts.services import EXPORT_CONTRIBUTORS
        from directory import extensions, merging
        from events.models import Event, ImportedFeed
        from events.profile_panel import profile_panel
        from events.services import personal_data

        extensions.register(extensions.profile_panels, profile_panel, order=60)

        if personal_data not in EXPORT_CONTRIBUTORS:
            EXPORT_CONTRIBUTORS.append(personal_data)

        # Events and feeds of a merged profile move to the profile that stays.
        merging.register(Event, "organisation", label=_("Veranstaltungen"), move=merging.move_all)
        merging.register(
            ImportedFeed,
            "organisation",
            label=_("Importierte Veranstaltungskalender"),
            move=merging.move_all,
        )
