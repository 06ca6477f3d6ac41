from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts import institution_services
from accounts.institutions import profile_of
from accounts.roles import make_coordinator
from accounts.services import institution_verify
from core.pagecache import clears_all
from directory.models import Organisation
from directory.team import owner_assign
from directory.vocabulary import get_vocabulary

DEMO_ACCOUNTS = [
    # email, password, name, description
    ("koordination@example.org", "demo-koordination", "Koordination Fach AG", "Koordination"),
    ("jobcenter@example.org", "demo-institution", "Jana Berger", "Institution (Jobcenter)"),
    ("verein@example.org", "demo-verein", "Olga Petrowa", "MO (Kontakt e. V.)"),
]


class Command(BaseCommand):
    help = "Create the demo accounts of a local installation and print them (never in production)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Also with DEBUG off.")

    @clears_all
    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo accounts are for local installations (DEBUG on) only.")
        User = get_user_model()
        vocab = get_vocabulary()
        users = {}
        for email, password, name, _description in DEMO_ACCOUNTS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email=email, password=password, name=name, email_verified_at=timezone.now()
                )
            users[email] = user
        coordinator = users["koordination@example.org"]
        coordinator.is_staff = coordinator.is_superuser = True
        coordinator.save()
        make_coordinator(coordinator)
        institution = users["jobcenter@example.org"]
        institution.account_type = User.AccountType.INSTITUTION
        institution.institution_name = "Jobcenter Schwerin"
        institution.institution_type = vocab.get("institution_type", "jobcenter")
        institution.institution_state = vocab.get("state", "mecklenburg-vorpommern")
        institution.save()
        if not hasattr(institution, "institution_verification"):
            institution_verify(
                user=institution, by=coordinator, reason="Demo-Konto einer lokalen Installation"
            )
        institution = User.objects.get(pk=institution.pk)  # with its verification
        if profile_of(institution) is None:
            _demo_institution_profile(institution)
        kontakt = Organisation.objects.filter(slug="kontakt-schwerin").first()
        if kontakt and not kontakt.memberships.exists():
            owner_assign(organisation=kontakt, user=users["verein@example.org"])
        self.stdout.write("Demo accounts (sign in at /konto/anmelden/):")
        for email, password, _name, description in DEMO_ACCOUNTS:
            self.stdout.write(f"  {description:28} {email} / {password}")


def _demo_institution_profile(institution) -> None:
    """The Jobcenter's published institution profile: what it offers MOs."""
    vocab = get_vocabulary()
    profile = institution_services.profile_create(
        by=institution,
        values={
            "name": "Jobcenter Schwerin",
            "institution_type": vocab.get("institution_type", "jobcenter"),
            "state": vocab.get("state", "mecklenburg-vorpommern"),
            "city": "Schwerin",
            "postal_code": "19053",
            "description": "Wir beraten und vermitteln Arbeitsuchende in Schwerin und arbeiten "
            "gern mit Migrantenorganisationen zusammen.",
            "contact_name": "Jana Berger",
            "contact_function": "Ansprechpartnerin für Migrantenorganisationen",
            "contact_email": "jobcenter@example.org",
            "offer_details": "Unser Besprechungsraum ist dienstags und donnerstags ab 16 Uhr "
            "frei. Hospitationstage nach Absprache.",
        },
        offers=["rooms", "training", "shadowing", "labour_market"],
    )
    institution_services.profile_publish(profile=profile, published=True)
