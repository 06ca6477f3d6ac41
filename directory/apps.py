from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("Verzeichnis")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.pagecache import cleared
        from directory.vocabulary import drop_vocabulary

        # The vocabulary and the synonyms are kept outside the page cache's generations.
        cleared.connect(drop_vocabulary, dispatch_uid="directory.drop_vocabulary")
        cleared.connect(_forget_synonyms, dispatch_uid="directory.forget_synonyms")
        post_migrate.connect(_ensure_search_index, sender=self, dispatch_uid="directory.fts")


def _forget_synonyms(**kwargs) -> None:
    from directory.search import forget_synonyms

    forget_synonyms()


def _ensure_search_index(sender, using="default", **kwargs) -> None:
    """SQLite rebuilds a table for some migrations and drops its triggers:
    put the search index's triggers back after every migrate."""
    from django.db import connections

    from directory.search_schema import ensure_sqlite_index

    ensure_sqlite_index(connections[using])
