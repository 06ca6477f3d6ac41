"""Seed the allow-list of official e-mail domains and decide about the
institution accounts that exist already.

Existing institution accounts whose confirmed address is on a listed domain
(or a subdomain of one) are verified by domain; all others stay unverified
and appear on the coordinators' list (/koordination/institutionen/), where a
coordinator verifies them with a reason. Until then they see public contact
data only. Nothing is mailed by this migration.

Chambers of crafts (Handwerkskammern) use domains like ``hwk-berlin.de``: a
pattern ``hwk-*.de`` is no authority boundary (anybody may register
``hwk-irgendwas.de``), so each chamber is listed by its own domain; coordinators
add more. A listed domain matches itself and every subdomain, label by label.
"""

from django.db import migrations

from accounts.domains import SEED, matching_entry

SEED_REASON = "Grundausstattung der Liste (Datenmigration)"


def forwards(apps, schema_editor):
    OfficialDomain = apps.get_model("accounts", "OfficialDomain")
    User = apps.get_model("accounts", "User")
    InstitutionVerification = apps.get_model("accounts", "InstitutionVerification")
    VerificationDecision = apps.get_model("accounts", "VerificationDecision")
    for domain, label in SEED:
        if not OfficialDomain.objects.filter(domain=domain, removed_at__isnull=True).exists():
            OfficialDomain.objects.create(domain=domain, label=label, reason=SEED_REASON)
    entries = list(
        OfficialDomain.objects.filter(removed_at__isnull=True).values_list("domain", flat=True)
    )
    existing = User.objects.filter(
        account_type="institution", is_active=True, email_verified_at__isnull=False
    )
    for user in existing:
        entry = matching_entry(user.email, entries)
        if entry is None:
            continue  # stays unverified: the coordinators decide
        reason = entry  # the matched domain, as the services record it
        InstitutionVerification.objects.get_or_create(
            user=user, defaults={"method": "domain", "reason": reason}
        )
        VerificationDecision.objects.create(
            user=user, action="verified", method="domain", reason=reason
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_institution_verification")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
