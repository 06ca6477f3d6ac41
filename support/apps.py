from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = _("Unterstützung")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts.services import EXPORT_CONTRIBUTORS
        from directory import extensions
        from support.services import personal_data
        from support.views_assessment import edit_links

        extensions.register(extensions.edit_links, edit_links)
        if personal_data not in EXPORT_CONTRIBUTORS:
            EXPORT_CONTRIBUTORS.append(personal_data)
        _register_merge()


def _register_merge() -> None:
    """Assessments, offers, interests, mentor and experts of a merged profile.
    What may exist once per profile (a draft assessment, the mentor entry)
    stays with the tombstone when the staying profile has one."""
    from django.db.models import Q

    from directory import merging
    from support.models import Assessment, Expert, Interest, Mentor, SupportOffer

    register = merging.register
    register(
        Assessment,
        "organisation",
        label=_("Bedarfsermittlungen"),
        move=merging.move_unique(condition=Q(status="draft"), on_clash="keep"),
    )
    register(
        SupportOffer,
        "provider_organisation",
        label=_("Unterstützungsangebote"),
        move=merging.move_all,
    )
    register(
        Interest,
        "organisation",
        label=_("Interesse an Unterstützungsangeboten"),
        move=merging.move_unique("offer"),
    )
    register(
        Mentor,
        "organisation",
        label=_("Mentor-Eintrag"),
        move=merging.move_unique(on_clash="keep"),
    )
    register(Expert, "organisation", label=_("Expertinnen und Experten"), move=merging.move_all)
