from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinderConfig(AppConfig):
    """The partner finder: ranking, saved searches and the shortlist."""

    name = "finder"
    verbose_name = _("Partnersuche")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from directory import extensions
        from finder.views import shortlist_action

        extensions.register(extensions.profile_actions, shortlist_action, order=20)
        from accounts import extensions as account_extensions
        from finder.account_panel import account_panel

        account_extensions.register(account_panel, order=20)
        _register_merge()


def _register_merge() -> None:
    """Shortlists and the alerts' known hits follow a merged profile (once each;
    the notes of a shortlist with both are combined: finder.services.shortlist_merge)."""
    from directory import merging
    from finder.models import AlertSeen, ShortlistEntry
    from finder.services import shortlist_merge

    # A shortlist with both profiles keeps one entry with both notes.
    merging.register(
        ShortlistEntry,
        "organisation",
        label=_("Einträge auf Merklisten"),
        move=shortlist_merge,
    )
    merging.register(
        AlertSeen,
        "organisation",
        label=_("Bekannte Treffer gespeicherter Suchen"),
        move=merging.move_unique("search"),
        shown=False,
    )
