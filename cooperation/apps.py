from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "cooperation"
    verbose_name = _("Kooperationsanfragen")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts.services import EXPORT_CONTRIBUTORS
        from cooperation.services import mail_settled, personal_data
        from cooperation.views import request_action
        from directory import extensions
        from mailer.signals import mail_settled as outbox_settled

        extensions.register(extensions.profile_actions, request_action, order=10)
        from accounts import extensions as account_extensions
        from cooperation.account_panel import account_panel

        account_extensions.register(account_panel, order=30)
        if personal_data not in EXPORT_CONTRIBUTORS:
            EXPORT_CONTRIBUTORS.append(personal_data)
        from accounts.services import DELETE_CONTRIBUTORS
        from cooperation.services import sender_leaves

        if sender_leaves not in DELETE_CONTRIBUTORS:
            DELETE_CONTRIBUTORS.append(sender_leaves)
        outbox_settled.connect(mail_settled, dispatch_uid="cooperation.delivery")
        _register_merge()


def _register_merge() -> None:
    """Requests to and from a merged profile move to the one that stays."""
    from django.utils.translation import gettext_lazy as _

    from cooperation.models import CooperationRequest
    from cooperation.services import between_stays, merge_requests, merge_warnings
    from directory import merging

    # A request between the two profiles keeps its ends and is closed by the
    # merge (cooperation.services.merge_requests); the preview lists it.
    merging.register(
        CooperationRequest,
        "organisation",
        label=_("Kooperationsanfragen an das Profil"),
        move=merge_requests,
        warn=merge_warnings,
        stays=between_stays("organisation"),
    )
    merging.register(
        CooperationRequest,
        "sender_organisation",
        label=_("Anfragen, die das Profil gesendet hat"),
        move=merge_requests,
        stays=between_stays("sender_organisation"),
    )
