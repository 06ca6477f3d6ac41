from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.roles import COORDINATOR_GROUP, make_coordinator


class Command(BaseCommand):
    help = f"Give an existing account the coordinator role (group “{COORDINATOR_GROUP}”)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--staff", action="store_true", help="Also allow the Django admin.")

    def handle(self, *args, email, staff, **options):
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No account with the e-mail address {email}.")
        make_coordinator(user)
        if staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        self.stdout.write(f"{user.email} is a coordinator now.")
