"""Fetch the active external iCalendar feeds and import their events
(events.services.import_feed). A job of the background worker: each feed at most
every --hours hours; a feed that fails keeps its error (ImportedFeed.last_error)
and the others still run."""

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from events import services
from events.models import ImportedFeed

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Import the events of the active external iCalendar feeds."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--hours", type=int, default=6, help="Fetch feeds not fetched for this many hours."
        )
        parser.add_argument("--all", action="store_true", help="Fetch every active feed now.")
        parser.add_argument("--timeout", type=float, default=services.FETCH_TIMEOUT)

    def handle(self, *args: Any, hours: int, all: bool, timeout: float, **options: Any) -> None:
        feeds = ImportedFeed.objects.filter(active=True) if all else services.feeds_due(hours=hours)
        for feed in feeds:
            try:
                data = services.fetch(feed.url, timeout=timeout)
                report = services.import_feed(feed=feed, data=data)
            except services.FeedError as error:
                services.record_failure(feed=feed, error=str(error))
                self.stderr.write(f"{feed}: {error}")
                continue
            except Exception:  # never one feed for all the others
                logger.exception("Import of feed %s failed", feed.pk)
                services.record_failure(feed=feed, error=services.FAILED)
                self.stderr.write(f"{feed}: {services.FAILED}")
                continue
            self.stdout.write(
                f"{feed}: {report.created} new, {report.updated} updated, "
                f"{report.cancelled} cancelled, {report.skipped} skipped"
            )
