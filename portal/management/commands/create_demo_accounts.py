from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

DEMO_ACCOUNTS = [
    # (username, password, description)
    (
        "koordination",
        "demo-koordination",
        "Koordination (Administrator, Django-Admin unter /admin/)",
    ),
]


class Command(BaseCommand):
    help = "Create the demo accounts of a local installation and print them (never in production)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Also with DEBUG off.")

    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo accounts are for local installations (DEBUG on) only.")
        User = get_user_model()
        self.stdout.write("Demo accounts:")
        for username, password, description in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.is_staff = user.is_superuser = True
                user.set_password(password)
                user.save()
            self.stdout.write(f"  {description}: {username} / {password}")
