from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidanceConfig(AppConfig):
    name = "guidance"
    verbose_name = _("Leitfaden")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from directory import extensions
        from guidance.profile_panel import profile_panel

        extensions.register(extensions.profile_panels, profile_panel)
        _register_merge()
        _register_use()


def _register_use() -> None:
    """A guide draft that will feature a profile uses it (directory.usage)."""
    from directory import usage
    from guidance.services import featured_in_drafts

    usage.register(featured_in_drafts)


def _register_merge() -> None:
    """Guide items featuring a merged profile feature the staying one."""
    from directory import merging
    from guidance.models import Item

    merging.register(
        Item.featured_organisations.through,
        "organisation",
        label=_("Beispiele im Leitfaden"),
        move=merging.move_unique("item"),
    )
