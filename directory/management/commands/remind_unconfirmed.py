from django.core.management.base import BaseCommand

from directory.services import remind_unconfirmed


class Command(BaseCommand):
    help = "E-mail owners of profiles not confirmed as current for 12 months (run daily)."

    def handle(self, *args, **options):
        count = remind_unconfirmed()
        self.stdout.write(f"Reminders queued for {count} organisations.")
