"""Django's loaddata, then every cache derived from the data is cleared."""

from typing import Any

from django.core.management.commands import loaddata

from core.pagecache import clears_all


class Command(loaddata.Command):
    @clears_all
    def handle(self, *fixture_labels: Any, **options: Any) -> None:
        super().handle(*fixture_labels, **options)
