from django.core.management.base import BaseCommand

from directory.outreach import run_due_jobs


class Command(BaseCommand):
    help = "Carry out the coordinators' queued bulk reminders and invitations."

    def handle(self, *args, **options):
        done = run_due_jobs()
        if done:
            self.stdout.write(f"{done} bulk action(s) carried out.")
