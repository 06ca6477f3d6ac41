from django.core.management.base import BaseCommand

from accounts.services import purge_unverified
from core.pagecache import clears_all


class Command(BaseCommand):
    help = (
        "Delete registrations not verified within EMAIL_VERIFICATION_DAYS "
        "(never signed in, no memberships). Run daily."
    )

    @clears_all
    def handle(self, *args, **options):
        count = purge_unverified()
        self.stdout.write(f"Unverified registrations deleted: {count}.")
