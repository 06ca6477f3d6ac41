from django.core.management.base import BaseCommand

from finder.services import send_alert_digests


class Command(BaseCommand):
    help = (
        "Mail the owners of subscribed saved searches the MOs that newly match them, "
        "once a week per search (the worker runs it every round; it is idempotent)."
    )

    def handle(self, *args, **options):
        count = send_alert_digests()
        self.stdout.write(f"Alert digests queued: {count}.")
