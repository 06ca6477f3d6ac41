from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("Verzeichnis")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.pagecache import cleared
        from directory.vocabulary import drop_vocabulary

        # The vocabulary is kept outside the page cache's generations.
        cleared.connect(drop_vocabulary, dispatch_uid="directory.drop_vocabulary")
