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
