from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """The user, sign-up and verification, roles, data export and deletion."""

    name = "accounts"
    verbose_name = _("Konten")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts.roles import ensure_groups

        # Group set-up data, like Django's own permissions, follows the migrations.
        post_migrate.connect(ensure_groups, dispatch_uid="portal.ensure_groups")
        _register_merge()


def _register_merge() -> None:
    from accounts.models import AccountReport
    from directory import merging

    merging.register(
        AccountReport,
        "organisation",
        label=_("Meldungen über Konten"),
        move=merging.move_all,
    )
